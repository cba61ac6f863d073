using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Channels.Naver;

/// <summary>Configures one Naver SmartStore (Naver Commerce API application).</summary>
/// <remarks>Never log an instance: it holds the client secret.</remarks>
public sealed class NaverChannelOptions
{
    /// <summary>Gets or sets the API address.</summary>
    /// <value>Defaults to <c>https://api.commerce.naver.com/external</c>. HTTPS is required; plain HTTP only on loopback (the sandbox).</value>
    [Required]
    public Uri BaseAddress { get; set; } = new("https://api.commerce.naver.com/external");

    /// <summary>Gets or sets the application id (<c>client_id</c>) from the Commerce API Center. Required.</summary>
    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Gets or sets the application secret: a bcrypt salt string such as <c>$2a$04$…</c> (29 characters). Required; never logged.</summary>
    [Required]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Gets or sets the token type: <c>SELF</c> (own store) or <c>SELLER</c> (a solution acting for a seller).</summary>
    /// <value>Defaults to <c>SELF</c>.</value>
    [Required]
    public string TokenType { get; set; } = "SELF";

    /// <summary>Gets or sets the seller's account id or channel id; required with <see cref="TokenType"/> <c>SELLER</c>.</summary>
    public string? AccountId { get; set; }

    /// <summary>Gets or sets how long before expiry the token is renewed (Naver returns the same token while 30 minutes or more remain).</summary>
    /// <value>Defaults to 30 minutes; 1 to 120 minutes.</value>
    [Range(typeof(TimeSpan), "00:01:00", "02:00:00")]
    public TimeSpan TokenRenewBefore { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets the sustained request rate of each API group (products, orders, token).</summary>
    /// <value>Defaults to 2 per second (the observed per-API bucket); at most 2 unless the address is loopback. Tuned down live from <c>GNCP-GW-RateLimit-*</c> headers.</value>
    [Range(0.1, 100_000)]
    public double RequestsPerSecond { get; set; } = 2;

    /// <summary>Gets or sets the burst of each API group.</summary>
    /// <value>Defaults to 1 (one token below Naver's bucket of 2, as margin for network jitter); at most 2 unless the address is loopback.</value>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 1;

    /// <summary>Gets or sets how many products are read or written concurrently (all still within the rate).</summary>
    /// <value>Defaults to 4; 1 to 64.</value>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets the quantity at or below which a push is sent ahead of the others (sold-out and low stock first).</summary>
    /// <value>Defaults to 3.</value>
    [Range(0, 1_000_000)]
    public int LowStockThreshold { get; set; } = 3;

    /// <summary>Gets or sets the time one attempt may take.</summary>
    /// <value>Defaults to 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how often a failed call is retried (5xx, timeouts, connection failures, 429).</summary>
    /// <value>Defaults to 3; 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later delays grow exponentially with jitter.</summary>
    /// <value>Defaults to 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest server-requested wait after a 429 that is waited out.</summary>
    /// <value>Defaults to 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how long the circuit stays open after repeated failures.</summary>
    /// <value>Defaults to 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
