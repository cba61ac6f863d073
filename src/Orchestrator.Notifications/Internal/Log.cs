using Microsoft.Extensions.Logging;

namespace Orchestrator.Notifications.Internal;

/// <summary>Log messages of the notifications package (EventIds 8000–8999). Never logs a webhook URL or a token.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 8000, Level = LogLevel.Debug, Message = "Notifier '{Target}' sent message {Message} of {Messages} carrying {Alerts} alerts.")]
    public static partial void MessageSent(ILogger logger, string target, int message, int messages, int alerts);

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Notifier '{Target}' could not deliver {Alerts} alerts: {Reason}.")]
    public static partial void MessageFailed(ILogger logger, string target, int alerts, string reason);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Error, Message = "Notifier '{Target}' is misconfigured: the service answered {StatusCode} {Reason}; the remaining {Alerts} alerts are not sent. Check the webhook or token.")]
    public static partial void Misconfigured(ILogger logger, string target, int statusCode, string reason, int alerts);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information, Message = "Notifier '{Target}' retries after {Delay} (attempt {Attempt}, {Reason}).")]
    public static partial void Retrying(ILogger logger, string target, TimeSpan delay, int attempt, string reason);

    [LoggerMessage(EventId = 8010, Level = LogLevel.Information, Message = "KakaoTalk notifier '{Target}' refreshed its access token; it expires at {ExpiresAt}.")]
    public static partial void TokenRefreshed(ILogger logger, string target, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 8011, Level = LogLevel.Error, Message = "KakaoTalk notifier '{Target}' could not refresh its access token: {Reason}. Sign in with Kakao again and store new tokens.")]
    public static partial void TokenRefreshFailed(ILogger logger, string target, string reason);

    [LoggerMessage(EventId = 8020, Level = LogLevel.Debug, Message = "Alert dispatch: {Received} received, {Suppressed} suppressed as repeats, {Unrouted} unrouted.")]
    public static partial void Dispatching(ILogger logger, int received, int suppressed, int unrouted);

    [LoggerMessage(EventId = 8021, Level = LogLevel.Warning, Message = "No notifier is registered for target '{Target}'; {Alerts} alerts routed to it are not delivered.")]
    public static partial void NoNotifier(ILogger logger, string target, int alerts);

    [LoggerMessage(EventId = 8022, Level = LogLevel.Error, Message = "Notifier '{Target}' threw while sending {Alerts} alerts; they are reported as failed.")]
    public static partial void NotifierThrew(ILogger logger, Exception exception, string target, int alerts);

    [LoggerMessage(EventId = 8023, Level = LogLevel.Warning, Message = "{Count} alerts of kind {Kind} have no route and are not sent.")]
    public static partial void Unrouted(ILogger logger, int count, Alerts.AlertKind kind);
}
