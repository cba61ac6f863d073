using Microsoft.Extensions.Logging;

namespace Orchestrator.Internal;

/// <summary>Log messages of Orchestrator.Core (EventIds 1000–1999). No secrets, no whole options objects.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Debug, "Intake poll of {Source}/{Partition} skipped: another poller holds the lock")]
    public static partial void IntakeLockHeld(ILogger logger, string source, string partition);

    [LoggerMessage(1001, LogLevel.Information, "Intake poll of {Source}/{Partition}: {Fetched} fetched, {Inserted} new, {Duplicates} duplicates, {Rejected} rejected, {TasksCreated} tasks, watermark {Watermark:o}")]
    public static partial void IntakePolled(ILogger logger, string source, string partition, int fetched, int inserted, int duplicates, int rejected, int tasksCreated, DateTimeOffset? watermark);

    [LoggerMessage(1002, LogLevel.Error, "Intake poll of {Source}/{Partition} failed; the watermark stays at {Watermark:o} and the window is read again next time")]
    public static partial void IntakePollFailed(ILogger logger, Exception exception, string source, string partition, DateTimeOffset? watermark);

    [LoggerMessage(1003, LogLevel.Warning, "Order {OrderId} of {Source} was not marked as received at the source ({Reason}); it stays buffered and is marked on a later poll")]
    public static partial void MarkFailed(ILogger logger, string source, string orderId, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Order {OrderId} of {Source} is invalid ({Reason}); it is buffered as FAILED and held for a person (trace {TraceId})")]
    public static partial void OrderInvalid(ILogger logger, string source, string orderId, string reason, string? traceId);

    [LoggerMessage(1005, LogLevel.Error, "An order of {Source} without an order id was refused (trace {TraceId})")]
    public static partial void OrderWithoutId(ILogger logger, string source, string? traceId);

    [LoggerMessage(1006, LogLevel.Warning, "Rescan of {Source}/{Partition} from {WindowStart:o} to {WindowEnd:o} found {Gaps} orders the buffer did not have; they were taken now")]
    public static partial void RescanFoundGaps(ILogger logger, string source, string partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, int gaps);

    [LoggerMessage(1007, LogLevel.Warning, "Intake poll of {Source}/{Partition} lost its lock to another poller and stopped")]
    public static partial void IntakeLeaseLost(ILogger logger, string source, string partition);

    [LoggerMessage(1009, LogLevel.Error, "Order {OrderId} of {Source} could not be routed; it stays buffered without a task and is routed again on the next poll")]
    public static partial void RouteFailed(ILogger logger, Exception exception, string source, string orderId);

    [LoggerMessage(1010, LogLevel.Warning, "Task of order {OrderId} ({Source}) failed, attempt {Attempt} of {MaxAttempts}: {Reason}; next attempt {NextAttemptAt:o} (none: held for a person)")]
    public static partial void OrderTaskFailed(ILogger logger, string source, string orderId, int attempt, int maxAttempts, string reason, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(1100, LogLevel.Information, "Sync run {RunId} of warehouse {WarehouseId} started ({Trigger})")]
    public static partial void SyncStarted(ILogger logger, string runId, string warehouseId, string trigger);

    [LoggerMessage(1101, LogLevel.Information, "Sync run {RunId} completed: {Compared} compared, {Mismatched} mismatched, {Pushed} pushed, {Queued} queued, {Seconds:0.###} s")]
    public static partial void SyncCompleted(ILogger logger, string runId, long compared, int mismatched, int pushed, int queued, double seconds);

    [LoggerMessage(1102, LogLevel.Error, "Sync run {RunId} failed")]
    public static partial void SyncFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1103, LogLevel.Warning, "Reading {Source} failed (attempt {Attempt} of {Attempts})")]
    public static partial void CollectFailed(ILogger logger, Exception exception, string source, int attempt, int attempts);

    [LoggerMessage(1104, LogLevel.Warning, "Pushing to {Channel} failed as a whole (attempt {Attempt}); its updates stay pending")]
    public static partial void PushFailed(ILogger logger, Exception exception, string channel, int attempt);

    [LoggerMessage(1105, LogLevel.Warning, "{Channel} reported {Count} listings no SKU is mapped to (for example {Sample})")]
    public static partial void UnknownListings(ILogger logger, string channel, int count, string sample);

    [LoggerMessage(1106, LogLevel.Error, "Purchase-order suggestions failed; the run goes on without them")]
    public static partial void PurchaseSuggestionFailed(ILogger logger, Exception exception);

    [LoggerMessage(1107, LogLevel.Error, "Alerts of run {RunId} could not be dispatched; the run goes on")]
    public static partial void AlertDispatchFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1120, LogLevel.Information, "Incremental sync of warehouse {WarehouseId}: run {RunId} synced {Changed} changed SKUs (WES versions {FromVersion}..{ToVersion}), {Pushed} pushed, {Queued} queued; watermark advanced")]
    public static partial void IncrementalSynced(ILogger logger, string warehouseId, string runId, int changed, long fromVersion, long toVersion, int pushed, int queued);

    [LoggerMessage(1121, LogLevel.Debug, "Incremental sync of warehouse {WarehouseId}: nothing changed since WES version {FromVersion} (now {ToVersion})")]
    public static partial void IncrementalNothingChanged(ILogger logger, string warehouseId, long fromVersion, long toVersion);

    [LoggerMessage(1122, LogLevel.Warning, "Incremental sync of warehouse {WarehouseId}: run {RunId} did not complete ({Reason}); the watermark stays at WES version {FromVersion} and the same changes are read again")]
    public static partial void IncrementalNotAdvanced(ILogger logger, string warehouseId, string runId, long fromVersion, string reason);

    [LoggerMessage(1123, LogLevel.Error, "Incremental sync of warehouse {WarehouseId}: the WES change feed since version {FromVersion} could not be read; the watermark stays")]
    public static partial void IncrementalReadFailed(ILogger logger, Exception exception, string warehouseId, long fromVersion);

    [LoggerMessage(1124, LogLevel.Information, "Incremental sync of warehouse {WarehouseId} runs a full sync: {Reason}")]
    public static partial void IncrementalFullRun(ILogger logger, string warehouseId, string reason);

    [LoggerMessage(1125, LogLevel.Warning, "Incremental sync of warehouse {WarehouseId}: the WES announces no row versions, so only full runs sync it")]
    public static partial void IncrementalNoVersions(ILogger logger, string warehouseId);

    [LoggerMessage(1008, LogLevel.Information, "Intake repaired {Source}: {Marked} orders marked at the source, {TasksCreated} tasks created after an interruption")]
    public static partial void IntakeRepaired(ILogger logger, string source, int marked, int tasksCreated);
}
