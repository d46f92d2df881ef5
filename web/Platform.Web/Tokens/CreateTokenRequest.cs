namespace Platform.Web.Tokens;

/// <param name="Name">What the token is for (shown in listings); defaults to "api token".</param>
public sealed record CreateTokenRequest(Guid TeamId, bool IsAdmin = false, string? Name = null);
