using Microsoft.Extensions.Logging;

namespace Orchestrator.Hosting.Internal;

/// <summary>Log messages of the hosting package (EventIds 1600–1699). No secrets.</summary>
internal static partial class Log
{
    [LoggerMessage(1600, LogLevel.Information, "Job {Job} starts a run ({Trigger}{Skus})")]
    public static partial void RunStarting(ILogger logger, string job, string trigger, string skus);

    [LoggerMessage(1601, LogLevel.Information, "Job {Job} finished a run: {Outcome} in {Seconds:0.###} s{Detail}")]
    public static partial void RunFinished(ILogger logger, string job, OrchestratorRunOutcome outcome, double seconds, string detail);

    [LoggerMessage(1602, LogLevel.Error, "Job {Job} failed; it runs again on its schedule")]
    public static partial void RunFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(1603, LogLevel.Debug, "Job {Job} skipped a run: lock {Lock} is held by another instance")]
    public static partial void LockBusy(ILogger logger, string job, string @lock);

    [LoggerMessage(1604, LogLevel.Warning, "Job {Job} lost its lease on {Lock}; the run is cancelled")]
    public static partial void LeaseLost(ILogger logger, string job, string @lock);

    [LoggerMessage(1605, LogLevel.Information, "Job {Job} skipped the schedule tick {Tick:o}: another instance already ran it")]
    public static partial void TickAlreadyRun(ILogger logger, string job, DateTimeOffset tick);

    [LoggerMessage(1606, LogLevel.Warning, "The host is stopping: job {Job} gets {GraceSeconds:0.#} s to finish its run")]
    public static partial void Stopping(ILogger logger, string job, double graceSeconds);

    [LoggerMessage(1607, LogLevel.Error, "Job {Job} could not take or release its lock; it tries again later")]
    public static partial void LockFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(1608, LogLevel.Information, "Listings reloaded from {Source}: {Skus} SKUs, {Channels} channels, version {Version}")]
    public static partial void ListingsLoaded(ILogger logger, string source, int skus, int channels, string version);

    [LoggerMessage(1609, LogLevel.Warning, "Stock event {EventId} ({Type}) refused: {Reason}")]
    public static partial void EventRefused(ILogger logger, string eventId, string type, string reason);

    [LoggerMessage(1610, LogLevel.Information, "Stock event {EventId} ({Type}) accepted: {Skus} SKUs to sync, duplicate {Duplicate}")]
    public static partial void EventAccepted(ILogger logger, string eventId, string type, int skus, bool duplicate);

    [LoggerMessage(1612, LogLevel.Warning, "A channel named {Channel} has listings but no adapter is registered for it; its listings are ignored")]
    public static partial void ListingsWithoutAdapter(ILogger logger, string channel);

    [LoggerMessage(1613, LogLevel.Error, "The listings in {Source} could not be read again; the last good listings stay in use")]
    public static partial void ListingsReloadFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(1614, LogLevel.Information, "Orchestrator started for warehouse {WarehouseId}: jobs {Jobs}")]
    public static partial void HostStarted(ILogger logger, string warehouseId, string jobs);
}
