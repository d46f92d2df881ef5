using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Bus;

public static class PlatformBusExtensions
{
    /// <summary>
    /// Registers MassTransit on the transport <see cref="BusOptions"/> names. <paramref name="register"/>
    /// adds the host's consumers; <paramref name="endpoints"/> may declare receive endpoints by hand
    /// (the worker's per-device queues); every registered consumer with a definition is configured too.
    /// </summary>
    public static IServiceCollection AddPlatformBus(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<IBusRegistrationConfigurator>? register = null,
        Action<IBusRegistrationContext, IBusFactoryConfigurator>? endpoints = null)
    {
        var options = configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions();
        services.AddSingleton(options);
        services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            register?.Invoke(x);
            if (options.Transport == BusTransport.InMemory)
            {
                x.UsingInMemory((ctx, cfg) =>
                {
                    endpoints?.Invoke(ctx, cfg);
                    cfg.ConfigureEndpoints(ctx);
                });
            }
            else
            {
                var uri = options.ResolveRabbitUri();
                x.UsingRabbitMq((ctx, cfg) =>
                {
                    cfg.Host(WithoutUserInfo(uri), h =>
                    {
                        var (user, password) = Credentials(uri);
                        h.Username(user);
                        h.Password(password);
                    });
                    endpoints?.Invoke(ctx, cfg);
                    cfg.ConfigureEndpoints(ctx);
                });
            }
        });
        return services;
    }

    private static Uri WithoutUserInfo(Uri uri) => new UriBuilder(uri) { UserName = "", Password = "" }.Uri;

    private static (string User, string Password) Credentials(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo)) return ("guest", "guest");
        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
    }
}
