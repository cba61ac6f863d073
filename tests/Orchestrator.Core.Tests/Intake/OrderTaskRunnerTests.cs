using System.Collections.Concurrent;
using Orchestrator.Intake;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Tests.Intake;

/// <summary>Drives the task runner against a real SQLite order buffer.</summary>
public sealed class OrderTaskRunnerTests : SqliteStorageTest
{
    private async Task AddTasksAsync(params (string Id, FlowType Flow)[] orders)
    {
        var at = Time.GetUtcNow();
        await Storage.OrderBuffer.InsertAsync(orders.Select(o => new SourceOrder("shop", o.Id, at, at, "PAID", "WH1", [new OrderLine("SKU-1", 1)])).ToList(), at, CancellationToken.None);
        await Storage.OrderBuffer.CreateTasksAsync("shop", orders.Select(o => new OrderTaskRequest(o.Id, o.Flow)).ToList(), CancellationToken.None);
    }

    private OrderTaskRunner Runner(Handler a, Handler b, int maxAttempts = 3) =>
        new(Storage.OrderBuffer, [a, b], new OrderTaskOptions { MaxAttempts = maxAttempts, RetryBaseDelay = TimeSpan.FromSeconds(30) }, Time);

    private Task<BufferedOrder?> Get(string id) => Storage.OrderBuffer.GetAsync("shop", id, CancellationToken.None);

    [Fact]
    public async Task RunOnceAsync_NewTasks_CompletedByTheirFlowHandler()
    {
        await AddTasksAsync(("A1", FlowType.A), ("B1", FlowType.B), ("A2", FlowType.A));
        var a = new Handler(FlowType.A);
        var b = new Handler(FlowType.B);

        var result = await Runner(a, b).RunOnceAsync(CancellationToken.None);

        Assert.Equal(new OrderTaskRunResult(3, 0, 0), result);
        Assert.Equal(["A1", "A2"], a.Handled.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["B1"], b.Handled.Keys);
        Assert.Equal(OrderStatus.Completed, (await Get("A1"))!.Status);
    }

    [Fact]
    public async Task RunOnceAsync_HandlerKeepsFailing_RetriedWithBackoffThenHeldForAPerson()
    {
        await AddTasksAsync(("A1", FlowType.A));
        var a = new Handler(FlowType.A) { FailuresLeft = 10 };
        var runner = Runner(a, new Handler(FlowType.B));
        var t0 = Time.GetUtcNow();

        await runner.RunOnceAsync(CancellationToken.None);
        var afterFirst = await Get("A1");
        await runner.RunOnceAsync(CancellationToken.None); // not due yet
        Time.Advance(TimeSpan.FromSeconds(30));
        await runner.RunOnceAsync(CancellationToken.None);
        var afterSecond = await Get("A1");
        Time.Advance(TimeSpan.FromSeconds(60));
        await runner.RunOnceAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(1));
        await runner.RunOnceAsync(CancellationToken.None);
        var held = await Get("A1");

        Assert.Equal((OrderStatus.Failed, 1, (DateTimeOffset?)t0.AddSeconds(30)), (afterFirst!.Status, afterFirst.Attempts, afterFirst.NextAttemptAt));
        Assert.Equal((2, (DateTimeOffset?)t0.AddSeconds(30 + 60)), (afterSecond!.Attempts, afterSecond.NextAttemptAt)); // 30 s, then twice as long
        Assert.Equal((OrderStatus.Failed, 3, (DateTimeOffset?)null), (held!.Status, held.Attempts, held.NextAttemptAt));
        Assert.Contains("boom 3", held.LastError, StringComparison.Ordinal);
        Assert.Equal(3, a.Calls);
    }

    [Fact]
    public async Task RetryAsync_HeldOrder_RunsAgainAndCompletes()
    {
        await AddTasksAsync(("A1", FlowType.A));
        var a = new Handler(FlowType.A) { FailuresLeft = 1 };
        var runner = Runner(a, new Handler(FlowType.B), maxAttempts: 1);
        await runner.RunOnceAsync(CancellationToken.None);
        Assert.Null((await Get("A1"))!.NextAttemptAt);

        Assert.True(await runner.RetryAsync("shop", "A1", CancellationToken.None));
        await runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(OrderStatus.Completed, (await Get("A1"))!.Status);
    }

    [Fact]
    public async Task CancelAsync_NewOrder_HeldWithReasonAndNeverRun()
    {
        await AddTasksAsync(("A1", FlowType.A));
        var a = new Handler(FlowType.A);
        var runner = Runner(a, new Handler(FlowType.B));

        Assert.True(await runner.CancelAsync("shop", "A1", "kim", "customer called", CancellationToken.None));
        Time.Advance(TimeSpan.FromDays(1));
        await runner.RunOnceAsync(CancellationToken.None);

        var order = await Get("A1");
        Assert.Equal((OrderStatus.Failed, "cancelled by kim: customer called"), (order!.Status, order.LastError));
        Assert.Equal(0, a.Calls);
    }

    [Fact]
    public async Task RunOnceAsync_TaskLeftInProgressByACrash_RetriedAfterTheTimeout()
    {
        await AddTasksAsync(("A1", FlowType.A));
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("shop", "A1", OrderStatus.New, OrderStatus.InProgress, Time.GetUtcNow()), CancellationToken.None);
        var a = new Handler(FlowType.A);
        var runner = Runner(a, new Handler(FlowType.B));

        var early = await runner.RunOnceAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(11));
        var recovered = await runner.RunOnceAsync(CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(30));
        var retried = await runner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(new OrderTaskRunResult(0, 0, 0), early);
        Assert.Equal(1, recovered.Recovered);
        Assert.Equal(1, retried.Completed);
        Assert.Equal(OrderStatus.Completed, (await Get("A1"))!.Status);
    }

    [Fact]
    public async Task RunOnceAsync_TwoRunnersRace_EachTaskHandledOnce()
    {
        await AddTasksAsync(Enumerable.Range(0, 60).Select(i => ($"O{i}", i % 2 == 0 ? FlowType.A : FlowType.B)).ToArray());
        var a = new Handler(FlowType.A);
        var b = new Handler(FlowType.B);

        await Task.WhenAll(Runner(a, b).RunOnceAsync(CancellationToken.None), Runner(a, b).RunOnceAsync(CancellationToken.None));

        Assert.Equal(60, a.Handled.Count + b.Handled.Count);
        Assert.All(a.Handled.Values.Concat(b.Handled.Values), calls => Assert.Equal(1, calls));
        Assert.Equal(60, (await Storage.OrderBuffer.CountByStatusAsync("shop", CancellationToken.None))[OrderStatus.Completed]);
    }

    [Fact]
    public void Ctor_TwoHandlersForOneFlow_Throws()
    {
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Runner(new Handler(FlowType.A), new Handler(FlowType.A)));
    }

    private sealed class Handler(FlowType flow) : IOrderFlowHandler
    {
        public FlowType Flow { get; } = flow;

        public ConcurrentDictionary<string, int> Handled { get; } = new();

        public int FailuresLeft { get; set; }

        public int Calls;

        public Task HandleAsync(BufferedOrder order, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref Calls);
            if (FailuresLeft-- > 0)
            {
                throw new InvalidOperationException($"boom {call}");
            }

            Handled.AddOrUpdate(order.Order.OrderId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }
}
