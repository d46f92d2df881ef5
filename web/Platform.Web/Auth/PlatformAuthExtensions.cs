using Microsoft.AspNetCore.Authentication;

namespace Platform.Web.Auth;

public static class PlatformAuthExtensions
{
    public const string AdminPolicy = "admin";

    public static IServiceCollection AddPlatformAuth(this IServiceCollection services)
    {
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireClaim(CallerClaims.Admin, "true"));
        services.AddHostedService<AdminBootstrap>();
        return services;
    }
}
