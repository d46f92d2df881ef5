using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class DataSetConfiguration : IEntityTypeConfiguration<DataSet>
{
    public void Configure(EntityTypeBuilder<DataSet> b)
    {
        b.ToTable("data_sets");
        b.HasKey(x => x.Id);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.ArtifactSha256).HasMaxLength(64);
        b.Property(x => x.ArraysJson).HasColumnType("jsonb");
        b.HasIndex(x => new { x.TeamId, x.CreatedAt });
        b.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Artifact).WithMany().HasForeignKey(x => x.ArtifactSha256).OnDelete(DeleteBehavior.Restrict);
    }
}
