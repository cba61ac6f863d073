using Microsoft.Extensions.Logging;

namespace Orchestrator.Internal;

/// <summary>Log messages of the Inventory ↔ WES reconciliation (EventIds 1200–1299). No secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1200, LogLevel.Information, "Reconciliation run {RunId} of warehouse {WarehouseId} started ({Trigger})")]
    public static partial void ReconciliationStarted(ILogger logger, string runId, string warehouseId, string trigger);

    [LoggerMessage(1201, LogLevel.Information, "Reconciliation run {RunId} completed: {Compared} SKUs compared, {Discrepancies} discrepancies ({Logged} logged), {Applied} actions applied, {Failed} failed, {Resolved} resolved, {Deferred} deferred, {Seconds:0.###} s")]
    public static partial void ReconciliationCompleted(ILogger logger, string runId, long compared, int discrepancies, int logged, int applied, int failed, int resolved, int deferred, double seconds);

    [LoggerMessage(1202, LogLevel.Error, "Reconciliation run {RunId} failed: {Reason}")]
    public static partial void ReconciliationFailed(ILogger logger, Exception? exception, string runId, string reason);

    [LoggerMessage(1203, LogLevel.Warning, "Reconciliation action {TransactionId} ({Action}) for SKU {SkuCode} in {WarehouseId} was refused; the discrepancy stays open: {Reason}")]
    public static partial void ReconciliationActionRefused(ILogger logger, string transactionId, string action, string? skuCode, string warehouseId, string reason);

    [LoggerMessage(1204, LogLevel.Warning, "Full Sync Job of warehouse {WarehouseId} scheduled ({SkuCount} SKUs with WES stock and none in inventory), item {TransactionId}")]
    public static partial void FullSyncScheduled(ILogger logger, string warehouseId, int skuCount, string transactionId);

    [LoggerMessage(1205, LogLevel.Information, "Reconciliation task {TaskId} ({SkuCode} in {WarehouseId}) resynced to the count {CountedQty}; {Resolved} discrepancies resolved")]
    public static partial void TaskResynced(ILogger logger, long taskId, string skuCode, string warehouseId, int countedQty, int resolved);

    [LoggerMessage(1206, LogLevel.Error, "Resync of reconciliation task {TaskId} ({SkuCode} in {WarehouseId}) failed; it stays counted and is resynced on the next call")]
    public static partial void TaskResyncFailed(ILogger logger, Exception exception, long taskId, string skuCode, string warehouseId);

    [LoggerMessage(1207, LogLevel.Information, "Reconciliation run {RunId}: {Count} SKUs moved in the WES while it was read; they are compared on the next run")]
    public static partial void ReconciliationDeferred(ILogger logger, string runId, int count);

    [LoggerMessage(1208, LogLevel.Error, "Alerts of reconciliation run {RunId} could not be dispatched; the run goes on")]
    public static partial void ReconciliationAlertsFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(1209, LogLevel.Information, "Full Sync Job {TransactionId} of warehouse {WarehouseId}: {Compared} SKUs compared, {Set} inventory positions set from the WES, {Replayed} already set, {SkippedMoving} skipped (WES movements not yet applied), {SkippedInventoryOnly} skipped (inventory only), {Refused} refused")]
    public static partial void FullSyncDone(ILogger logger, string transactionId, string warehouseId, long compared, int set, int replayed, int skippedMoving, int skippedInventoryOnly, int refused);

    [LoggerMessage(1210, LogLevel.Information, "Incremental reconciliation of warehouse {WarehouseId}: run {RunId} compared {Changed} changed SKUs (WES versions {FromVersion}..{ToVersion}), {Discrepancies} discrepancies; watermark advanced")]
    public static partial void IncrementalReconciled(ILogger logger, string warehouseId, string runId, int changed, long fromVersion, long toVersion, int discrepancies);

    [LoggerMessage(1211, LogLevel.Error, "Incremental reconciliation of warehouse {WarehouseId}: the WES change feed since version {FromVersion} could not be read; the watermark stays")]
    public static partial void IncrementalReconciliationReadFailed(ILogger logger, Exception exception, string warehouseId, long fromVersion);
}
