namespace Orchestrator.Sandbox.Cafe24;

/// <summary>Configures the Cafe24 simulator.</summary>
public sealed class Cafe24SandboxOptions
{
    /// <summary>Gets or sets the mall id.</summary>
    public string MallId { get; set; } = "sandboxmall";

    /// <summary>Gets or sets the app's client id.</summary>
    public string ClientId { get; set; } = "SandboxCafe24ClientId01";

    /// <summary>Gets or sets the app's client secret.</summary>
    public string ClientSecret { get; set; } = "sandbox-cafe24-client-secret-0001";

    /// <summary>Gets or sets how many variants the catalog holds.</summary>
    /// <value>Defaults to 1,000.</value>
    public int ListingCount { get; set; } = 1_000;

    /// <summary>Gets or sets how many variants a product has.</summary>
    /// <value>Defaults to 5.</value>
    public int VariantsPerProduct { get; set; } = 5;

    /// <summary>Gets or sets the catalog seed.</summary>
    public int Seed { get; set; } = 24;

    /// <summary>Gets or sets the prefix of the generated SKU codes; give several simulators the same prefix and seed to list the same SKUs on several channels.</summary>
    public string SkuPrefix { get; set; } = "C24-";

    /// <summary>Gets or sets the size of the mall's leaky bucket (documented: 40).</summary>
    public int BucketSize { get; set; } = 40;

    /// <summary>Gets or sets how fast the bucket drains (documented: 2 calls per second).</summary>
    public double DrainPerSecond { get; set; } = 2;

    /// <summary>Gets or sets the access-token lifetime (observed: 2 hours).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Gets or sets the refresh-token lifetime (documented: 2 weeks).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);
}
