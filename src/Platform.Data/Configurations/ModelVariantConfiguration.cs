using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class ModelVariantConfiguration : IEntityTypeConfiguration<ModelVariant>
{
    public void Configure(EntityTypeBuilder<ModelVariant> b)
    {
        b.ToTable("model_variants");
        b.HasKey(x => x.Id);
        b.Property(x => x.SpecJson).HasColumnType("jsonb");
        b.Property(x => x.Runtime).HasMaxLength(50);
        b.Property(x => x.DeviceName).HasMaxLength(200);
        b.Property(x => x.ArtifactSha256).HasMaxLength(64);
        b.Property(x => x.OnnxExportSha256).HasMaxLength(64);

        b.HasIndex(x => x.ModelId);
        b.HasIndex(x => new { x.TeamId, x.CreatedAt });
        // One variant per job: a redelivered command that gets past the claim still cannot write a second.
        b.HasIndex(x => x.JobId).IsUnique();

        b.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Job).WithMany().HasForeignKey(x => x.JobId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Model).WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Artifact).WithMany().HasForeignKey(x => x.ArtifactSha256).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Artifact>().WithMany().HasForeignKey(x => x.OnnxExportSha256).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Latencies).WithOne(x => x.Variant).HasForeignKey(x => x.VariantId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Layers).WithOne(x => x.Variant).HasForeignKey(x => x.VariantId).OnDelete(DeleteBehavior.Cascade);
    }
}
