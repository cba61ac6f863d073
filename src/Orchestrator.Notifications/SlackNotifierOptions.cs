using System.ComponentModel.DataAnnotations;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications;

/// <summary>
/// Configures a Slack incoming-webhook notifier (an <see cref="INotifier"/>, named by its target, <c>slack</c> by default).
/// </summary>
/// <remarks>
/// The webhook URL is a secret: it is never logged, never put in an exception or a <see cref="NotificationResult.Error"/>,
/// and the HTTP client registered for it has the default request logging removed.
/// </remarks>
public sealed class SlackNotifierOptions
{
    /// <summary>Gets or sets the incoming-webhook URL (<c>https://hooks.slack.com/services/T…/B…/…</c>). Secret.</summary>
    /// <value>Required. HTTPS, except on loopback (the sandbox).</value>
    [Required]
    public Uri? WebhookUrl { get; set; }

    /// <summary>Gets or sets the least time between two messages to the webhook.</summary>
    /// <value>Default 1 second (Slack allows about one message per second per webhook); 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many alerts one message carries at most.</summary>
    /// <value>Default 100; 1 to 500. A message never exceeds Block Kit's 50 blocks or 3,000 characters per section, whatever this says.</value>
    [Range(1, 500)]
    public int MaxAlertsPerMessage { get; set; } = 100;

    /// <summary>Gets or sets how many times a message is retried after a 429, a 5xx, a timeout or a connection failure.</summary>
    /// <value>Default 3; 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay when Slack gives no <c>Retry-After</c>; it doubles on each retry.</summary>
    /// <value>Default 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest <c>Retry-After</c> the notifier waits (a longer one fails the message instead), and the
    /// longest backoff between two attempts.</summary>
    /// <value>Default 1 minute; 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how long one attempt may take.</summary>
    /// <value>Default 10 seconds; 1 second to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a link shown under each message, for example the consistency dashboard.</summary>
    /// <value>Default none.</value>
    public Uri? DashboardUrl { get; set; }
}
