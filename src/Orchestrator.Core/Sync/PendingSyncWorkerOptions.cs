using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Sync;

/// <summary>Configures a <see cref="PendingSyncWorker"/>.</summary>
public sealed class PendingSyncWorkerOptions
{
    /// <summary>Gets or sets the only target this worker drains (a channel name or <c>wes</c>), or <see langword="null"/> for every target.</summary>
    /// <value>Default <see langword="null"/>. Set it when several workers with different adapters share one queue, so none of them
    /// dead-letters another's items as "unknown target".</value>
    public string? Target { get; set; }

    /// <summary>Gets or sets how many items one pass claims.</summary>
    /// <value>Default 100; 1 to 10 000.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Gets or sets how long a claim holds. An item whose worker died is claimed again once its lease ran out.</summary>
    /// <value>Default 5 minutes; 1 second to 1 hour. It must be longer than a pass takes to send a batch, or a slow pass's items
    /// can be claimed and sent a second time by another worker.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the wait before the second attempt; each later attempt waits twice as long, up to <see cref="RetryMaxDelay"/>.</summary>
    /// <value>Default 30 seconds; 0 to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest wait between two attempts.</summary>
    /// <value>Default 30 minutes; 0 to 1 day, and at least <see cref="RetryBaseDelay"/>.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Gets or sets after how many failed attempts an item is dead-lettered (needs a person).</summary>
    /// <value>Default 10; 1 to 100. A failure the target will never accept (a refused listing, a malformed item) is dead-lettered at once.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 10;
}

/// <summary>
/// Gets the quantity a channel may show for a SKU right now, so a queued push that is no longer current is lowered before it is sent.
/// </summary>
/// <param name="channel">The channel instance name.</param>
/// <param name="skuCode">The SKU.</param>
/// <param name="queuedQuantity">The quantity in the queue.</param>
/// <param name="cancellationToken">Cancels the call.</param>
/// <returns>The current sellable quantity, or <see langword="null"/> when it is not known (the queued quantity is sent).</returns>
public delegate ValueTask<int?> PendingChannelQuantityGuard(string channel, string skuCode, int queuedQuantity, CancellationToken cancellationToken);

/// <summary>Reports one pass of a <see cref="PendingSyncWorker"/>.</summary>
/// <param name="Claimed">Items claimed.</param>
/// <param name="Delivered">Items the target accepted and the queue recorded as delivered.</param>
/// <param name="Retried">Items that failed and wait for another attempt.</param>
/// <param name="DeadLettered">Items given up on (attempts used, refused for good, or unreadable); they need a person.</param>
/// <param name="Superseded">Older items of a key whose newer item was claimed in the same pass; only the newer one is sent.</param>
/// <param name="LeaseLost">Items sent whose lease had run out before the outcome was recorded; another worker may send them again.</param>
public sealed record PendingSyncWorkerResult(int Claimed, int Delivered, int Retried, int DeadLettered, int Superseded, int LeaseLost);
