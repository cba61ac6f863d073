using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orchestrator.Storage;

namespace Orchestrator.Hosting.Internal;

/// <summary>
/// Runs one job's work under its job lock: takes the lease (or skips when another holder has it), renews it every third of its
/// duration while the work runs (losing it cancels the work), and releases it afterwards whatever happened.
/// </summary>
internal sealed class JobRunner(IJobLockStore locks, OrchestratorHostingOptions options, TimeProvider clock, OrchestratorJobMonitor monitor, ILogger logger)
{
    /// <summary>Runs the work once.</summary>
    /// <param name="job">The job name.</param>
    /// <param name="lockName">The lock name.</param>
    /// <param name="work">The work; returns a detail for the log, or throws / returns a failure.</param>
    /// <param name="stopping">Signals the host is stopping: the work gets the grace period, then is cancelled.</param>
    /// <returns>How it ended.</returns>
    public async Task<OrchestratorRunOutcome> RunAsync(string job, string lockName, Func<JobLease, CancellationToken, Task<WorkResult>> work, CancellationToken stopping)
    {
        JobLease? lease;
        try
        {
            lease = await locks.TryAcquireAsync(lockName, options.InstanceName, options.LeaseDuration, clock.GetUtcNow(), stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            Log.LockFailed(logger, ex, job);
            Record(job, OrchestratorRunOutcome.Failed, ex.Message, started: null);
            return OrchestratorRunOutcome.Failed;
        }

        if (lease is null)
        {
            Log.LockBusy(logger, job, lockName);
            Record(job, OrchestratorRunOutcome.Skipped, null, started: null);
            return OrchestratorRunOutcome.Skipped;
        }

        var startedAt = clock.GetUtcNow();
        var timestamp = Stopwatch.GetTimestamp();
        monitor.Update(job, s => s with { State = OrchestratorJobState.Running, LastStartedAt = startedAt, NextRunAt = null });
        using var runCts = new CancellationTokenSource();
        using var renewCts = new CancellationTokenSource();
        var leaseLost = false;
        var holder = new LeaseHolder(lease);
        await using var onStop = stopping.Register(() =>
        {
            Log.Stopping(logger, job, options.ShutdownGracePeriod.TotalSeconds);
            try
            {
                runCts.CancelAfter(options.ShutdownGracePeriod);
            }
            catch (ObjectDisposedException)
            {
            }
        }).ConfigureAwait(false);
        var renewal = RenewLoopAsync(holder, () =>
        {
            leaseLost = true;
            Log.LeaseLost(logger, job, lockName);
            runCts.Cancel();
        }, renewCts.Token);
        OrchestratorRunOutcome outcome;
        string? error = null;
        try
        {
            var result = await work(lease, runCts.Token).ConfigureAwait(false);
            outcome = result.Outcome;
            error = result.Error;
            Log.RunFinished(logger, job, outcome, Stopwatch.GetElapsedTime(timestamp).TotalSeconds, result.Detail is null ? string.Empty : ": " + result.Detail);
        }
        catch (OperationCanceledException) when (runCts.IsCancellationRequested)
        {
            outcome = OrchestratorRunOutcome.Cancelled;
            error = leaseLost ? "the lease was lost" : "the host stopped";
            Log.RunFinished(logger, job, outcome, Stopwatch.GetElapsedTime(timestamp).TotalSeconds, ": " + error);
        }
        catch (Exception ex)
        {
            outcome = OrchestratorRunOutcome.Failed;
            error = $"{ex.GetType().Name}: {ex.Message}";
            Log.RunFailed(logger, ex, job);
        }
        finally
        {
            await renewCts.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(false);
            try
            {
                await locks.ReleaseAsync(holder.Lease, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The lease expires on its own; the next holder takes over then.
                Log.LockFailed(logger, ex, job);
            }
        }

        Record(job, outcome, error, startedAt);
        return outcome;
    }

    private void Record(string job, OrchestratorRunOutcome outcome, string? error, DateTimeOffset? started) => monitor.Update(job, s => s with
    {
        State = OrchestratorJobState.Waiting,
        LastOutcome = outcome is OrchestratorRunOutcome.Skipped ? s.LastOutcome : outcome,
        LastError = outcome is OrchestratorRunOutcome.Succeeded ? null : error,
        LastSucceededAt = outcome is OrchestratorRunOutcome.Succeeded ? started : s.LastSucceededAt,
        Runs = started is null || outcome is OrchestratorRunOutcome.Skipped ? s.Runs : s.Runs + 1,
        Failures = outcome is OrchestratorRunOutcome.Failed ? s.Failures + 1 : s.Failures,
        Skips = outcome is OrchestratorRunOutcome.Skipped ? s.Skips + 1 : s.Skips,
    });

    private async Task RenewLoopAsync(LeaseHolder holder, Action lost, CancellationToken cancellationToken)
    {
        var every = options.LeaseDuration / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, cancellationToken).ConfigureAwait(false);
                var renewed = await locks.RenewAsync(holder.Lease, options.LeaseDuration, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (renewed is null)
                {
                    lost();
                    return;
                }

                holder.Lease = renewed;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A store hiccup: keep the lease we have and try again; it is lost only when the store says so.
                Log.LockFailed(logger, ex, holder.Lease.Name);
            }
        }
    }

    private sealed class LeaseHolder(JobLease lease)
    {
        public JobLease Lease { get; set; } = lease;
    }
}

/// <summary>What one run of a job did.</summary>
/// <param name="Outcome">Succeeded, failed or skipped.</param>
/// <param name="Detail">A summary for the log.</param>
/// <param name="Error">Why it failed.</param>
internal sealed record WorkResult(OrchestratorRunOutcome Outcome, string? Detail = null, string? Error = null)
{
    public static WorkResult Success(string? detail = null) => new(OrchestratorRunOutcome.Succeeded, detail);

    public static WorkResult Failure(string error) => new(OrchestratorRunOutcome.Failed, error, error);
}
