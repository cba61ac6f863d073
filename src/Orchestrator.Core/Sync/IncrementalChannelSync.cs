using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Internal;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Sync;

/// <summary>
/// Runs WF-INV-001 incrementally between full runs: asks the WES which rows changed since the last version the channels were
/// synced to, and runs the SKU-subset sync (<see cref="ChannelSyncWorkflow.RunAsync(string, IReadOnlyCollection{string}?, CancellationToken)"/>)
/// for exactly those SKUs. The version is kept per warehouse in the <see cref="IWatermarkStore"/>, so a restart resumes from it.
/// </summary>
/// <remarks>
/// <para>The change feed is the WES snapshot read with <c>sinceVersion</c> (<see cref="WesSnapshotRequest.UpdatedSinceVersion"/>): the
/// channels sell the WES's stock, so a WES row is what changes a channel's quantity. The inventory store's versions
/// (<see cref="IInventoryStore.GetChangesAsync"/>) are not used here: nothing in the inventory book feeds a channel quantity.</para>
/// <para>No gaps: the next read starts from <see cref="WesSnapshotInfo.HighestVersion"/>, the counter the WES announced on the
/// <em>first</em> page of the change read. The WES contract requires that every change at or below an announced counter is
/// already visible, so a write that took a lower version and commits later is announced below it and read next time; a row
/// that changed while the pages went by has a version above it and is read again. The watermark moves only after the subset
/// sync of those changes completed; a failed read or run leaves it where it was and the same changes are read again.</para>
/// <para>A missing watermark, one not confirmed for <see cref="IncrementalChannelSyncOptions.MaxWatermarkAge"/>, or more than
/// <see cref="IncrementalChannelSyncOptions.MaxChangedSkus"/> changes falls back to a full run, which sets the watermark to the
/// version its own read started from. A WES that announces no versions is reported as an error (the full runs keep syncing).</para>
/// <para>What changes a channel quantity without a WES change (a paused SKU, new listings, a safety buffer) waits for the next full
/// run. Run it under the channel sync's job lock, never beside a full run of the same warehouse.</para>
/// </remarks>
public sealed class IncrementalChannelSync
{
    /// <summary>The watermark source holding the WES version the channels were synced to (partition: the warehouse).</summary>
    public const string VersionSource = "channel-sync-wes-version";

    /// <summary>The watermark source holding when that version was last confirmed (partition: the warehouse).</summary>
    public const string ConfirmedSource = "channel-sync-wes-version-at";

    private readonly ChannelSyncWorkflow _workflow;
    private readonly IWesClient _warehouse;
    private readonly IWatermarkStore _watermarks;
    private readonly IncrementalChannelSyncOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="IncrementalChannelSync"/> class.</summary>
    /// <param name="workflow">The channel sync whose SKU-subset and full runs this drives.</param>
    /// <param name="warehouse">The WES the workflow reads (for the change feed).</param>
    /// <param name="watermarks">The durable watermarks.</param>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public IncrementalChannelSync(
        ChannelSyncWorkflow workflow,
        IWesClient warehouse,
        IWatermarkStore watermarks,
        IncrementalChannelSyncOptions options,
        TimeProvider? timeProvider = null,
        ILogger<IncrementalChannelSync>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(watermarks);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _workflow = workflow;
        _warehouse = warehouse;
        _watermarks = watermarks;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Reads the watermark of the workflow's warehouse.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The WES version the channels were synced to and when it was last confirmed, or <see langword="null"/> before the first run.</returns>
    public async Task<ChannelSyncWatermark?> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        var version = await _watermarks.GetAsync(VersionSource, _workflow.WarehouseId, cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            return null;
        }

        var at = await _watermarks.GetAsync(ConfirmedSource, _workflow.WarehouseId, cancellationToken).ConfigureAwait(false);
        return new ChannelSyncWatermark(version.Value.UtcTicks, at);
    }

    /// <summary>Syncs the SKUs the WES changed since the watermark, or runs a full sync when it cannot (see the remarks of the class).</summary>
    /// <param name="trigger">What started it, recorded with the run (for example <c>incremental</c>).</param>
    /// <param name="lease">The channel sync's job lease; the watermark write is refused once another holder took it over.</param>
    /// <param name="cancellationToken">Cancels the run; the watermark stays.</param>
    /// <returns>What was done. A failure is reported, not thrown.</returns>
    /// <exception cref="LeaseLostException">The lease was taken over before the watermark was written.</exception>
    public async Task<IncrementalSyncResult> RunAsync(string trigger, JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        ArgumentNullException.ThrowIfNull(lease);
        var warehouseId = _workflow.WarehouseId;
        var startedAt = _time.GetUtcNow();
        var watermark = await GetWatermarkAsync(cancellationToken).ConfigureAwait(false);
        if (watermark is null)
        {
            return await RunFullAsync(trigger, "no watermark yet", lease, cancellationToken).ConfigureAwait(false);
        }

        long? since = watermark.Version;
        var confirmedAt = watermark.ConfirmedAt;

        if (confirmedAt is null || startedAt - confirmedAt.Value > _options.MaxWatermarkAge)
        {
            return await RunFullAsync(trigger, $"the watermark was last confirmed at {confirmedAt:O}, longer ago than {_options.MaxWatermarkAge}", lease, cancellationToken).ConfigureAwait(false);
        }

        // The change feed: only rows with a version above the watermark.
        IReadOnlyList<string> changed;
        long? announced;
        try
        {
            (changed, announced) = await WesChangeFeed.ReadChangedAsync(_warehouse, warehouseId, since.Value, startedAt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.IncrementalReadFailed(_logger, ex, warehouseId, since.Value);
            return new IncrementalSyncResult(IncrementalSyncMode.Incremental, "the WES change feed could not be read", since, null, 0, null, false, $"{ex.GetType().Name}: {ex.Message}");
        }

        if (announced is not { } highest)
        {
            // A WES without versions cannot say what changed; the scheduled full runs are all there is. Not a full run every interval.
            Log.IncrementalNoVersions(_logger, warehouseId);
            return new IncrementalSyncResult(IncrementalSyncMode.Incremental, "the WES announced no version", since, null, 0, null, false,
                "The WES announces no row versions (highestVersion), so changes cannot be read incrementally; only full runs sync this warehouse.");
        }

        if (changed.Count > _options.MaxChangedSkus)
        {
            return await RunFullAsync(trigger, $"{changed.Count} SKUs changed, more than {_options.MaxChangedSkus}", lease, cancellationToken).ConfigureAwait(false);
        }

        if (changed.Count == 0)
        {
            await AdvanceAsync(highest, startedAt, lease, cancellationToken).ConfigureAwait(false);
            Log.IncrementalNothingChanged(_logger, warehouseId, since.Value, highest);
            return new IncrementalSyncResult(IncrementalSyncMode.NoChanges, "nothing changed", since, highest, 0, null, true);
        }

        var run = await _workflow.RunAsync(trigger, changed, cancellationToken).ConfigureAwait(false);
        if (run.State != SyncRunState.Completed)
        {
            Log.IncrementalNotAdvanced(_logger, warehouseId, run.RunId, since.Value, run.Error ?? run.State.ToString());
            return new IncrementalSyncResult(IncrementalSyncMode.Incremental, "the subset sync did not complete", since, highest, changed.Count, run, false, run.Error);
        }

        await AdvanceAsync(highest, startedAt, lease, cancellationToken).ConfigureAwait(false);
        Log.IncrementalSynced(_logger, warehouseId, run.RunId, changed.Count, since.Value, highest, run.Pushed, run.Queued);
        return new IncrementalSyncResult(IncrementalSyncMode.Incremental, $"{changed.Count} SKUs changed", since, highest, changed.Count, run, true);
    }

    /// <summary>Runs a full WF-INV-001 sync and, when it completed with every channel read, moves the watermark to the version its warehouse read started from.</summary>
    /// <param name="trigger">What started it.</param>
    /// <param name="reason">Why a full run (for the log and the result).</param>
    /// <param name="lease">The channel sync's job lease.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was done. A failure is reported, not thrown.</returns>
    /// <exception cref="LeaseLostException">The lease was taken over before the watermark was written.</exception>
    public async Task<IncrementalSyncResult> RunFullAsync(string trigger, string reason, JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        ArgumentNullException.ThrowIfNull(reason);
        ArgumentNullException.ThrowIfNull(lease);
        var startedAt = _time.GetUtcNow();
        var since = (await GetWatermarkAsync(cancellationToken).ConfigureAwait(false))?.Version;
        Log.IncrementalFullRun(_logger, _workflow.WarehouseId, reason);
        var run = await _workflow.RunAsync(trigger, null, cancellationToken).ConfigureAwait(false);

        // A channel skipped by the run did not get the stock of this read: the watermark stays, so the changes are pushed again.
        var advance = run.State == SyncRunState.Completed && run.SkippedChannels.Count == 0 && run.WarehouseVersion is not null;
        if (advance)
        {
            await AdvanceAsync(run.WarehouseVersion!.Value, startedAt, lease, cancellationToken).ConfigureAwait(false);
        }

        return new IncrementalSyncResult(IncrementalSyncMode.Full, reason, since, run.WarehouseVersion, run.Mismatches?.DistinctSkuCount ?? 0, run, advance, run.Error);
    }

    private async Task AdvanceAsync(long version, DateTimeOffset confirmedAt, JobLease lease, CancellationToken cancellationToken)
    {
        // Both only move forward.
        await _watermarks.AdvanceAsync(VersionSource, _workflow.WarehouseId, WesChangeFeed.AsWatermark(version), lease, cancellationToken).ConfigureAwait(false);
        await _watermarks.AdvanceAsync(ConfirmedSource, _workflow.WarehouseId, confirmedAt, lease, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Represents where the incremental channel sync of a warehouse stands.</summary>
/// <param name="Version">The WES version every change at or below which has reached the channels.</param>
/// <param name="ConfirmedAt">When a run last confirmed it (a full run, a subset run, or a run that found nothing changed).</param>
public sealed record ChannelSyncWatermark(long Version, DateTimeOffset? ConfirmedAt);

/// <summary>Configures <see cref="IncrementalChannelSync"/>.</summary>
public sealed class IncrementalChannelSyncOptions
{
    /// <summary>Gets or sets how many changed SKUs an incremental run syncs at most; above it a full run is cheaper and runs instead.</summary>
    /// <value>Default 5,000; 1 to 1,000,000.</value>
    [Range(1, 1_000_000)]
    public int MaxChangedSkus { get; set; } = 5_000;

    /// <summary>Gets or sets how long a watermark may go unconfirmed before the next run is a full one (the host was down, or incremental runs kept failing).</summary>
    /// <value>Default 1 hour; 1 minute to 7 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxWatermarkAge { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Names what an <see cref="IncrementalChannelSync"/> run did.</summary>
public enum IncrementalSyncMode
{
    /// <summary>The WES reported no change since the watermark; nothing was run or pushed.</summary>
    NoChanges,

    /// <summary>The changed SKUs were synced by a SKU-subset run.</summary>
    Incremental,

    /// <summary>A full run ran instead (no watermark, too old, or too many changes).</summary>
    Full,
}

/// <summary>Reports an <see cref="IncrementalChannelSync"/> run.</summary>
/// <param name="Mode">What was done.</param>
/// <param name="Reason">Why, for the log.</param>
/// <param name="FromVersion">The watermark before the run, or <see langword="null"/> when there was none.</param>
/// <param name="ToVersion">The WES version read up to, when known.</param>
/// <param name="ChangedSkus">How many SKUs the WES reported changed (for a full run, how many differed).</param>
/// <param name="Run">The channel sync run, when one ran.</param>
/// <param name="WatermarkAdvanced">Whether the watermark was moved to <paramref name="ToVersion"/>.</param>
/// <param name="Error">Why it failed, if it did.</param>
public sealed record IncrementalSyncResult(
    IncrementalSyncMode Mode,
    string Reason,
    long? FromVersion,
    long? ToVersion,
    int ChangedSkus,
    ChannelSyncResult? Run,
    bool WatermarkAdvanced,
    string? Error = null)
{
    /// <summary>Gets whether the run did what it set out to do (a subset or full run that completed, or nothing to do).</summary>
    public bool Succeeded => Error is null && (Run is null ? Mode == IncrementalSyncMode.NoChanges : Run.State == SyncRunState.Completed);
}
