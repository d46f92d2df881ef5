using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class WorkerInstanceConfiguration : IEntityTypeConfiguration<WorkerInstance>
{
    public void Configure(EntityTypeBuilder<WorkerInstance> b)
    {
        b.ToTable("worker_instances");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(200);
        b.Property(x => x.Host).HasMaxLength(200);
        b.Property(x => x.CapabilitiesJson).HasColumnType("jsonb");
        b.HasIndex(x => new { x.Device, x.LastHeartbeatAt });
    }
}
