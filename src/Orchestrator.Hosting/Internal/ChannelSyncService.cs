using System.Globalization;
using Orchestrator.Storage;
using Orchestrator.Sync;

namespace Orchestrator.Hosting.Internal;

/// <summary>
/// WF-INV-001 on its cron schedule and on triggers (full or SKU-subset runs), and between two ticks every
/// <see cref="OrchestratorHostingOptions.IncrementalChannelSync"/> interval the incremental run; all in one loop under one lock.
/// </summary>
internal sealed class ChannelSyncService(OrchestratorRuntime runtime, Workflows workflows)
    : JobService(runtime, JobNames.ChannelSync, $"{JobNames.ChannelSync}:{runtime.Options.WarehouseId}")
{
    private readonly CronSchedule _schedule = CronSchedule.Parse(runtime.Options.ChannelSync.Cron, runtime.Options.ChannelSync.TimeZone);

    protected override RequestQueue? Requests => Runtime.ChannelSyncRequests;

    protected override DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last) => _schedule.GetNextOccurrence(now);

    protected override TimeSpan? Period(DateTimeOffset now) => JobNames.PeriodOf(_schedule, now);

    protected override TimeSpan? BetweenTicks =>
        Runtime.Options.IncrementalChannelSync.Enabled ? Runtime.Options.IncrementalChannelSync.Interval : null;

    protected override Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
        => workflows.WithChannelWritesAsync(() => RunAsync(request, lease, cancellationToken), cancellationToken);

    private async Task<WorkResult> RunAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
    {
        var workflow = await workflows.ChannelSyncAsync(cancellationToken).ConfigureAwait(false);
        if (request.Incremental)
        {
            var incremental = await workflows.IncrementalChannelSync(workflow).RunAsync(request.Trigger, lease, cancellationToken).ConfigureAwait(false);
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"incremental {incremental.Mode}: {incremental.Reason}; WES versions {incremental.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}..{incremental.ToVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {incremental.Run?.Pushed ?? 0} pushed, watermark {(incremental.WatermarkAdvanced ? "advanced" : "kept")}");
            return incremental.Succeeded ? WorkResult.Success(summary) : new WorkResult(OrchestratorRunOutcome.Failed, summary, incremental.Error ?? incremental.Reason);
        }

        ChannelSyncResult result;
        if (request.SkuCodes is null)
        {
            // A full run also moves the incremental job's watermark to the WES version its read started from.
            result = (await workflows.IncrementalChannelSync(workflow).RunFullAsync(request.Trigger, "full run", lease, cancellationToken).ConfigureAwait(false)).Run!;
        }
        else
        {
            result = await workflow.RunAsync(request.Trigger, request.SkuCodes, cancellationToken).ConfigureAwait(false);
        }

        var detail = string.Create(CultureInfo.InvariantCulture, $"run {result.RunId} {result.State}, {result.Mismatches?.Mismatches.Count ?? 0} differed, {result.Pushed} pushed, {result.Queued} queued");
        return result.State == SyncRunState.Completed ? WorkResult.Success(detail) : new WorkResult(OrchestratorRunOutcome.Failed, detail, result.Error);
    }
}

/// <summary>
/// Inventory ↔ WES reconciliation on its cron schedule and on triggers (each full run also resyncs counted reconciliation tasks), and between
/// two ticks every <see cref="OrchestratorHostingOptions.IncrementalReconciliation"/> interval the incremental comparison of the SKUs the WES changed.
/// </summary>
internal sealed class ReconciliationService(OrchestratorRuntime runtime, Workflows workflows)
    : JobService(runtime, JobNames.Reconciliation, $"{JobNames.Reconciliation}:{runtime.Options.WarehouseId}")
{
    private readonly CronSchedule _schedule = CronSchedule.Parse(runtime.Options.Reconciliation.Cron, runtime.Options.Reconciliation.TimeZone);

    protected override RequestQueue? Requests => Runtime.ReconciliationRequests;

    protected override DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last) => _schedule.GetNextOccurrence(now);

    protected override TimeSpan? Period(DateTimeOffset now) => JobNames.PeriodOf(_schedule, now);

    protected override TimeSpan? BetweenTicks =>
        Runtime.Options.IncrementalReconciliation.Enabled ? Runtime.Options.IncrementalReconciliation.Interval : null;

    protected override async Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
    {
        var workflow = workflows.Reconciliation();
        if (request.Incremental)
        {
            var incremental = await workflow.RunIncrementalAsync(request.Trigger, Runtime.Watermarks, lease, cancellationToken).ConfigureAwait(false);
            var summary = string.Create(
                CultureInfo.InvariantCulture,
                $"incremental {incremental.Mode}: {incremental.Reason}; WES versions {incremental.FromVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}..{incremental.ToVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {incremental.Run?.Discrepancies.Count ?? 0} discrepancies, watermark {(incremental.WatermarkAdvanced ? "advanced" : "kept")}");
            return incremental.Succeeded ? WorkResult.Success(summary) : new WorkResult(OrchestratorRunOutcome.Failed, summary, incremental.Error ?? incremental.Reason);
        }

        var result = await workflow.RunAsync(request.Trigger, cancellationToken).ConfigureAwait(false);
        var resynced = await workflow.ResyncCountedTasksAsync(cancellationToken).ConfigureAwait(false);
        var detail = string.Create(CultureInfo.InvariantCulture, $"run {result.RunId} {result.State}, {result.Discrepancies.Count} discrepancies, {result.Resolved} resolved, full sync scheduled {result.FullSyncScheduled}, {resynced.Count(r => r.Resynced)} counted tasks resynced");
        return result.State == SyncRunState.Completed ? WorkResult.Success(detail) : new WorkResult(OrchestratorRunOutcome.Failed, detail, result.Error);
    }
}

/// <summary>The pending-sync worker: every interval, sends due items until a pass claims less than a batch.</summary>
internal sealed class PendingSyncService(OrchestratorRuntime runtime, Workflows workflows)
    : JobService(runtime, JobNames.PendingSync, $"{JobNames.PendingSync}:{runtime.Options.PendingSyncWorker.Target ?? "*"}")
{
    protected override bool OncePerTick => false;

    protected override DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last) =>
        now + (last is OrchestratorRunOutcome.Failed ? Max(Runtime.Options.ErrorBackoff, Runtime.Options.PendingSyncInterval) : Runtime.Options.PendingSyncInterval);

    protected override TimeSpan? Period(DateTimeOffset now) => Runtime.Options.PendingSyncInterval;

    protected override Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
        => workflows.WithChannelWritesAsync(() => DrainAsync(cancellationToken), cancellationToken);

    private async Task<WorkResult> DrainAsync(CancellationToken cancellationToken)
    {
        var worker = workflows.PendingSyncWorker();
        int claimed = 0, delivered = 0, deadLettered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pass = await worker.RunOnceAsync(cancellationToken).ConfigureAwait(false);
            claimed += pass.Claimed;
            delivered += pass.Delivered;
            deadLettered += pass.DeadLettered;
            if (pass.Claimed < Runtime.Options.PendingSyncWorker.BatchSize || pass.Delivered + pass.Superseded == 0)
            {
                break;
            }
        }

        return WorkResult.Success(string.Create(CultureInfo.InvariantCulture, $"{claimed} claimed, {delivered} delivered, {deadLettered} dead-lettered"));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The order tasks: every interval, carries out the buffered orders' tasks through the host's <see cref="Orchestrator.Intake.IOrderFlowHandler"/>s (NEW → IN_PROGRESS → COMPLETED or FAILED, retries with backoff, interrupted tasks recovered).</summary>
internal sealed class OrderTaskService(OrchestratorRuntime runtime, Orchestrator.Intake.OrderTaskRunner runner)
    : JobService(runtime, JobNames.OrderTasks, JobNames.OrderTasks)
{
    protected override bool OncePerTick => false;

    protected override DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last) =>
        now + (last is OrchestratorRunOutcome.Failed ? Max(Runtime.Options.ErrorBackoff, Runtime.Options.OrderTaskInterval) : Runtime.Options.OrderTaskInterval);

    protected override TimeSpan? Period(DateTimeOffset now) => Runtime.Options.OrderTaskInterval;

    protected override async Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
    {
        int completed = 0, failed = 0, recovered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var pass = await runner.RunOnceAsync(cancellationToken).ConfigureAwait(false);
            completed += pass.Completed;
            failed += pass.Failed;
            recovered += pass.Recovered;
            if (pass.Completed + pass.Failed + pass.Recovered < Runtime.Options.OrderTasks.BatchSize)
            {
                break; // less than a batch: nothing more is waiting now
            }
        }

        return WorkResult.Success(string.Create(CultureInfo.InvariantCulture, $"{completed} completed, {failed} failed, {recovered} recovered"));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>The hosted job names.</summary>
internal static class JobNames
{
    public const string ChannelSync = "channel-sync";
    public const string Reconciliation = "reconciliation";
    public const string PendingSync = "pending-sync";
    public const string IntakePrefix = "intake:";
    public const string OrderTasks = "order-tasks";

    public static TimeSpan PeriodOf(CronSchedule schedule, DateTimeOffset now)
    {
        var next = schedule.GetNextOccurrence(now);
        return schedule.GetNextOccurrence(next) - next;
    }
}
