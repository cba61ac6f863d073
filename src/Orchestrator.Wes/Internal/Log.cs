using Microsoft.Extensions.Logging;

namespace Orchestrator.Wes.Internal;

/// <summary>Log messages of the WES client (EventIds 5000–5999). Never logs the API key.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "WES snapshot of warehouse '{Warehouse}' read: {Rows} rows in {Pages} pages, highest version {HighestVersion}, {ElapsedMs} ms.")]
    public static partial void SnapshotRead(ILogger logger, string warehouse, int rows, int pages, long? highestVersion, long elapsedMs);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "WES {Operation} {TransactionId} applied (replayed: {Replayed}).")]
    public static partial void WriteApplied(ILogger logger, string operation, string transactionId, bool replayed);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "WES {Operation} {TransactionId} was already applied; the WES returned the first result.")]
    public static partial void WriteReplayed(ILogger logger, string operation, string transactionId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "WES call retried (attempt {Attempt}) after {Delay}: status {StatusCode}, {Error}.")]
    public static partial void Retrying(ILogger logger, int attempt, TimeSpan delay, int? statusCode, string? error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "WES asked to slow down (429); waiting {Wait}.")]
    public static partial void RateLimited(ILogger logger, TimeSpan? wait);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "WES circuit opened for {Duration} after repeated failures; calls fail fast until it closes.")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan duration);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "WES circuit closed; calls flow again.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Debug, Message = "WES movements of warehouse '{Warehouse}' page {Page}: {Rows} rows.")]
    public static partial void MovementsPage(ILogger logger, string warehouse, int page, int rows);
}
