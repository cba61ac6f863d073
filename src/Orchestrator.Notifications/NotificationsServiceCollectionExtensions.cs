using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Alerts;
using Orchestrator.Notifications;
using Orchestrator.Notifications.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Slack and KakaoTalk notifiers and the alert dispatcher.</summary>
public static class NotificationsServiceCollectionExtensions
{
    private const string HttpClientPrefix = "Orchestrator.Notifications.";

    /// <summary>Adds a Slack incoming-webhook notifier for target <c>slack</c>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see cref="SlackNotifierOptions.WebhookUrl"/> is required.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">A notifier for the target is already registered.</exception>
    /// <remarks>Options are validated when the host starts.</remarks>
    public static IServiceCollection AddSlackNotifier(this IServiceCollection services, Action<SlackNotifierOptions> configure) =>
        services.AddSlackNotifier(AlertRoutes.Slack, configure);

    /// <summary>Adds a Slack incoming-webhook notifier for a target of your choice (one per webhook, e.g. <c>slack-ops-alert</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="target">The target name used in <see cref="AlertRoute.Targets"/>.</param>
    /// <param name="configure">Sets the options; <see cref="SlackNotifierOptions.WebhookUrl"/> is required.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">A notifier for the target is already registered.</exception>
    public static IServiceCollection AddSlackNotifier(this IServiceCollection services, string target, Action<SlackNotifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddSlackCore(services, target).Configure(configure);
        return services;
    }

    /// <summary>Adds a Slack incoming-webhook notifier bound to a configuration section (unknown keys are an error).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, for example <c>Notifications:Slack</c>.</param>
    /// <param name="target">The target name; default <c>slack</c>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static IServiceCollection AddSlackNotifier(this IServiceCollection services, IConfigurationSection section, string target = AlertRoutes.Slack)
    {
        RequireSection(section);
        AddSlackCore(services, target).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return services;
    }

    /// <summary>Adds the KakaoTalk "send to me" notifier for target <c>kakaotalk</c>. Register an <see cref="IKakaoTokenStore"/> too.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; <see cref="KakaoTalkNotifierOptions.ClientId"/> and <see cref="KakaoTalkNotifierOptions.LinkUrl"/> are required.</param>
    /// <returns>The services.</returns>
    /// <exception cref="InvalidOperationException">A notifier for the target is already registered.</exception>
    public static IServiceCollection AddKakaoTalkNotifier(this IServiceCollection services, Action<KakaoTalkNotifierOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddKakaoCore(services, AlertRoutes.KakaoTalk).Configure(configure);
        return services;
    }

    /// <summary>Adds the KakaoTalk "send to me" notifier bound to a configuration section (unknown keys are an error).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, for example <c>Notifications:KakaoTalk</c>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static IServiceCollection AddKakaoTalkNotifier(this IServiceCollection services, IConfigurationSection section)
    {
        RequireSection(section);
        AddKakaoCore(services, AlertRoutes.KakaoTalk).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return services;
    }

    /// <summary>Adds the <see cref="IAlertDispatcher"/> that routes alerts to the registered notifiers. Safe to call more than once.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the routing table or the quiet period, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAlertDispatcher(this IServiceCollection services, Action<AlertDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<AlertDispatcherOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        AddValidators(services);
        services.TryAddSingleton<IAlertDispatcher>(sp => new AlertDispatcher(
            sp.GetServices<INotifier>(),
            sp.GetRequiredService<IOptions<AlertDispatcherOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            LoggerOf<AlertDispatcher>(sp)));
        return services;
    }

    private static OptionsBuilder<SlackNotifierOptions> AddSlackCore(IServiceCollection services, string target)
    {
        ArgumentNullException.ThrowIfNull(services);
        ClaimTarget(services, target);
        var clientName = HttpClientPrefix + "Slack." + target;

        // The webhook URL is the secret: the factory's default request logging would write it, so it is removed.
        services.AddHttpClient(clientName).RemoveAllLoggers();
        AddValidators(services);
        services.AddSingleton<INotifier>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new SlackNotifier(
                target,
                () => factory.CreateClient(clientName),
                sp.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(target),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                LoggerOf<SlackNotifier>(sp));
        });
        return services.AddOptions<SlackNotifierOptions>(target).ValidateOnStart();
    }

    private static OptionsBuilder<KakaoTalkNotifierOptions> AddKakaoCore(IServiceCollection services, string target)
    {
        ArgumentNullException.ThrowIfNull(services);
        ClaimTarget(services, target);
        var clientName = HttpClientPrefix + "KakaoTalk." + target;

        // Tokens travel in headers and form bodies; keep the factory's request logging out of it.
        services.AddHttpClient(clientName).RemoveAllLoggers();
        AddValidators(services);
        services.AddSingleton<INotifier>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var store = sp.GetService<IKakaoTokenStore>()
                ?? throw new InvalidOperationException("The KakaoTalk notifier needs an IKakaoTokenStore: register one (for example services.AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(tokens))).");
            return new KakaoTalkNotifier(
                target,
                () => factory.CreateClient(clientName),
                sp.GetRequiredService<IOptionsMonitor<KakaoTalkNotifierOptions>>().Get(target),
                store,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                LoggerOf<KakaoTalkNotifier>(sp));
        });
        return services.AddOptions<KakaoTalkNotifierOptions>(target).ValidateOnStart();
    }

    private static void AddValidators(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackNotifierOptions>, SlackNotifierOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KakaoTalkNotifierOptions>, KakaoTalkNotifierOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertDispatcherOptions>, AlertDispatcherOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackNotifierOptions>, NotificationsOptionsCustomValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KakaoTalkNotifierOptions>, NotificationsOptionsCustomValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertDispatcherOptions>, NotificationsOptionsCustomValidator>());
    }

    private static void ClaimTarget(IServiceCollection services, string target)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        if (services.Any(d => d.ServiceType == typeof(NotifierTargetMarker) && d.ImplementationInstance is NotifierTargetMarker m && string.Equals(m.Target, target, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A notifier for target '{target}' is already registered; give each notifier its own target name.");
        }

        services.AddSingleton(new NotifierTargetMarker(target));
    }

    private static void RequireSection(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }
    }

    private static ILogger<T> LoggerOf<T>(IServiceProvider sp) =>
        sp.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;

    private sealed record NotifierTargetMarker(string Target);
}
