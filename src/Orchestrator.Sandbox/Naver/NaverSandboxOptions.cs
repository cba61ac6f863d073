namespace Orchestrator.Sandbox.Naver;

/// <summary>Configures the Naver Commerce simulator.</summary>
public sealed class NaverSandboxOptions
{
    /// <summary>Gets or sets the application id the simulator accepts.</summary>
    public string ClientId { get; set; } = "sandboxNaverClientId0001";

    /// <summary>Gets or sets the application secret: a bcrypt salt string, as Naver issues it.</summary>
    public string ClientSecret { get; set; } = "$2a$04$SandboxNaverSecretSal.";

    /// <summary>Gets or sets how many listings (option combinations, or products without options) the catalog holds.</summary>
    /// <value>Defaults to 1,000.</value>
    public int ListingCount { get; set; } = 1_000;

    /// <summary>Gets or sets how many option combinations a product has; every 25th product has none.</summary>
    /// <value>Defaults to 10.</value>
    public int OptionsPerProduct { get; set; } = 10;

    /// <summary>Gets or sets the catalog seed.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Gets or sets the prefix of the generated SKU codes; give several simulators the same prefix and seed to list the same SKUs on several channels.</summary>
    public string SkuPrefix { get; set; } = "NV-";

    /// <summary>Gets or sets the refill rate of each API bucket (observed: 2 per second).</summary>
    public double RequestsPerSecond { get; set; } = 2;

    /// <summary>Gets or sets the size of each API bucket.</summary>
    public int Burst { get; set; } = 2;

    /// <summary>Gets or sets the token lifetime (documented: 3 hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(3);

    /// <summary>Gets or sets how old a token-request timestamp may be (documented: about 5 minutes).</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);
}
