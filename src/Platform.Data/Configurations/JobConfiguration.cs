using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

public sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> b)
    {
        b.ToTable("jobs", t => t.HasCheckConstraint("ck_jobs_progress", "progress >= 0 AND progress <= 1"));
        b.HasKey(x => x.Id);
        b.Property(x => x.SpecJson).HasColumnType("jsonb");
        b.Property(x => x.Stage).HasMaxLength(100);
        b.Property(x => x.LeaseOwner).HasMaxLength(200);
        b.Property(x => x.WorkerId).HasMaxLength(200);

        b.HasIndex(x => new { x.TeamId, x.Status });
        // The dispatch sweep (Pending) and the lease reaper (Running, expired lease) scan by status.
        b.HasIndex(x => new { x.Status, x.LeaseExpiresAt });
        b.HasIndex(x => x.ModelId);
        b.HasIndex(x => x.BatchId);
        b.HasIndex(x => x.ParentJobId);

        b.HasOne(x => x.Team).WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Model).WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.CalibrationDataSet).WithMany().HasForeignKey(x => x.CalibrationDataSetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.EvaluationDataSet).WithMany().HasForeignKey(x => x.EvaluationDataSetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Batch).WithMany(x => x.Jobs).HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(x => x.ParentJob).WithMany().HasForeignKey(x => x.ParentJobId).OnDelete(DeleteBehavior.Cascade);
    }
}
