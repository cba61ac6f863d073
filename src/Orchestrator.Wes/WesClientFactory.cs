using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Warehouse;
using Orchestrator.Wes.Internal;

namespace Orchestrator.Wes;

/// <summary>Creates a WES client without dependency injection (tests, scripts). Hosts use <c>services.AddWesClient(…)</c>.</summary>
public static class WesClientFactory
{
    /// <summary>Creates a WES client.</summary>
    /// <param name="httpClient">The HTTP client. Set its <see cref="HttpClient.Timeout"/> to infinite: the client's pipeline owns timeouts.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for none.</param>
    /// <returns>The client. Dispose it (it is <see cref="IDisposable"/>) when done.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static IWesClient Create(HttpClient httpClient, WesClientOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var validator in new IValidateOptions<WesClientOptions>[] { new WesClientOptionsValidator(), new WesClientOptionsCustomValidator() })
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WesClientOptions), failures);
        }

        return new RestWesClient(
            () => httpClient,
            options,
            timeProvider ?? TimeProvider.System,
            loggerFactory?.CreateLogger<RestWesClient>() ?? NullLogger<RestWesClient>.Instance);
    }
}
