using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>The storage log messages (EventIds 6000–6999). Connection strings and passwords are never logged.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Information, Message = "Opened {Provider} storage at {Location} (schema version {SchemaVersion})")]
    public static partial void Opened(ILogger logger, string provider, string location, int schemaVersion);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Applied {Provider} schema migration {Version}: {Description}")]
    public static partial void MigrationApplied(ILogger logger, string provider, int version, string description);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Critical, Message = "The {Provider} schema is at version {Found}, newer than the {Known} this code knows; refusing to run")]
    public static partial void SchemaTooNew(ILogger logger, string provider, int found, int known);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Error, Message = "{Provider} storage at {Location} is unavailable")]
    public static partial void Unavailable(ILogger logger, string provider, string location, Exception exception);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "{Provider} write transaction failed with {SqlState} on attempt {Attempt}; retrying")]
    public static partial void WriteRetried(ILogger logger, string provider, string sqlState, int attempt);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Warning, Message = "Pending-sync item {Id} ({Kind} to {Target}) was dead-lettered after {Attempts} attempts")]
    public static partial void DeadLettered(ILogger logger, long id, string kind, string target, int attempts);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "Refused a watermark write for {Source}/{Partition}: lease '{LockName}' token {Token} was taken over")]
    public static partial void WatermarkLeaseLost(ILogger logger, string source, string partition, string lockName, long token);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Debug, Message = "Job lock '{LockName}' acquired by {Owner} with fencing token {Token}")]
    public static partial void LockAcquired(ILogger logger, string lockName, string owner, long token);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Information, Message = "Bulk {What}: {Written} of {Rows} rows written in {ElapsedMs} ms")]
    public static partial void BulkWritten(ILogger logger, string what, int written, int rows, long elapsedMs);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Warning, Message = "Refused inventory adjustment {TransactionId} for {WarehouseId}/{SkuCode}: {Reason}")]
    public static partial void AdjustmentRefused(ILogger logger, string transactionId, string warehouseId, string skuCode, string reason);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Information, Message = "Completed {Count} pending-sync items of target {Target} as superseded at claim: a newer item with the same coalescing key was already delivered")]
    public static partial void ClaimSuperseded(ILogger logger, int count, string target);
}
