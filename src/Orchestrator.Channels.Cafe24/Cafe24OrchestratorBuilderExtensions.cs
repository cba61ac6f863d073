using Microsoft.Extensions.Configuration;
using Orchestrator.Channels.Cafe24;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Cafe24 channels to an orchestrator host (<c>services.AddOrchestrator(b =&gt; b.AddCafe24(…))</c>).</summary>
public static class Cafe24OrchestratorBuilderExtensions
{
    /// <summary>Adds a named Cafe24 channel (see <see cref="Cafe24ServiceCollectionExtensions.AddCafe24Channel"/>): its stock is synced and its orders taken in.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="name">The channel instance name, unique within the host; the listings name the channel by it.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    public static IOrchestratorBuilder AddCafe24(this IOrchestratorBuilder builder, string name, Action<Cafe24ChannelOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCafe24Channel(name, configure);
        return builder;
    }

    /// <summary>Adds a named Cafe24 channel with its options bound from a configuration section (unknown keys are an error); validated when the host starts.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="name">The channel instance name, unique within the host.</param>
    /// <param name="section">The section, for example <c>Orchestrator:Channels:cafe24</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    /// <exception cref="InvalidOperationException">A channel of that name was already added.</exception>
    public static IOrchestratorBuilder AddCafe24(this IOrchestratorBuilder builder, string name, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }

        builder.Services.AddCafe24Channel(name, static _ => { });
        builder.Services.AddOptions<Cafe24ChannelOptions>(name).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }
}
