namespace Orchestrator.Hosting;

/// <summary>What the host's jobs are doing: for dashboards, health checks and tests.</summary>
/// <remarks>Registered as a singleton by <c>AddOrchestrator</c>. Each instance of a host has its own; the sync-run store holds the shared history.</remarks>
public sealed class OrchestratorJobMonitor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, OrchestratorJobStatus> _jobs = new(StringComparer.Ordinal);

    /// <summary>Gets a snapshot of every job's status, by job name.</summary>
    /// <returns>The statuses.</returns>
    public IReadOnlyList<OrchestratorJobStatus> GetJobs()
    {
        lock (_lock)
        {
            return [.. _jobs.Values.OrderBy(j => j.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Gets one job's status.</summary>
    /// <param name="name">The job name, for example <c>channel-sync</c>.</param>
    /// <returns>The status, or <see langword="null"/> when no such job runs in this host.</returns>
    public OrchestratorJobStatus? Get(string name)
    {
        lock (_lock)
        {
            return _jobs.GetValueOrDefault(name);
        }
    }

    internal void Update(string name, Func<OrchestratorJobStatus, OrchestratorJobStatus> change)
    {
        lock (_lock)
        {
            var current = _jobs.GetValueOrDefault(name) ?? new OrchestratorJobStatus(name, OrchestratorJobState.Starting, null, null, null, null, null, null, 0, 0, 0);
            _jobs[name] = change(current);
        }
    }
}

/// <summary>Names what a hosted job is doing.</summary>
public enum OrchestratorJobState
{
    /// <summary>Waiting for the host to start (stores being opened).</summary>
    Starting,

    /// <summary>Waiting for its next run (see <see cref="OrchestratorJobStatus.NextRunAt"/>) or a trigger.</summary>
    Waiting,

    /// <summary>Running under its job lock.</summary>
    Running,

    /// <summary>Stopped with the host.</summary>
    Stopped,
}

/// <summary>Names how a run ended.</summary>
public enum OrchestratorRunOutcome
{
    /// <summary>It ran and succeeded.</summary>
    Succeeded,

    /// <summary>It ran and failed (logged); the job goes on.</summary>
    Failed,

    /// <summary>Another instance held the job lock, or already ran this schedule tick: nothing was done here.</summary>
    Skipped,

    /// <summary>It was cancelled by the host stopping or by losing its lease.</summary>
    Cancelled,
}

/// <summary>One hosted job's status in this host.</summary>
/// <param name="Name">The job name: <c>channel-sync</c>, <c>reconciliation</c>, <c>pending-sync</c>, <c>intake:{source}</c>.</param>
/// <param name="State">What it is doing.</param>
/// <param name="NextRunAt">When it runs next on its own, while waiting.</param>
/// <param name="Period">The interval between two scheduled runs (for a cron schedule, the gap between its next two occurrences).</param>
/// <param name="LastStartedAt">When the last run here started.</param>
/// <param name="LastSucceededAt">When a run last succeeded here.</param>
/// <param name="LastOutcome">How the last run ended.</param>
/// <param name="LastError">Why the last failed run failed.</param>
/// <param name="Runs">Runs done here (not skipped).</param>
/// <param name="Failures">Failed runs here.</param>
/// <param name="Skips">Runs skipped here because another instance held the lock or had run the schedule tick.</param>
public sealed record OrchestratorJobStatus(
    string Name,
    OrchestratorJobState State,
    DateTimeOffset? NextRunAt,
    TimeSpan? Period,
    DateTimeOffset? LastStartedAt,
    DateTimeOffset? LastSucceededAt,
    OrchestratorRunOutcome? LastOutcome,
    string? LastError,
    long Runs,
    long Failures,
    long Skips);
