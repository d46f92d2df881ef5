using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class VariantLatencyConfiguration : IEntityTypeConfiguration<VariantLatency>
{
    public void Configure(EntityTypeBuilder<VariantLatency> b)
    {
        b.ToTable("variant_latencies");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).UseIdentityAlwaysColumn();
        b.Property(x => x.Runtime).HasMaxLength(50);
        b.HasIndex(x => new { x.VariantId, x.Runtime }).IsUnique();
    }
}
