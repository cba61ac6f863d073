using Microsoft.Extensions.Configuration;
using Orchestrator.Notifications;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds notifiers to an orchestrator host (<c>services.AddOrchestrator(b =&gt; b.AddSlack(…).AddKakaoTalk(…))</c>); each also adds the alert dispatcher.</summary>
public static class NotificationsOrchestratorBuilderExtensions
{
    /// <summary>Adds the Slack notifier for target <c>slack</c> and the alert dispatcher.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A notifier for the target is already registered.</exception>
    public static IOrchestratorBuilder AddSlack(this IOrchestratorBuilder builder, Action<SlackNotifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSlackNotifier(configure).AddAlertDispatcher();
        return builder;
    }

    /// <summary>Adds the Slack notifier bound to a configuration section (unknown keys are an error) and the alert dispatcher.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="section">The section, for example <c>Orchestrator:Slack</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static IOrchestratorBuilder AddSlack(this IOrchestratorBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSlackNotifier(section).AddAlertDispatcher();
        return builder;
    }

    /// <summary>Adds the KakaoTalk notifier and the alert dispatcher; register an <see cref="IKakaoTokenStore"/> too.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A notifier for the target is already registered.</exception>
    public static IOrchestratorBuilder AddKakaoTalk(this IOrchestratorBuilder builder, Action<KakaoTalkNotifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKakaoTalkNotifier(configure).AddAlertDispatcher();
        return builder;
    }

    /// <summary>Adds the KakaoTalk notifier bound to a configuration section (unknown keys are an error) and the alert dispatcher.</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="section">The section, for example <c>Orchestrator:KakaoTalk</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static IOrchestratorBuilder AddKakaoTalk(this IOrchestratorBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKakaoTalkNotifier(section).AddAlertDispatcher();
        return builder;
    }
}
