using Microsoft.Extensions.Configuration;
using Orchestrator.Wes;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the WES client to an orchestrator host (<c>services.AddOrchestrator(b =&gt; b.AddWes(…))</c>).</summary>
public static class WesOrchestratorBuilderExtensions
{
    /// <summary>Adds the <see cref="Orchestrator.Warehouse.IWesClient"/> (see <see cref="WesServiceCollectionExtensions.AddWesClient(IServiceCollection, Action{WesClientOptions})"/>).</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A WES client is already registered.</exception>
    public static IOrchestratorBuilder AddWes(this IOrchestratorBuilder builder, Action<WesClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWesClient(configure);
        return builder;
    }

    /// <summary>Adds the <see cref="Orchestrator.Warehouse.IWesClient"/> with options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="section">The section, for example <c>Orchestrator:Wes</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    /// <exception cref="InvalidOperationException">A WES client is already registered.</exception>
    public static IOrchestratorBuilder AddWes(this IOrchestratorBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddWesClient(section);
        return builder;
    }
}
