using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Channels.Cafe24;

/// <summary>Configures one Cafe24 mall (Cafe24 Admin API).</summary>
/// <remarks>Never log an instance: it holds the client secret.</remarks>
public sealed class Cafe24ChannelOptions
{
    /// <summary>Gets or sets the mall id, for example <c>myshop</c>. Required.</summary>
    [Required]
    public string MallId { get; set; } = string.Empty;

    /// <summary>Gets or sets the API address.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>https://{MallId}.cafe24api.com</c>. HTTPS is required; plain HTTP only on loopback (the sandbox).</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the app's client id. Required.</summary>
    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Gets or sets the app's client secret. Required; never logged.</summary>
    [Required]
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>Gets or sets the folder of the default <see cref="FileCafe24TokenStore"/>; required when no <see cref="ICafe24TokenStore"/> is given.</summary>
    public string? TokenDirectory { get; set; }

    /// <summary>Gets or sets the API version sent as <c>X-Cafe24-Api-Version</c>.</summary>
    /// <value>Defaults to <c>2025-12-01</c>. Format <c>YYYY-MM-DD</c>.</value>
    [Required]
    [RegularExpression(@"^\d{4}-\d{2}-\d{2}$")]
    public string ApiVersion { get; set; } = "2025-12-01";

    /// <summary>Gets or sets the shop number of a multi-shop mall.</summary>
    /// <value>Defaults to 1.</value>
    [Range(1, 1000)]
    public int ShopNo { get; set; } = 1;

    /// <summary>Gets or sets how long before expiry the access token is refreshed.</summary>
    /// <value>Defaults to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan TokenRefreshBefore { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the drain rate of the mall's call bucket.</summary>
    /// <value>Defaults to 2 per second (documented); at most 2 unless the address is loopback. Tuned live from <c>X-Api-Call-Limit</c>.</value>
    [Range(0.1, 100_000)]
    public double RequestsPerSecond { get; set; } = 2;

    /// <summary>Gets or sets the most calls sent at once.</summary>
    /// <value>Defaults to 10 (the bucket holds 40, but 10 or more calls a second from one IP can be flagged as abnormal); at most 40 unless loopback.</value>
    [Range(1, 100_000)]
    public int Burst { get; set; } = 10;

    /// <summary>Gets or sets how many calls run concurrently (all still within the rate).</summary>
    /// <value>Defaults to 4; 1 to 64.</value>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets the products per page of a stock read (the API allows at most 100).</summary>
    /// <value>Defaults to 100; 1 to 100.</value>
    [Range(1, 100)]
    public int ProductPageSize { get; set; } = 100;

    /// <summary>Gets or sets the quantity at or below which a push is sent ahead of the others (sold-out and low stock first).</summary>
    /// <value>Defaults to 3.</value>
    [Range(0, 1_000_000)]
    public int LowStockThreshold { get; set; } = 3;

    /// <summary>Gets or sets the order statuses polled (comma-separated codes).</summary>
    /// <value>Defaults to <c>N10</c> (상품준비중: paid, not yet processed).</value>
    [Required]
    public string OrderStatuses { get; set; } = "N10";

    /// <summary>Gets or sets the date an order window is matched on (<c>order_date</c>, <c>pay_date</c>, …).</summary>
    /// <value>Defaults to <c>pay_date</c>.</value>
    [Required]
    public string OrderDateType { get; set; } = "pay_date";

    /// <summary>Gets or sets the <c>process_status</c> that marks an order received.</summary>
    /// <value>Defaults to <c>prepare</c> (배송준비중).</value>
    [Required]
    public string ReceivedProcessStatus { get; set; } = "prepare";

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
