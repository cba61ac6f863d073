using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Wes;

/// <summary>Configures the WES client (<see cref="Orchestrator.Warehouse.IWesClient"/> over the contract in <c>docs/wes-contract.md</c>).</summary>
public sealed class WesClientOptions
{
    /// <summary>Gets or sets the base address of the WES API, without <c>/v1</c>.</summary>
    /// <value>Required. HTTPS, except on loopback (the sandbox). No query, fragment or user information.</value>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the API key, sent as <c>Authorization: Bearer …</c>. Secret: never logged or put in an exception.</summary>
    /// <value>Required.</value>
    [Required]
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets how many rows a snapshot or movements page asks for.</summary>
    /// <value>Default 1000; 1 to 1000 (the contract's maximum).</value>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>Gets or sets how many SKUs one snapshot request filters on; a longer list is read in several series of pages.</summary>
    /// <value>Default 100; 1 to 500 (keeps the URL short).</value>
    [Range(1, 500)]
    public int MaxSkusPerRequest { get; set; } = 100;

    /// <summary>Gets or sets the sustained request rate the client keeps to.</summary>
    /// <value>Default 20 per second; 0.1 to 1000.</value>
    [Range(0.1, 1000)]
    public double RequestsPerSecond { get; set; } = 20;

    /// <summary>Gets or sets how many requests may go at once after a quiet period.</summary>
    /// <value>Default 40; 1 to 10000.</value>
    [Range(1, 10_000)]
    public int Burst { get; set; } = 40;

    /// <summary>Gets or sets how long one attempt (request and body) may take.</summary>
    /// <value>Default 30 seconds; 1 second to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a call is retried after a 429, a 5xx, a 408, a timeout or a connection failure.</summary>
    /// <value>Default 3; 0 to 10. Writes are retried too: the WES applies each transaction id once.</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones grow exponentially with jitter.</summary>
    /// <value>Default 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between two attempts, and the longest <c>Retry-After</c> waited out.</summary>
    /// <value>Default 30 seconds; 0 to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open after too many failures.</summary>
    /// <value>Default 30 seconds; 1 second to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}
