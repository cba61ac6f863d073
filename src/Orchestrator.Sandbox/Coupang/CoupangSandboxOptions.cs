namespace Orchestrator.Sandbox.Coupang;

/// <summary>Configures the Coupang simulator.</summary>
public sealed class CoupangSandboxOptions
{
    /// <summary>Gets or sets the vendor id the simulator accepts.</summary>
    public string VendorId { get; set; } = "A00012345";

    /// <summary>Gets or sets the access key the simulator accepts.</summary>
    public string AccessKey { get; set; } = "sandbox-coupang-access-key-0001";

    /// <summary>Gets or sets the secret key signatures are checked with.</summary>
    public string SecretKey { get; set; } = "sandbox-coupang-secret-key-do-not-log-0001";

    /// <summary>Gets or sets how many vendor items the generated catalog holds.</summary>
    /// <value>Defaults to 1,000.</value>
    public int ListingCount { get; set; } = 1_000;

    /// <summary>Gets or sets the catalog seed.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the prefix of the generated SKU codes; give several simulators the same prefix and seed to list the same SKUs on several channels.</summary>
    public string SkuPrefix { get; set; } = "CP-";

    /// <summary>Gets or sets the sustained rate per vendor before 429 (documented: 10 per second per vendor).</summary>
    public double RequestsPerSecond { get; set; } = 10;

    /// <summary>Gets or sets the burst per vendor before 429.</summary>
    public int Burst { get; set; } = 10;

    /// <summary>Gets or sets the <c>Retry-After</c> sent with a 429, or <see langword="null"/> to send none (whether Coupang sends one is not documented).</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Gets or sets how far a signed-date may be from the simulator's clock before "Specified signature is expired.".</summary>
    /// <value>Defaults to 5 minutes (Coupang's tolerance is not documented).</value>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);
}
