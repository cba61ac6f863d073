using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Hosting.Internal;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;

namespace Orchestrator.Hosting;

/// <summary>The health checks <c>AddOrchestrator</c> registers (tag <c>orchestrator</c>).</summary>
public static class OrchestratorHealthChecks
{
    /// <summary>The tag on every orchestrator health check.</summary>
    public const string Tag = "orchestrator";

    /// <summary>The store check: the store answers a read.</summary>
    public const string Store = "orchestrator-store";

    /// <summary>The jobs check: each scheduled workflow succeeded within <see cref="OrchestratorHostingOptions.HealthStaleAfterPeriods"/> periods.</summary>
    public const string Jobs = "orchestrator-jobs";

    /// <summary>The pending-sync check: degraded while dead-lettered items wait for a person.</summary>
    public const string PendingSync = "orchestrator-pending-sync";
}

/// <summary>Unhealthy when the store does not answer.</summary>
internal sealed class StoreHealthCheck(OrchestratorRuntime runtime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var runs = runtime.Require<ISyncRunStore>();
            await runs.GetRecentAsync(1, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The store does not answer: {ex.GetType().Name}: {ex.Message}");
        }
    }
}

/// <summary>Unhealthy when a scheduled workflow has not succeeded (in any instance, per the sync-run history) for too many periods.</summary>
internal sealed class JobsHealthCheck(OrchestratorRuntime runtime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = runtime.Clock.GetUtcNow();
        var factor = runtime.Options.HealthStaleAfterPeriods;
        var problems = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        IReadOnlyList<SyncRun> recent;
        try
        {
            recent = await runtime.Require<ISyncRunStore>().GetRecentAsync(500, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The run history cannot be read: {ex.GetType().Name}: {ex.Message}");
        }

        foreach (var job in runtime.Monitor.GetJobs())
        {
            if (job.Period is not { } period)
            {
                continue;
            }

            var workflow = job.Name switch
            {
                JobNames.ChannelSync => runtime.Options.ChannelSyncWorkflow.Workflow,
                JobNames.Reconciliation => WesReconciliationWorkflow.WorkflowId,
                _ => null,
            };
            var lastSuccess = workflow is null
                ? job.LastSucceededAt
                : recent.Where(r => r.Workflow == workflow && r.State == SyncRunState.Completed).Select(r => (DateTimeOffset?)(r.CompletedAt ?? r.UpdatedAt)).FirstOrDefault();
            var reference = lastSuccess ?? runtime.StartedAt ?? now;
            var limit = period * factor;
            data[job.Name] = lastSuccess?.ToString("O", CultureInfo.InvariantCulture) ?? "never";
            if (now - reference > limit && (workflow is not null || job.LastOutcome is not OrchestratorRunOutcome.Skipped))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{job.Name}: no successful run for {(now - reference).TotalMinutes:0} min (limit {limit.TotalMinutes:0} min){(job.LastError is null ? string.Empty : "; last error: " + job.LastError)}"));
            }
        }

        return problems.Count == 0
            ? HealthCheckResult.Healthy("Every job ran recently.", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }
}

/// <summary>Degraded while the pending-sync queue holds dead-lettered items.</summary>
internal sealed class PendingSyncHealthCheck(OrchestratorRuntime runtime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var counts = await runtime.Require<IPendingSyncStore>().CountByStateAsync(cancellationToken).ConfigureAwait(false);
            var data = counts.ToDictionary(c => c.Key.ToString(), c => (object)c.Value, StringComparer.Ordinal);
            var dead = counts.GetValueOrDefault(PendingSyncState.DeadLettered);
            return dead > 0
                ? HealthCheckResult.Degraded($"{dead} pending-sync items are dead-lettered and need a person.", data: data)
                : HealthCheckResult.Healthy("No dead-lettered pending-sync items.", data);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The pending-sync queue cannot be read: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
