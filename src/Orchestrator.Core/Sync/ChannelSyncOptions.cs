using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Sync;

/// <summary>Configures the WF-INV-001 channel sync of one warehouse.</summary>
public sealed class ChannelSyncOptions
{
    /// <summary>Gets or sets the warehouse whose stock the channels sell.</summary>
    [Required]
    public string WarehouseId { get; set; } = string.Empty;

    /// <summary>Gets or sets the workflow id recorded with each run.</summary>
    /// <value>Default <c>WF-INV-001</c>.</value>
    [Required]
    public string Workflow { get; set; } = "WF-INV-001";

    /// <summary>Gets or sets how long reading one source may take per attempt (STEP-INV-001 SLA).</summary>
    /// <value>Default 10 seconds (seed 002). A channel read item by item (Coupang) needs more for a large catalog.</value>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan CollectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how many times a source is tried before it is skipped (STEP-INV-001: 3 retries).</summary>
    /// <value>Default 3; 1 to 10.</value>
    [Range(1, 10)]
    public int CollectAttempts { get; set; } = 3;

    /// <summary>Gets or sets how long the analysis may take (STEP-INV-002 SLA); past it the run fails.</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AnalyzeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long pushing to one channel may take (STEP-INV-003 SLA); what is not pushed by then goes to the pending-sync queue.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "06:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times a failed push is tried before it goes to the pending-sync queue (STEP-INV-003: 5 retries).</summary>
    /// <value>Default 5; 1 to 10.</value>
    [Range(1, 10)]
    public int PushAttempts { get; set; } = 5;

    /// <summary>Gets or sets how long the level check may take (STEP-INV-004 SLA).</summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the wait between attempts of a read or a push.</summary>
    /// <value>Default 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how old the stock may be for an increase to be pushed. Decreases always go out at once; an increase based
    /// on older stock waits for the next run, because the channels only take absolute quantities and an increase from stale
    /// reservations can oversell.
    /// </summary>
    /// <value>Default 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan IncreaseFreshness { get; set; } = TimeSpan.FromMinutes(2);
}
