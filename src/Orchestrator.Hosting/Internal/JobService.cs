using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Storage;

namespace Orchestrator.Hosting.Internal;

/// <summary>
/// A hosted job: waits for its next scheduled time or a trigger, then runs once under its job lock; a failing run is logged and the
/// job goes on; when the host stops it takes no new run and gives the current one the grace period.
/// </summary>
internal abstract class JobService(OrchestratorRuntime runtime, string job, string lockName) : BackgroundService
{
    private const string ScheduleSource = "orchestrator-schedule";

    /// <summary>The longest single wait: a timer cannot wait much longer than 49 days, so a far schedule is waited for in steps.</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Returned by a wait step that ended before the due time.</summary>
    private static readonly RunRequest NotDue = new("not-due", null);

    /// <summary>Returned by a wait that ended for the run between ticks.</summary>
    private static readonly RunRequest Incremental = new("incremental", null, null, Incremental: true);

    protected OrchestratorRuntime Runtime { get; } = runtime;

    protected string Job { get; } = job;

    protected ILogger Logger => Runtime.Logger;

    /// <summary>Gets the trigger queue, or null when only the schedule runs the job.</summary>
    protected virtual RequestQueue? Requests => null;

    /// <summary>The next scheduled run after <paramref name="now"/>, or null for none.</summary>
    protected abstract DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last);

    /// <summary>Whether a scheduled tick is run once across instances (recorded in the watermark store), rather than by every instance that gets the lock.</summary>
    protected virtual bool OncePerTick => true;

    /// <summary>
    /// Gets the interval of a lighter run between two scheduled ticks (the incremental channel sync), or null for none. It runs in
    /// this job's loop under this job's lock, so it never overlaps a scheduled run of this host; a tick due when it wakes wins.
    /// </summary>
    protected virtual TimeSpan? BetweenTicks => null;

    /// <summary>The gap between two scheduled runs, for health.</summary>
    protected abstract TimeSpan? Period(DateTimeOffset now);

    protected abstract Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = Runtime.Clock;
        try
        {
            await Runtime.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var runner = new JobRunner(Runtime.Locks, Runtime.Options, clock, Runtime.Monitor, Logger);
        OrchestratorRunOutcome? last = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var due = NextRun(now, last);
            var wake = due;
            if (BetweenTicks is { } every)
            {
                var between = now + (last is OrchestratorRunOutcome.Failed && Runtime.Options.ErrorBackoff > every ? Runtime.Options.ErrorBackoff : every);
                wake = due is null || between < due ? between : due;
            }

            Runtime.Monitor.Update(Job, s => s with { State = OrchestratorJobState.Waiting, NextRunAt = wake, Period = Period(now) });
            var request = await WaitAsync(wake, due, stoppingToken).ConfigureAwait(false);
            if (request is null)
            {
                break;
            }

            if (ReferenceEquals(request, NotDue))
            {
                continue;
            }

            Log.RunStarting(Logger, Job, request.Trigger, request.SkuCodes is null ? string.Empty : $", {request.SkuCodes.Count} SKUs");
            var outcome = await runner.RunAsync(Job, lockName, (lease, ct) => RunTickAsync(request, lease, ct), stoppingToken).ConfigureAwait(false);
            if (outcome == OrchestratorRunOutcome.Skipped && request.Tick is null && !request.Incremental && Requests is { } requests)
            {
                // Another instance holds the lock: a requested run is not dropped but asked again after a pause.
                requests.Add(request.Trigger, request.SkuCodes);
                try
                {
                    await Task.Delay(Runtime.Options.LockRetryDelay, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            last = outcome == OrchestratorRunOutcome.Skipped ? last : outcome;
        }

        Runtime.Monitor.Update(Job, s => s with { State = OrchestratorJobState.Stopped, NextRunAt = null });
    }

    private async Task<WorkResult> RunTickAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
    {
        if (request.Tick is { } tick && OncePerTick)
        {
            var done = await Runtime.Watermarks.GetAsync(ScheduleSource, lockName, cancellationToken).ConfigureAwait(false);
            if (done >= tick)
            {
                Log.TickAlreadyRun(Logger, Job, tick);
                return new WorkResult(OrchestratorRunOutcome.Skipped, "tick already run");
            }

            // Recorded before the run: a run that fails or is cancelled is not repeated for the same tick by another instance; the next tick runs.
            await Runtime.Watermarks.AdvanceAsync(ScheduleSource, lockName, tick, lease, cancellationToken).ConfigureAwait(false);
        }

        return await RunOnceAsync(request, lease, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until <paramref name="wake"/> (the scheduled tick <paramref name="due"/> or a run between ticks) or a trigger; returns null when the host stops.</summary>
    private async Task<RunRequest?> WaitAsync(DateTimeOffset? wake, DateTimeOffset? due, CancellationToken stoppingToken)
    {
        var clock = Runtime.Clock;
        using var waitCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = wake is { } d ? Max(d - clock.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan;
        var stepped = delay > MaxWait;
        delay = stepped ? MaxWait : delay;
        var timer = Task.Delay(delay, clock, waitCts.Token);
        var signal = Requests?.WaitAsync() ?? Task.Delay(Timeout.Infinite, waitCts.Token);
        var first = await Task.WhenAny(timer, signal).ConfigureAwait(false);
        await waitCts.CancelAsync().ConfigureAwait(false);
        // Observe the cancelled delay (a request signal never faults and needs no waiting).
        await timer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            return null;
        }

        if (first == signal && Requests is { } requests)
        {
            if (Runtime.Options.EventCoalescingDelay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(Runtime.Options.EventCoalescingDelay, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }

            return requests.Take();
        }

        if (stepped)
        {
            return NotDue;
        }

        if (due is null || clock.GetUtcNow() < due)
        {
            // Woken for the run between ticks; queued requests stay queued for their own run.
            return Incremental;
        }

        // The scheduled run covers whatever was queued meanwhile.
        var queued = Requests?.Take();
        return new RunRequest(queued is null ? "schedule" : "schedule+" + queued.Trigger, null, due);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
