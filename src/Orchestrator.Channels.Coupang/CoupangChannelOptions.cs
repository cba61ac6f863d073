using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Channels.Coupang;

/// <summary>Configures one Coupang vendor account (Wing Open API).</summary>
/// <remarks>Never log an instance: it holds the secret key.</remarks>
public sealed class CoupangChannelOptions
{
    /// <summary>Gets or sets the API gateway address.</summary>
    /// <value>Defaults to <c>https://api-gateway.coupang.com</c>. HTTPS is required; plain HTTP only on loopback (the sandbox).</value>
    [Required]
    public Uri BaseAddress { get; set; } = new("https://api-gateway.coupang.com");

    /// <summary>Gets or sets the vendor id, for example <c>A00012345</c>. Required.</summary>
    [Required]
    public string VendorId { get; set; } = string.Empty;

    /// <summary>Gets or sets the access key issued in WING. Required.</summary>
    [Required]
    public string AccessKey { get; set; } = string.Empty;

    /// <summary>Gets or sets the secret key issued in WING. Required; never logged.</summary>
    [Required]
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>Gets or sets when the key pair was issued, so the adapter can warn before it expires.</summary>
    /// <value>Defaults to <see langword="null"/> (no warning). Keys expire <see cref="KeyLifetime"/> after issue.</value>
    public DateTimeOffset? KeyIssuedAt { get; set; }

    /// <summary>Gets or sets how long a key pair is valid.</summary>
    /// <value>Defaults to 180 days.</value>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromDays(180);

    /// <summary>Gets or sets how long before expiry the adapter starts warning (Coupang allows reissuing 14 days ahead).</summary>
    /// <value>Defaults to 14 days.</value>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan KeyExpiryWarning { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Gets or sets the sustained request rate for this vendor.</summary>
    /// <value>Defaults to 5 per second; at most 10 (Coupang's documented per-vendor limit; product APIs are stricter since 2023-10-12).
    /// Only a loopback <see cref="BaseAddress"/> (the sandbox) may go higher.</value>
    [Range(0.1, 100_000)]
    public double RequestsPerSecond { get; set; } = 5;

    /// <summary>Gets or sets the most requests sent at once after an idle period.</summary>
    /// <value>Defaults to 5; 1 to 10 (higher only on a loopback <see cref="BaseAddress"/>).</value>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 5;

    /// <summary>Gets or sets how many vendor items are read or written concurrently (all still within the rate).</summary>
    /// <value>Defaults to 8; 1 to 64.</value>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Gets or sets the quantity at or below which a push is sent ahead of the others (sold-out and low stock first).</summary>
    /// <value>Defaults to 3; 0 to 1,000,000.</value>
    [Range(0, 1_000_000)]
    public int LowStockThreshold { get; set; } = 3;

    /// <summary>Gets or sets the time one attempt may take.</summary>
    /// <value>Defaults to 30 seconds; 100 ms to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a failed call is retried (5xx, timeouts, connection failures, 429).</summary>
    /// <value>Defaults to 3; 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later delays grow exponentially with jitter.</summary>
    /// <value>Defaults to 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest server-requested wait after a 429 that is waited out before the call fails as rate limited.</summary>
    /// <value>Defaults to 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the wait after a 429 that carries no <c>Retry-After</c>.</summary>
    /// <value>Defaults to 60 seconds (Coupang's block lasts minutes).</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RateLimitedPause { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long the circuit stays open after repeated failures.</summary>
    /// <value>Defaults to 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the ordersheet status polled by the order source.</summary>
    /// <value>Defaults to <c>ACCEPT</c> (paid, 결제완료).</value>
    [Required]
    public string OrderStatus { get; set; } = "ACCEPT";

    /// <summary>Gets or sets the HTTP method of the acknowledgement call (the documentation shows both PUT and PATCH).</summary>
    /// <value>Defaults to <c>PUT</c>.</value>
    [Required]
    public string AcknowledgementMethod { get; set; } = "PUT";
}
