namespace Orchestrator.Sandbox.Wes;

/// <summary>Configures the WES simulator (the generic contract of <c>docs/wes-contract.md</c>).</summary>
public sealed class WesSandboxOptions
{
    /// <summary>Gets or sets the API key the simulator accepts as <c>Authorization: Bearer …</c>.</summary>
    public string ApiKey { get; set; } = "sandbox-wes-api-key-0001";

    /// <summary>Gets or sets the sustained request rate before 429; the contract fixes none.</summary>
    /// <value>Defaults to 1,000 per second.</value>
    public double RequestsPerSecond { get; set; } = 1_000;

    /// <summary>Gets or sets the burst before 429.</summary>
    /// <value>Defaults to 1,000.</value>
    public int Burst { get; set; } = 1_000;

    /// <summary>Gets or sets the <c>Retry-After</c> sent with a 429.</summary>
    /// <value>Defaults to 1 second.</value>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);
}
