namespace Orchestrator.Intake;

/// <summary>Names how a poll of one partition ended.</summary>
public enum IntakeOutcome
{
    /// <summary>Every page of the window was taken and the watermark moved.</summary>
    Completed,

    /// <summary>Another poller holds the partition's lock; nothing was read.</summary>
    LockHeld,

    /// <summary>A page could not be read or buffered; what was buffered before stays, and the window is read again next time.</summary>
    Failed,
}

/// <summary>Reports one poll of one partition.</summary>
/// <param name="Source">The source name.</param>
/// <param name="Partition">The partition key.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Pages">Pages read.</param>
/// <param name="Fetched">Orders read.</param>
/// <param name="Inserted">Orders buffered for the first time.</param>
/// <param name="Duplicates">Orders already buffered, ignored.</param>
/// <param name="Rejected">Orders refused (no order id) or buffered as FAILED because they were invalid.</param>
/// <param name="Marked">Orders marked as received at the source.</param>
/// <param name="MarkFailed">Orders the source did not mark; they are marked on a later poll.</param>
/// <param name="TasksCreated">Tasks created.</param>
/// <param name="Watermark">The watermark after the poll.</param>
/// <param name="MoreAvailable">Whether the poll stopped at <see cref="OrderIntakeOptions.MaxPagesPerPoll"/> with more to read.</param>
/// <param name="Error">The failure, with no secrets.</param>
public sealed record IntakeResult(
    string Source,
    string Partition,
    IntakeOutcome Outcome,
    int Pages,
    int Fetched,
    int Inserted,
    int Duplicates,
    int Rejected,
    int Marked,
    int MarkFailed,
    int TasksCreated,
    DateTimeOffset? Watermark,
    bool MoreAvailable,
    string? Error = null);

/// <summary>Reports a rescan of a closed window.</summary>
/// <param name="Source">The source name.</param>
/// <param name="Partition">The partition key.</param>
/// <param name="WindowStart">The start of the window.</param>
/// <param name="WindowEnd">The end of the window.</param>
/// <param name="SourceOrders">Orders the source holds in the window.</param>
/// <param name="Gaps">Orders the buffer did not have (now taken), with the source's trace id of the page they came in.</param>
public sealed record RescanResult(string Source, string Partition, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, int SourceOrders, IReadOnlyList<IntakeGap> Gaps);

/// <summary>Represents an order a rescan found missing from the buffer.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="ChangedAt">Its changed-at time.</param>
/// <param name="TraceId">The source's trace id of the page it came in.</param>
public sealed record IntakeGap(string OrderId, DateTimeOffset ChangedAt, string? TraceId);
