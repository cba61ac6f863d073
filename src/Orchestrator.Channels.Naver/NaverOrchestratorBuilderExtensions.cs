using Microsoft.Extensions.Configuration;
using Orchestrator.Channels.Naver;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Naver channels to an orchestrator host (<c>services.AddOrchestrator(b =&gt; b.AddNaver(…))</c>).</summary>
public static class NaverOrchestratorBuilderExtensions
{
    /// <summary>Adds a named Naver channel (see <see cref="NaverServiceCollectionExtensions.AddNaverChannel"/>): its stock is synced and its orders taken in.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="name">The channel instance name, unique within the host; the listings name the channel by it.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    public static IOrchestratorBuilder AddNaver(this IOrchestratorBuilder builder, string name, Action<NaverChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddNaverChannel(name, configure);
        return builder;
    }

    /// <summary>Adds a named Naver channel with its options bound from a configuration section (unknown keys are an error); validated when the host starts.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="name">The channel instance name, unique within the host.</param>
    /// <param name="section">The section, for example <c>Orchestrator:Channels:naver</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    public static IOrchestratorBuilder AddNaver(this IOrchestratorBuilder builder, string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }

        builder.Services.AddNaverChannel(name, static _ => { });
        builder.Services.AddOptions<NaverChannelOptions>(name).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }
}
