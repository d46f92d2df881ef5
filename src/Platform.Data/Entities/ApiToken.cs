namespace Platform.Data.Entities;

/// <summary>A bearer token of a team. Only the SHA-256 of the token is kept; <see cref="Prefix"/> lets people tell tokens apart.</summary>
public class ApiToken
{
    public Guid Id { get; set; }
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public required string Name { get; set; }
    public required byte[] TokenHash { get; set; }
    public required string Prefix { get; set; }
    public bool IsAdmin { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
