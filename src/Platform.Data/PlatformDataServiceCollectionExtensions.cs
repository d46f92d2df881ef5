using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Artifacts;

namespace Platform.Data;

public static class PlatformDataServiceCollectionExtensions
{
    /// <summary>Registers <see cref="PlatformDbContext"/> and a scoped <see cref="ArtifactStore"/> sharing its connection.</summary>
    public static IServiceCollection AddPlatformData(this IServiceCollection services, string connectionString, ArtifactStoreOptions? artifacts = null)
    {
        services.AddDbContext<PlatformDbContext>(o => o.UsePlatformPostgres(connectionString));
        services.AddSingleton(artifacts ?? new ArtifactStoreOptions());
        services.AddScoped<ArtifactStore>();
        return services;
    }
}
