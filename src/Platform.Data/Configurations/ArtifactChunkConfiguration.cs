using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class ArtifactChunkConfiguration : IEntityTypeConfiguration<ArtifactChunk>
{
    public void Configure(EntityTypeBuilder<ArtifactChunk> b)
    {
        // No foreign key to artifacts: chunks are written under a staging key before the hash,
        // and so the artifact row, is known (ADR 0004).
        b.ToTable("artifact_chunks");
        b.HasKey(x => new { x.Sha256, x.Index });
        b.Property(x => x.Sha256).HasMaxLength(64);
    }
}
