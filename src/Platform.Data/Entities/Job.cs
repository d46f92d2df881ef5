using Platform.Contracts;

namespace Platform.Data.Entities;

/// <summary>
/// A quantization or search job. A worker claims it with one conditional UPDATE of
/// <see cref="Status"/>, <see cref="LeaseOwner"/> and <see cref="LeaseExpiresAt"/>.
/// </summary>
public class Job
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public JobKind Kind { get; set; }
    public JobStatus Status { get; set; }
    public Guid ModelId { get; set; }
    public Model? Model { get; set; }
    public Guid? CalibrationDataSetId { get; set; }
    public DataSet? CalibrationDataSet { get; set; }
    public Guid? EvaluationDataSetId { get; set; }
    public DataSet? EvaluationDataSet { get; set; }
    /// <summary>The QuantSpec (or search request) as JSON, presets already resolved.</summary>
    public string SpecJson { get; set; } = "{}";
    public DeviceClass Device { get; set; }
    /// <summary>0..1.</summary>
    public double Progress { get; set; }
    public string? Stage { get; set; }
    public int Attempt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public string? Error { get; set; }
    public string? WorkerId { get; set; }
    public Guid? BatchId { get; set; }
    public Batch? Batch { get; set; }
    /// <summary>A search job's children point at it.</summary>
    public Guid? ParentJobId { get; set; }
    public Job? ParentJob { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}
