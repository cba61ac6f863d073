using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Diagnostics;
using Orchestrator.Mismatches;
using Orchestrator.Reconciliation;
using Orchestrator.Thresholds;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Orchestrator engine (no I/O) with its options validated at start-up.</summary>
public static class OrchestratorCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the mismatch analyzer, threshold checker and reconciliation policy, with their options
    /// (<see cref="MismatchAnalyzerOptions"/>, <see cref="ThresholdOptions"/>, <see cref="ReconciliationOptions"/>, <see cref="KpiThresholds"/>)
    /// validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The same services.</returns>
    /// <remarks>Safe to call more than once: later calls add nothing. Configure the options with <c>services.Configure&lt;T&gt;(…)</c>.</remarks>
    public static IServiceCollection AddOrchestratorEngine(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(EngineMarker)))
        {
            return services;
        }

        services.AddSingleton<EngineMarker>();
        services.AddOptions<MismatchAnalyzerOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReconciliationOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KpiThresholds>().ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ThresholdOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ThresholdOptions>, ThresholdOptionsValidator>());
        services.TryAddSingleton(sp => new MismatchAnalyzer(sp.GetRequiredService<IOptions<MismatchAnalyzerOptions>>().Value));
        services.TryAddSingleton(sp => new ThresholdChecker(sp.GetRequiredService<IOptions<ThresholdOptions>>()));
        services.TryAddSingleton(sp => new ReconciliationPolicy(sp.GetRequiredService<IOptions<ReconciliationOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    private sealed class EngineMarker;
}
