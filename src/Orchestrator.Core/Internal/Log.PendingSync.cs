using Microsoft.Extensions.Logging;

namespace Orchestrator.Internal;

/// <summary>Log messages of the pending-sync worker (EventIds 1300–1399). No secrets, no payloads.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Information, "Pending-sync pass: {Claimed} claimed, {Delivered} delivered, {Retried} to retry, {DeadLettered} dead-lettered, {Superseded} superseded, {LeaseLost} leases lost")]
    public static partial void PendingSyncPass(ILogger logger, int claimed, int delivered, int retried, int deadLettered, int superseded, int leaseLost);

    [LoggerMessage(1301, LogLevel.Warning, "Pending-sync item {Id} ({Kind} to {Target}, transaction {TransactionId}) failed on attempt {Attempt}: {Reason}; next attempt {NextAttemptAt:o}")]
    public static partial void PendingSyncRetry(ILogger logger, long id, string kind, string target, string transactionId, int attempt, string reason, DateTimeOffset nextAttemptAt);

    [LoggerMessage(1302, LogLevel.Error, "Pending-sync item {Id} ({Kind} to {Target}, transaction {TransactionId}) was dead-lettered after attempt {Attempt}: {Reason}")]
    public static partial void PendingSyncDeadLettered(ILogger logger, long id, string kind, string target, string transactionId, int attempt, string reason);

    [LoggerMessage(1303, LogLevel.Warning, "Pending-sync item {Id} ({Kind} to {Target}, transaction {TransactionId}) was sent but its lease had expired; another worker may send it again")]
    public static partial void PendingSyncLeaseLost(ILogger logger, long id, string kind, string target, string transactionId);

    [LoggerMessage(1304, LogLevel.Information, "Pending-sync item {Id} ({Target}, key {CoalescingKey}) was superseded by item {LatestId} claimed in the same pass; only the latest quantity is sent")]
    public static partial void PendingSyncSuperseded(ILogger logger, long id, string target, string coalescingKey, long latestId);

    [LoggerMessage(1305, LogLevel.Warning, "Queued push of SKU {SkuCode} to {Channel} lowered from {Queued} to {Current} by the quantity guard (the queued quantity is no longer current)")]
    public static partial void PendingSyncGuardLowered(ILogger logger, string channel, string skuCode, int queued, int current);

    [LoggerMessage(1306, LogLevel.Error, "Pushing {Count} queued updates to {Channel} threw; they are retried")]
    public static partial void PendingSyncPushThrew(ILogger logger, Exception exception, string channel, int count);

    [LoggerMessage(1308, LogLevel.Error, "The quantity guard failed for SKU {SkuCode} on {Channel}; the queued push is not sent and is retried")]
    public static partial void PendingSyncGuardFailed(ILogger logger, Exception exception, string channel, string skuCode);

    [LoggerMessage(1307, LogLevel.Warning, "WES set-stock {TransactionId} ({WarehouseId}/{SkuCode}) was not delivered now; it stays in the pending-sync queue")]
    public static partial void PendingSyncWesQueued(ILogger logger, string transactionId, string warehouseId, string skuCode);
}
