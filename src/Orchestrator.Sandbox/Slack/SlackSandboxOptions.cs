namespace Orchestrator.Sandbox.Slack;

/// <summary>Configures the Slack incoming-webhook simulator.</summary>
public sealed class SlackSandboxOptions
{
    /// <summary>Gets or sets the secret last segment of the webhook path (<c>/services/T…/B…/{secret}</c>).</summary>
    public string Secret { get; set; } = "sandboxWebhookSecret0001";

    /// <summary>Gets or sets the messages per second the webhook accepts before 429 (Slack: about one per second).</summary>
    public double MessagesPerSecond { get; set; } = 1;

    /// <summary>Gets or sets the short burst allowed (Slack allows short bursts; the size is not documented).</summary>
    public int Burst { get; set; } = 1;
}
