using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class ModelConfiguration : IEntityTypeConfiguration<Model>
{
    public void Configure(EntityTypeBuilder<Model> b)
    {
        b.ToTable("models");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.ArtifactSha256).HasMaxLength(64);
        b.Property(x => x.InputsJson).HasColumnType("jsonb");
        b.Property(x => x.LayersJson).HasColumnType("jsonb");
        b.Property(x => x.OperatorsJson).HasColumnType("jsonb");
        b.HasIndex(x => new { x.TeamId, x.CreatedAt });
        b.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        // Restrict: the store deletes an artifact only once nothing points at it.
        b.HasOne(x => x.Artifact).WithMany().HasForeignKey(x => x.ArtifactSha256).OnDelete(DeleteBehavior.Restrict);
    }
}
