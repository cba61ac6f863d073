using Orchestrator.Diagnostics;

namespace Orchestrator.Storage;

/// <summary>
/// The history of sync runs (WF-INV-001 and reconciliation runs), their states and every item's result.
/// </summary>
public interface ISyncRunStore
{
    /// <summary>Records a new run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task StartAsync(SyncRun run, CancellationToken cancellationToken);

    /// <summary>Records a run's move to a new state (persisted, so a restart knows where a run stopped).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="state">The new state.</param>
    /// <param name="at">When.</param>
    /// <param name="errorMessage">The error, for <see cref="SyncRunState.Error"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task SetStateAsync(string runId, SyncRunState state, DateTimeOffset at, string? errorMessage, CancellationToken cancellationToken);

    /// <summary>Appends item results to a run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="items">The items.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task AppendItemsAsync(string runId, IReadOnlyList<SyncRunItem> items, CancellationToken cancellationToken);

    /// <summary>Records a run's end with its KPIs and stage timings.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="state">The final state (<see cref="SyncRunState.Completed"/> or <see cref="SyncRunState.Error"/>).</param>
    /// <param name="kpis">The KPIs.</param>
    /// <param name="stages">How long each stage took.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task CompleteAsync(string runId, SyncRunState state, SyncKpis kpis, IReadOnlyDictionary<string, TimeSpan> stages, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Gets a run.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run, or <see langword="null"/>.</returns>
    Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Gets the most recent runs, newest first.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs.</returns>
    Task<IReadOnlyList<SyncRun>> GetRecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Gets a page of a run's items.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="offset">Items to skip.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The items.</returns>
    Task<IReadOnlyList<SyncRunItem>> GetItemsAsync(string runId, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Counts a run's items by channel and status (the dashboard's per-channel outcome of a run).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One row per channel and status that has items, ordered by channel then status; empty for an unknown run.</returns>
    Task<IReadOnlyList<SyncItemCount>> CountItemsAsync(string runId, CancellationToken cancellationToken);
}

/// <summary>Counts a run's items of one channel and status.</summary>
/// <param name="Channel">The channel instance name.</param>
/// <param name="Status">The status.</param>
/// <param name="Count">How many items.</param>
public sealed record SyncItemCount(string Channel, SyncItemStatus Status, long Count);

/// <summary>Names the states of a run (seed 002 state diagram).</summary>
public enum SyncRunState
{
    /// <summary>Reading stock from every source.</summary>
    Collecting,

    /// <summary>Diffing channel quantities against sellable quantities.</summary>
    Analyzing,

    /// <summary>Pushing what differs.</summary>
    Syncing,

    /// <summary>Checking stock levels.</summary>
    Checking,

    /// <summary>Sending alerts and purchase-order suggestions.</summary>
    Alerting,

    /// <summary>Finished.</summary>
    Completed,

    /// <summary>Failed.</summary>
    Error,

    /// <summary>Failed and about to start again.</summary>
    Retry,
}

/// <summary>Represents one run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Workflow">The workflow id, for example <c>WF-INV-001</c>.</param>
/// <param name="Trigger">What started it: <c>schedule</c>, an event name, or <c>manual</c>.</param>
/// <param name="State">The current state.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record SyncRun(string RunId, string Workflow, string Trigger, SyncRunState State, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Gets when it ended, if it did.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets the error that ended it, if any.</summary>
    public string? Error { get; init; }

    /// <summary>Gets its KPIs, once completed.</summary>
    public SyncKpis? Kpis { get; init; }

    /// <summary>Gets how long each stage took, once completed.</summary>
    public IReadOnlyDictionary<string, TimeSpan>? Stages { get; init; }
}

/// <summary>Represents the result for one SKU on one channel in a run.</summary>
/// <param name="Channel">The channel instance name.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="ChannelQty">What the channel showed.</param>
/// <param name="TargetQty">The sellable quantity it should show.</param>
/// <param name="Status">What happened.</param>
/// <param name="TransactionId">The push's transaction id.</param>
/// <param name="Error">The error, if any.</param>
/// <param name="Explanation">How the target was computed (stock, reservations, buffer), for "why does Coupang show 7?".</param>
public sealed record SyncRunItem(string Channel, string SkuCode, int? ChannelQty, int TargetQty, SyncItemStatus Status, string? TransactionId, string? Error = null, string? Explanation = null);

/// <summary>Names what happened to one item of a run.</summary>
public enum SyncItemStatus
{
    /// <summary>Pushed and accepted.</summary>
    Succeeded,

    /// <summary>Pushed and refused, or not answered.</summary>
    Failed,

    /// <summary>Put in the pending-sync queue to be retried.</summary>
    Queued,

    /// <summary>Not pushed (for example an increase held until the order view is fresh, or an unlisted SKU).</summary>
    Skipped,
}
