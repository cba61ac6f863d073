using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Channels;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Coupang.Internal;
using Orchestrator.Intake;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Coupang channels in an <see cref="IServiceCollection"/>.</summary>
public static class CoupangServiceCollectionExtensions
{
    /// <summary>
    /// Adds a named Coupang channel: validated options (checked at start), a named <see cref="HttpClient"/>
    /// (<c>Orchestrator.Coupang.{name}</c>), and keyed <see cref="CoupangChannel"/>, <see cref="IChannelAdapter"/> and
    /// <see cref="IOrderSource"/> services under <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The channel instance name, for example <c>coupang-main</c>; unique within the host.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder of the channel, to add handlers or settings.</returns>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    /// <remarks>A <see cref="TimeProvider"/> registered in the container is used when present.</remarks>
    public static IHttpClientBuilder AddCoupangChannel(this IServiceCollection services, string name, Action<CoupangChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(CoupangChannel) && d.IsKeyedService && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A Coupang channel named '{name}' was already added.");
        }

        services.AddOptions<CoupangChannelOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CoupangChannelOptions>, CoupangChannelOptionsValidator>());
        var clientName = "Orchestrator.Coupang." + name;

        // The HttpClient timeout is turned off so the adapter's per-attempt timeout and retries own it.
        var http = services.AddHttpClient(clientName, c => c.Timeout = Timeout.InfiniteTimeSpan)

            // The channel is a singleton holding its HttpClient: recycle pooled connections so DNS changes are picked up.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddKeyedSingleton(name, (sp, key) => new CoupangChannel(
            name,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(clientName),
            sp.GetRequiredService<IOptionsMonitor<CoupangChannelOptions>>().Get(name),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddKeyedSingleton<IChannelAdapter>(name, (sp, key) => sp.GetRequiredKeyedService<CoupangChannel>(key));
        services.AddKeyedSingleton<IOrderSource>(name, (sp, key) => sp.GetRequiredKeyedService<CoupangChannel>(key));
        return http;
    }
}
