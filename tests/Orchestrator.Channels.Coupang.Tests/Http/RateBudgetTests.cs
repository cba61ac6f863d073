using Orchestrator.Internal.Http;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Coupang.Tests.Http;

public sealed class RateBudgetTests
{
    [Fact]
    public async Task AcquireAsync_WithinBurst_GrantsAtOnce()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 2, 3, time);

        for (var i = 0; i < 3; i++)
        {
            using var lease = await budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None);
            Assert.True(lease.IsAcquired);
        }

        Assert.Equal(0, budget.QueuedCount);
    }

    [Fact]
    public async Task AcquireAsync_BurstExhausted_WaitsForRefillAtTheConfiguredRate()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 2, 1, time);
        (await budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None)).Dispose();

        var second = budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        using var lease = await second;
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_ManyWaiters_NeverGrantsMoreThanRateAllows()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 10, 5, time);
        var tasks = Enumerable.Range(0, 100).Select(_ => budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None).AsTask()).ToList();

        // Burst of 5 at once, then 10/s: after 3 s at most 5 + 30 may have been granted.
        for (var i = 0; i < 30; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await Task.Yield();
        var granted = tasks.Count(t => t.IsCompletedSuccessfully);
        Assert.InRange(granted, 34, 35);
        Assert.Equal(100 - granted, budget.QueuedCount);
    }

    [Fact]
    public async Task AcquireAsync_CriticalWaiter_IsServedBeforeEarlierBulkWaiters()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 1, 1, time);
        (await budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None)).Dispose();
        var bulk = budget.AcquireAsync(RequestPriority.Bulk, CancellationToken.None).AsTask();
        var critical = budget.AcquireAsync(RequestPriority.Critical, CancellationToken.None).AsTask();

        time.Advance(TimeSpan.FromSeconds(1));
        await critical;

        Assert.False(bulk.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await bulk;
    }

    [Fact]
    public async Task PauseFor_After429_GrantsNothingUntilThePauseEnds()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 10, 10, time);
        budget.PauseFor(TimeSpan.FromSeconds(5));

        var waiting = budget.AcquireAsync(RequestPriority.Critical, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        using var lease = await waiting;
        Assert.True(lease.IsAcquired);
    }

    [Fact]
    public void ObserveServerBudget_HigherRateThanCeiling_KeepsTheCeiling()
    {
        using var budget = new RateBudget("v1", 2, 40, new ManualTimeProvider());

        budget.ObserveServerBudget(remaining: 40, replenishPerSecond: 50, burst: 400);

        Assert.Equal(2, budget.PermitsPerSecond);
        Assert.Equal(40, budget.BurstCapacity);
    }

    [Fact]
    public void ObserveServerBudget_LowerRate_SlowsDown()
    {
        using var budget = new RateBudget("v1", 10, 10, new ManualTimeProvider());

        budget.ObserveServerBudget(remaining: 0, replenishPerSecond: 2, burst: 4);

        Assert.Equal(2, budget.PermitsPerSecond);
        Assert.Equal(4, budget.BurstCapacity);
        Assert.Equal(0, budget.GetStatistics()!.CurrentAvailablePermits);
    }

    [Fact]
    public void EstimatedDrainTime_QueuedRequests_IsQueueOverRate()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 2, 1, time);
        budget.ObserveServerBudget(remaining: 0);
        for (var i = 0; i < 10; i++)
        {
            _ = budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None).AsTask();
        }

        Assert.Equal(TimeSpan.FromSeconds(5), budget.EstimatedDrainTime);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_LeavesTheQueue()
    {
        var time = new ManualTimeProvider();
        using var budget = new RateBudget("v1", 1, 1, time);
        (await budget.AcquireAsync(RequestPriority.Normal, CancellationToken.None)).Dispose();
        using var cts = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(RequestPriority.Normal, cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, budget.QueuedCount);
    }
}
