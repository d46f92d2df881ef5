using Npgsql;
using Platform.Data;
using Platform.Migrations;

// Usage: Platform.Migrations [--connection "<connection string>"]   (else $QPLAT_PG, else the local default)
int at = Array.IndexOf(args, "--connection");
string connection = at >= 0 && at + 1 < args.Length ? args[at + 1] : PlatformDatabase.ConnectionStringFromEnvironment();
var target = new NpgsqlConnectionStringBuilder(connection);
Console.WriteLine($"migrating database '{target.Database}' on {target.Host}:{target.Port}");
try
{
    await Migrator.ApplyAsync(connection, Console.Out);
    return 0;
}
catch (NpgsqlException e)
{
    Console.Error.WriteLine($"migration failed on {target.Host}:{target.Port}: {e.Message} (is PostgreSQL up? scripts/services.sh up)");
    return 1;
}
