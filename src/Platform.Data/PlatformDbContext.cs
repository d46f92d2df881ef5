using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Data.Entities;

namespace Platform.Data;

public class PlatformDbContext(DbContextOptions<PlatformDbContext> options) : DbContext(options)
{
    public const string Schema = "platform";

    public DbSet<Team> Teams => Set<Team>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Model> Models => Set<Model>();
    public DbSet<DataSet> DataSets => Set<DataSet>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<ArtifactChunk> ArtifactChunks => Set<ArtifactChunk>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Batch> Batches => Set<Batch>();
    public DbSet<ModelVariant> ModelVariants => Set<ModelVariant>();
    public DbSet<LayerResult> LayerResults => Set<LayerResult>();
    public DbSet<VariantLatency> VariantLatencies => Set<VariantLatency>();
    public DbSet<WorkerInstance> WorkerInstances => Set<WorkerInstance>();

    protected override void ConfigureConventions(ModelConfigurationBuilder b)
    {
        // Strings, so that reordering an enum never changes what a stored row means.
        b.Properties<JobStatus>().HaveConversion<string>().HaveMaxLength(20);
        b.Properties<JobKind>().HaveConversion<string>().HaveMaxLength(20);
        b.Properties<DeviceClass>().HaveConversion<string>().HaveMaxLength(20);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.HasDefaultSchema(Schema);
        b.ApplyConfigurationsFromAssembly(typeof(PlatformDbContext).Assembly);

        // snake_case columns, so hand-written SQL (claims, sweeps, the artifact store) reads naturally.
        foreach (var entity in b.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.Name));
    }

    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool boundary = i > 0 && char.IsUpper(c) && (!char.IsUpper(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
            if (boundary) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
