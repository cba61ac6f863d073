using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Channels;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Cafe24.Internal;
using Orchestrator.Intake;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Cafe24 channels in an <see cref="IServiceCollection"/>.</summary>
public static class Cafe24ServiceCollectionExtensions
{
    /// <summary>
    /// Adds a named Cafe24 channel: validated options (checked at start), a named <see cref="HttpClient"/>
    /// (<c>Orchestrator.Cafe24.{name}</c>), and keyed <see cref="Cafe24Channel"/>, <see cref="IChannelAdapter"/> and
    /// <see cref="IOrderSource"/> services under <paramref name="name"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The channel instance name, for example <c>cafe24-main</c>; unique within the host.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder of the channel, to add handlers or settings.</returns>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    /// <remarks>A <see cref="TimeProvider"/> registered in the container is used when present. An <see cref="ICafe24TokenStore"/>
    /// registered under the same key (or unkeyed) is used for the tokens; otherwise a <see cref="FileCafe24TokenStore"/> in
    /// <see cref="Cafe24ChannelOptions.TokenDirectory"/>.</remarks>
    public static IHttpClientBuilder AddCafe24Channel(this IServiceCollection services, string name, Action<Cafe24ChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(Cafe24Channel) && d.IsKeyedService && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A Cafe24 channel named '{name}' was already added.");
        }

        services.AddOptions<Cafe24ChannelOptions>(name).Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Cafe24ChannelOptions>, Cafe24ChannelOptionsValidator>(sp =>
            new Cafe24ChannelOptionsValidator { HasTokenStoreFor = n => sp.GetService<ICafe24TokenStore>() is not null || (n is not null && sp.GetKeyedService<ICafe24TokenStore>(n) is not null) }));
        var clientName = "Orchestrator.Cafe24." + name;

        // The HttpClient timeout is turned off so the adapter's per-attempt timeout and retries own it.
        var http = services.AddHttpClient(clientName, c => c.Timeout = Timeout.InfiniteTimeSpan)

            // The channel is a singleton holding its HttpClient: recycle pooled connections so DNS changes are picked up.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddKeyedSingleton(name, (sp, key) => new Cafe24Channel(
            name,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(clientName),
            sp.GetRequiredService<IOptionsMonitor<Cafe24ChannelOptions>>().Get(name),
            sp.GetKeyedService<ICafe24TokenStore>(name) ?? sp.GetService<ICafe24TokenStore>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddKeyedSingleton<IChannelAdapter>(name, (sp, key) => sp.GetRequiredKeyedService<Cafe24Channel>(key));
        services.AddKeyedSingleton<IOrderSource>(name, (sp, key) => sp.GetRequiredKeyedService<Cafe24Channel>(key));
        return http;
    }
}
