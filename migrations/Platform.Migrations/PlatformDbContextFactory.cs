using Microsoft.EntityFrameworkCore.Design;
using Platform.Data;

namespace Platform.Migrations;

/// <summary>Lets dotnet-ef build the context without any host: the connection comes from QPLAT_PG.</summary>
public sealed class PlatformDbContextFactory : IDesignTimeDbContextFactory<PlatformDbContext>
{
    public PlatformDbContext CreateDbContext(string[] args) =>
        PlatformDatabase.CreateContext(PlatformDatabase.ConnectionStringFromEnvironment());
}
