using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Platform.Data;

/// <summary>How every host (web, worker, migrator, tests) points the context at PostgreSQL.</summary>
public static class PlatformDatabase
{
    /// <summary>Environment variable holding the connection string.</summary>
    public const string ConnectionVariable = "QPLAT_PG";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=55432;Database=platform;Username=postgres";
    public const string MigrationsAssembly = "Platform.Migrations";

    /// <summary>Name of the connection string every host reads (<c>ConnectionStrings:Platform</c>).</summary>
    public const string ConnectionStringName = "Platform";

    /// <summary><c>ConnectionStrings:Platform</c>, else $QPLAT_PG, else the local default.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs ? cs : ConnectionStringFromEnvironment();

    public static string ConnectionStringFromEnvironment() =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } cs ? cs : DefaultConnectionString;

    public static DbContextOptionsBuilder UsePlatformPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o
            .MigrationsAssembly(MigrationsAssembly)
            .MigrationsHistoryTable("__ef_migrations_history", PlatformDbContext.Schema));

    public static DbContextOptions<PlatformDbContext> Options(string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PlatformDbContext>();
        builder.UsePlatformPostgres(connectionString);
        return builder.Options;
    }

    public static PlatformDbContext CreateContext(string connectionString) => new(Options(connectionString));
}
