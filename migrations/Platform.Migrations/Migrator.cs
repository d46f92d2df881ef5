using Microsoft.EntityFrameworkCore;
using Platform.Data;

namespace Platform.Migrations;

/// <summary>Applies pending migrations; the only way the schema changes (never EnsureCreated).</summary>
public static class Migrator
{
    /// <summary>Creates the database if needed, applies what is pending and returns the migrations it applied.</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(string connectionString, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        await using var db = PlatformDatabase.CreateContext(connectionString);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        foreach (var migration in pending)
            log?.WriteLine($"applying {migration}");
        await db.Database.MigrateAsync(cancellationToken);
        log?.WriteLine(pending.Count == 0 ? "schema is up to date" : $"applied {pending.Count} migration(s)");
        return pending;
    }
}
