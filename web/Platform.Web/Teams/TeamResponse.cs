namespace Platform.Web.Teams;

public sealed record TeamResponse(Guid Id, string Name, DateTimeOffset CreatedAt);
