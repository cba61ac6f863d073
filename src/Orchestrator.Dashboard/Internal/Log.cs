using Microsoft.Extensions.Logging;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Log messages of Orchestrator.Dashboard (EventIds 7000–7999). No keys, secrets or signatures.</summary>
internal static partial class Log
{
    [LoggerMessage(7000, LogLevel.Warning, "Dashboard request from {RemoteIp} refused: the API key is not valid")]
    public static partial void ApiKeyRefused(ILogger logger, string? remoteIp);

    [LoggerMessage(7001, LogLevel.Warning, "Dashboard login from {RemoteIp} refused: the API key is not valid")]
    public static partial void LoginRefused(ILogger logger, string? remoteIp);

    [LoggerMessage(7002, LogLevel.Information, "Dashboard login of {User}")]
    public static partial void LoggedIn(ILogger logger, string user);

    [LoggerMessage(7003, LogLevel.Warning, "Stock event {EventType} from {RemoteIp} refused ({Status}): {Reason}")]
    public static partial void EventRefused(ILogger logger, string eventType, string? remoteIp, int status, string reason);

    [LoggerMessage(7004, LogLevel.Information, "Stock event {EventId} ({EventType}) accepted: duplicate {Duplicate}, {SkusToSync} SKUs to sync")]
    public static partial void EventAccepted(ILogger logger, string eventId, string eventType, bool duplicate, int skusToSync);

    [LoggerMessage(7005, LogLevel.Error, "Stock event {EventId} ({EventType}) could not be recorded; the sender may retry it")]
    public static partial void EventSinkFailed(ILogger logger, Exception exception, string eventId, string eventType);

    [LoggerMessage(7006, LogLevel.Information, "Discrepancy {Id} resolved by {User}")]
    public static partial void DiscrepancyResolved(ILogger logger, long id, string user);

    [LoggerMessage(7007, LogLevel.Information, "Reconciliation task {Id} counted by {User}: {CountedQty}")]
    public static partial void TaskCounted(ILogger logger, long id, string user, int countedQty);

    [LoggerMessage(7008, LogLevel.Information, "SKU {SkuCode} in {WarehouseId} resumed by {User}")]
    public static partial void SkuResumed(ILogger logger, string warehouseId, string skuCode, string user);

    [LoggerMessage(7009, LogLevel.Information, "Channel sync requested by {User}")]
    public static partial void SyncRequested(ILogger logger, string user);

    [LoggerMessage(7010, LogLevel.Warning, "{Action} by {User}: no IOrchestratorTriggers is registered, so nothing was triggered")]
    public static partial void NoTriggers(ILogger logger, string action, string user);

    [LoggerMessage(7011, LogLevel.Error, "{Action} by {User} was done, but asking the host to run a workflow failed")]
    public static partial void TriggerFailed(ILogger logger, Exception exception, string action, string user);

    [LoggerMessage(7012, LogLevel.Information, "Discrepancy CSV export by {User}: {Rows} rows")]
    public static partial void CsvExported(ILogger logger, string user, long rows);

    [LoggerMessage(7013, LogLevel.Warning, "Dashboard form post by {User} refused: the antiforgery token is missing or not valid")]
    public static partial void AntiforgeryRefused(ILogger logger, string user);
}
