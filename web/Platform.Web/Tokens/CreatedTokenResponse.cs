namespace Platform.Web.Tokens;

/// <param name="Token">The secret, shown this once: only its hash is stored.</param>
public sealed record CreatedTokenResponse(Guid Id, Guid TeamId, string Name, bool IsAdmin, string Prefix, string Token, DateTimeOffset CreatedAt);
