namespace Platform.Data.Entities;

/// <summary>Jobs submitted together (a team's model zoo × specs); cancelling it cancels its unfinished jobs.</summary>
public class Batch
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<Job> Jobs { get; set; } = [];
}
