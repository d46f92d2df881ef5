using System.Net.Sockets;
using Npgsql;
using Platform.Data;
using Platform.Migrations;

namespace Platform.Tests.Shared;

/// <summary>
/// A fresh database per test class on the server named by QPLAT_PG, migrated by the migrator's
/// own code path and dropped afterwards. A missing or unreachable server fails every test that uses it.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private NpgsqlConnectionStringBuilder? _admin;

    public string Name { get; } = "test_" + Guid.NewGuid().ToString("N");
    public string ConnectionString { get; private set; } = "";
    public IReadOnlyList<string> AppliedMigrations { get; private set; } = [];

    public PlatformDbContext NewContext() => PlatformDatabase.CreateContext(ConnectionString);

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PlatformDatabase.ConnectionVariable);
        if (string.IsNullOrWhiteSpace(configured))
            throw new InvalidOperationException(
                $"{PlatformDatabase.ConnectionVariable} is not set: these tests need a PostgreSQL server. " +
                $"Run scripts/services.sh up and export {PlatformDatabase.ConnectionVariable}=\"{PlatformDatabase.DefaultConnectionString}\".");

        _admin = new NpgsqlConnectionStringBuilder(configured) { Database = "postgres", Pooling = false };
        try
        {
            await ExecuteAdminAsync($"CREATE DATABASE \"{Name}\"");
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL not reachable at {_admin.Host}:{_admin.Port} ({PlatformDatabase.ConnectionVariable}): {e.Message}. Run scripts/services.sh up.", e);
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(configured) { Database = Name }.ConnectionString;
        AppliedMigrations = await Migrator.ApplyAsync(ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_admin is null) return;
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    /// <summary>Runs one scalar query on the test database, outside any context.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        var value = await cmd.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T));
    }

    public async Task<List<string>> ColumnAsync(string sql, params object[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = p });
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync()) values.Add(reader.GetValue(0).ToString()!);
        return values;
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_admin!.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
