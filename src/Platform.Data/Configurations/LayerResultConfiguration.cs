using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class LayerResultConfiguration : IEntityTypeConfiguration<LayerResult>
{
    public void Configure(EntityTypeBuilder<LayerResult> b)
    {
        b.ToTable("layer_results");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).UseIdentityAlwaysColumn();
        b.Property(x => x.LayerName).HasMaxLength(500);
        b.Property(x => x.Op).HasMaxLength(100);
        b.Property(x => x.Format).HasMaxLength(100);
        b.HasIndex(x => new { x.VariantId, x.Ordinal }).IsUnique();
    }
}
