using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Warehouse;
using Orchestrator.Wes;
using Orchestrator.Wes.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the WES client.</summary>
public static class WesServiceCollectionExtensions
{
    /// <summary>The name of the HTTP client the WES client uses, for <c>services.AddHttpClient(WesHttpClientName).…</c> tweaks.</summary>
    public const string WesHttpClientName = "Orchestrator.Wes";

    /// <summary>Adds the <see cref="IWesClient"/> over the generic WES REST contract.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see cref="WesClientOptions.BaseAddress"/> and <see cref="WesClientOptions.ApiKey"/> are required.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">A WES client is already registered.</exception>
    /// <remarks>Options are validated when the host starts. One WES client per host; the client is a singleton.</remarks>
    public static IServiceCollection AddWesClient(this IServiceCollection services, Action<WesClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(services).Configure(configure);
        return services;
    }

    /// <summary>Adds the <see cref="IWesClient"/> bound to a configuration section (unknown keys are an error).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, for example <c>Wes</c>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    /// <exception cref="InvalidOperationException">A WES client is already registered.</exception>
    public static IServiceCollection AddWesClient(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }

        AddCore(services).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return services;
    }

    private static OptionsBuilder<WesClientOptions> AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(WesClientMarker)))
        {
            throw new InvalidOperationException("A WES client is already registered; AddWesClient may be called once per host.");
        }

        services.AddSingleton(new WesClientMarker());

        // The resilience pipeline owns timeouts; the HttpClient's own 100 s default would cut long snapshot pages short.
        services.AddHttpClient(WesHttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(["Authorization"]);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WesClientOptions>, WesClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WesClientOptions>, WesClientOptionsCustomValidator>());
        services.TryAddSingleton<IWesClient>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new RestWesClient(
                () => factory.CreateClient(WesHttpClientName),
                sp.GetRequiredService<IOptions<WesClientOptions>>().Value,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>()?.CreateLogger<RestWesClient>() ?? NullLogger<RestWesClient>.Instance);
        });
        return services.AddOptions<WesClientOptions>().ValidateOnStart();
    }

    private sealed class WesClientMarker;
}
