using System.ComponentModel.DataAnnotations;
using NSubstitute;
using Orchestrator.Intake;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Tests.Intake;

/// <summary>Drives the intake pipeline against a real SQLite store and a scripted order source.</summary>
public sealed class OrderIntakePipelineTests : SqliteStorageTest
{
    private OrderIntakePipeline Pipeline(IOrderSource source, OrderIntakeOptions? options = null, IFlowRouter? router = null, string owner = "host-a") =>
        new(source, Storage.OrderBuffer, Storage.JobLocks, Storage.Watermarks, router ?? new EvenOddRouter(), Configure(options, owner), Time);

    private static OrderIntakeOptions Configure(OrderIntakeOptions? options, string owner)
    {
        options ??= new OrderIntakeOptions { PageSize = 100 };
        options.Owner = owner;
        return options;
    }

    private async Task<Dictionary<OrderStatus, long>> Counts() => new(await Storage.OrderBuffer.CountByStatusAsync("shop", CancellationToken.None));

    [Fact]
    public async Task PollAsync_NewOrders_BufferedOnceMarkedAtSourceAndTasked()
    {
        var source = new ScriptedOrderSource();
        for (var i = 0; i < 250; i++)
        {
            source.Add($"O{i:D4}", Time.GetUtcNow().AddMinutes(-30).AddSeconds(i));
        }

        var result = await Pipeline(source).PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 3, 250, 250, 0, 250, 250), (result.Outcome, result.Pages, result.Fetched, result.Inserted, result.Duplicates, result.Marked, result.TasksCreated));
        Assert.Equal(250, source.Marked.Count);
        Assert.Equal(Time.GetUtcNow(), result.Watermark);
        Assert.Equal(Time.GetUtcNow(), await Storage.Watermarks.GetAsync("shop", "*", CancellationToken.None));
        Assert.Equal(250, (await Counts())[OrderStatus.New]);
        var order = await Storage.OrderBuffer.GetAsync("shop", "O0007", CancellationToken.None);
        Assert.Equal(FlowType.B, order!.Flow);
        Assert.NotNull(order.MarkedAtSourceAt);
        Assert.Empty(await Storage.OrderBuffer.GetWithoutTaskAsync("shop", 10, CancellationToken.None));
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_DuplicateDeliveriesAndOverlappingPolls_TakeEachOrderOnce()
    {
        var source = new ScriptedOrderSource { DuplicateWithinPage = true };
        for (var i = 0; i < 30; i++)
        {
            source.Add($"O{i}", Time.GetUtcNow().AddMinutes(-1).AddSeconds(i));
        }

        var pipeline = Pipeline(source, new OrderIntakeOptions { PageSize = 7, LookBack = TimeSpan.FromHours(1) });
        var first = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));
        source.Add("LATE", Time.GetUtcNow().AddSeconds(-10));
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((30, 30), (first.Inserted, first.Duplicates));
        Assert.Equal((1, 61), (second.Inserted, second.Duplicates)); // the hour of look-back reads everything again
        Assert.Equal(31, (await Counts())[OrderStatus.New]);
        Assert.All(source.MarkCalls.Values, calls => Assert.Equal(1, calls));
    }

    [Fact]
    public async Task PollAsync_TwoPollersRace_OnlyOneHoldsTheLockAndOrdersAreTakenOnce()
    {
        var source = new ScriptedOrderSource { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        for (var i = 0; i < 40; i++)
        {
            source.Add($"O{i}", Time.GetUtcNow().AddMinutes(-2));
        }

        var gate = source.Gate;
        var a = Pipeline(source, owner: "host-a").PollAsync(OrderPartition.All, CancellationToken.None);
        while (Volatile.Read(ref source.Fetches) == 0)
        {
            await Task.Yield();
        }

        var b = await Pipeline(source, owner: "host-b").PollAsync(OrderPartition.All, CancellationToken.None);
        gate.SetResult();
        var resultA = await a;

        Assert.Equal(IntakeOutcome.LockHeld, b.Outcome);
        Assert.Equal((IntakeOutcome.Completed, 40), (resultA.Outcome, resultA.Inserted));
        Assert.Equal(40, (await Counts())[OrderStatus.New]);
    }

    [Fact]
    public async Task PollAsync_CrashBetweenBufferingAndMarking_RepairedOnNextPoll()
    {
        var source = new ScriptedOrderSource { FailMarks = 1 };
        for (var i = 0; i < 5; i++)
        {
            source.Add($"O{i}", Time.GetUtcNow().AddMinutes(-3));
        }

        var pipeline = Pipeline(source);
        var first = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        Assert.Equal((IntakeOutcome.Completed, 5, 0, 5), (first.Outcome, first.Inserted, first.Marked, first.MarkFailed));
        Assert.Equal(5, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None)).Count);

        Time.Advance(TimeSpan.FromMinutes(1));
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((0, 5), (second.Inserted, second.Marked));
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
        Assert.Equal(5, source.Marked.Count);
        Assert.Equal(5, (await Counts())[OrderStatus.New]);
    }

    [Fact]
    public async Task PollAsync_MarkFails_TaskAlreadyCreatedWithTheBufferedRowAndNotCreatedAgain()
    {
        var source = new ScriptedOrderSource { FailMarks = 1 };
        for (var i = 0; i < 5; i++)
        {
            source.Add($"O{i}", Time.GetUtcNow().AddMinutes(-3));
        }

        var pipeline = Pipeline(source);
        var first = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((5, 5, 0), (first.Inserted, first.TasksCreated, first.Marked));
        Assert.Equal((0, 0, 5), (second.Inserted, second.TasksCreated, second.Marked));
        Assert.Empty(await Storage.OrderBuffer.GetWithoutTaskAsync("shop", 10, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_CrashAfterBufferingBeforeMarking_NextPollMarksWithoutTakingOrTaskingAgain()
    {
        // What a process that died right after the buffer write committed leaves behind: orders with their tasks, unmarked.
        var source = new ScriptedOrderSource();
        var orders = Enumerable.Range(0, 3).Select(i => source.Add($"O{i}", Time.GetUtcNow().AddMinutes(-3))).ToList();
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("shop", Time.GetUtcNow()) { Orders = orders.Select(o => new OrderToBuffer(o, FlowType.A)).ToList() }, CancellationToken.None);

        var result = await Pipeline(source).PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 0, 3, 3, 0), (result.Outcome, result.Inserted, result.Duplicates, result.Marked, result.TasksCreated));
        Assert.All(source.MarkCalls.Values, calls => Assert.Equal(1, calls));
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
        foreach (var order in orders)
        {
            Assert.Equal(FlowType.A, (await Storage.OrderBuffer.GetAsync("shop", order.OrderId, CancellationToken.None))!.Flow);
        }
    }

    [Fact]
    public async Task PollAsync_StoppedAfterMarkingBeforeRecordingTheMark_NextPollMarksAgainAndRecords()
    {
        // The marks the source confirmed ride on the next buffer write; a poll stopped before that write loses only the record.
        using var stop = new CancellationTokenSource();
        var inner = new ScriptedOrderSource();
        for (var i = 0; i < 5; i++)
        {
            inner.Add($"O{i}", Time.GetUtcNow().AddMinutes(-3));
        }

        var source = new StopAfterMarkSource(inner, stop);
        var pipeline = Pipeline(source);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.PollAsync(OrderPartition.All, stop.Token));
        Assert.Equal(5, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None)).Count);
        Assert.Null(await Storage.Watermarks.GetAsync("shop", "*", CancellationToken.None));

        source.Enabled = false;
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 0, 5, 5, 0), (second.Outcome, second.Inserted, second.Duplicates, second.Marked, second.TasksCreated));
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
        Assert.All(inner.MarkCalls.Values, calls => Assert.Equal(2, calls));
        Assert.Equal(5, (await Counts())[OrderStatus.New]);
        Assert.Empty(await Storage.OrderBuffer.GetWithoutTaskAsync("shop", 10, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_ManyPagesFetchedAhead_EveryOrderBufferedTaskedAndMarkedOnce()
    {
        var source = new ScriptedOrderSource();
        for (var i = 0; i < 95; i++)
        {
            source.Add($"O{i:D3}", Time.GetUtcNow().AddMinutes(-30).AddSeconds(i));
        }

        var result = await Pipeline(source, new OrderIntakeOptions { PageSize = 10, PrefetchPages = 4 }).PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 10, 95, 95, 95), (result.Outcome, result.Pages, result.Inserted, result.Marked, result.TasksCreated));
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 100, CancellationToken.None));
        Assert.Empty(await Storage.OrderBuffer.GetWithoutTaskAsync("shop", 100, CancellationToken.None));
        Assert.All(source.MarkCalls.Values, calls => Assert.Equal(1, calls));
        Assert.Equal(95, source.MarkCalls.Count);
    }

    [Fact]
    public async Task PollAsync_RouterFailedBeforeTaskCreation_TaskCreatedOnNextPoll()
    {
        var source = new ScriptedOrderSource();
        source.Add("O1", Time.GetUtcNow().AddMinutes(-3));
        var router = new FlakyRouter { Failures = 1 };
        var pipeline = Pipeline(source, router: router);

        var first = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((1, 0), (first.Inserted, first.TasksCreated));
        Assert.Equal((0, 1), (second.Inserted, second.TasksCreated));
        Assert.Equal(FlowType.A, (await Storage.OrderBuffer.GetAsync("shop", "O1", CancellationToken.None))!.Flow);
    }

    [Fact]
    public async Task PollAsync_LateCommittedOrderBehindWatermark_IsTakenWithinLookBack()
    {
        var source = new ScriptedOrderSource();
        var pipeline = Pipeline(source, new OrderIntakeOptions { LookBack = TimeSpan.FromMinutes(5) });
        var t0 = Time.GetUtcNow();
        await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Time.Advance(TimeSpan.FromMinutes(1));
        source.Add("COMMITTED-LATE", t0.AddMinutes(-2)); // changed-at before the watermark, visible only now
        var result = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal(1, result.Inserted);
        Assert.NotNull(await Storage.OrderBuffer.GetAsync("shop", "COMMITTED-LATE", CancellationToken.None));
    }

    [Fact]
    public async Task RescanAsync_OrderLaterThanLookBack_ReportedAsGapWithTraceIdAndTaken()
    {
        var source = new ScriptedOrderSource();
        var pipeline = Pipeline(source, new OrderIntakeOptions { LookBack = TimeSpan.FromMinutes(1) });
        var t0 = Time.GetUtcNow();
        source.Add("ON-TIME", t0.AddMinutes(-30));
        await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(10));
        source.Add("VERY-LATE", t0.AddMinutes(-20));
        var poll = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        var rescan = await pipeline.RescanAsync(OrderPartition.All, t0.AddHours(-1), t0, CancellationToken.None);

        Assert.Equal(0, poll.Inserted);
        Assert.NotNull(rescan);
        Assert.Equal(2, rescan.SourceOrders);
        var gap = Assert.Single(rescan.Gaps);
        Assert.Equal("VERY-LATE", gap.OrderId);
        Assert.StartsWith("trace-", gap.TraceId, StringComparison.Ordinal);
        Assert.NotNull(await Storage.OrderBuffer.GetAsync("shop", "VERY-LATE", CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_PageFails_WatermarkStaysAndNextPollTakesEverythingOnce()
    {
        var source = new ScriptedOrderSource { FailFetchNumber = 2 };
        for (var i = 0; i < 25; i++)
        {
            source.Add($"O{i:D2}", Time.GetUtcNow().AddMinutes(-5).AddSeconds(i));
        }

        var pipeline = Pipeline(source, new OrderIntakeOptions { PageSize = 10 });
        var failed = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        Assert.Equal(IntakeOutcome.Failed, failed.Outcome);
        Assert.Contains("scripted failure", failed.Error, StringComparison.Ordinal);
        Assert.Null(await Storage.Watermarks.GetAsync("shop", "*", CancellationToken.None));
        Assert.Equal(10, failed.Inserted); // the first page stays buffered

        var retried = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 15, 10), (retried.Outcome, retried.Inserted, retried.Duplicates));
        Assert.Equal(25, (await Counts())[OrderStatus.New]);
        Assert.NotNull(await Storage.Watermarks.GetAsync("shop", "*", CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_InvalidOrders_BufferedAsFailedForAPersonOrRefusedWithoutId()
    {
        var source = new ScriptedOrderSource();
        var at = Time.GetUtcNow().AddMinutes(-1);
        source.Add("GOOD", at);
        source.Add("NEGATIVE", at, quantity: -2);
        source.Add(new SourceOrder("shop", "NO-LINES", at, at, "PAID", "WH1", []));
        source.Add(new SourceOrder("shop", " ", at, at, "PAID", "WH1", [new OrderLine("SKU-1", 1)]));

        var result = await Pipeline(source).PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal((IntakeOutcome.Completed, 3, 3, 1), (result.Outcome, result.Inserted, result.Rejected, result.TasksCreated));
        var negative = await Storage.OrderBuffer.GetAsync("shop", "NEGATIVE", CancellationToken.None);
        Assert.Equal(OrderStatus.Failed, negative!.Status);
        Assert.Contains("quantity -2", negative.LastError, StringComparison.Ordinal);
        Assert.Null(negative.Flow);
        Assert.Empty(await Storage.OrderBuffer.GetDueForRetryAsync(Time.GetUtcNow().AddDays(1), 5, 10, CancellationToken.None));
    }

    [Fact]
    public async Task PollAsync_MaxPagesReached_ReportsMoreAndAdvancesOnlyToLastBufferedOrder()
    {
        var source = new ScriptedOrderSource();
        var start = Time.GetUtcNow().AddMinutes(-50);
        for (var i = 0; i < 30; i++)
        {
            source.Add($"O{i:D2}", start.AddMinutes(i));
        }

        var pipeline = Pipeline(source, new OrderIntakeOptions { PageSize = 10, MaxPagesPerPoll = 2, LookBack = TimeSpan.Zero });
        var first = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        var second = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.True(first.MoreAvailable);
        Assert.Equal(start.AddMinutes(19), first.Watermark);
        Assert.Equal((false, 10), (second.MoreAvailable, second.Inserted));
        Assert.Equal(30, (await Counts())[OrderStatus.New]);
    }

    [Fact]
    public async Task PollAsync_MoreOrdersInTheLookBackThanOnePollReads_StillReachesNewOrders()
    {
        // Found by the simulation: the look-back re-read used the page budget, so once more orders had changed in the look-back
        // than one poll may read, every poll stopped inside it and the watermark never moved again; newer orders were never taken.
        var source = new ScriptedOrderSource();
        var start = Time.GetUtcNow().AddMinutes(-4);
        for (var i = 0; i < 30; i++)
        {
            source.Add($"O{i:D2}", start.AddSeconds(i));
        }

        var pipeline = Pipeline(source, new OrderIntakeOptions { PageSize = 5, MaxPagesPerPoll = 2, LookBack = TimeSpan.FromMinutes(5), InitialLookBack = TimeSpan.FromMinutes(10) });
        for (var poll = 0; poll < 5; poll++)
        {
            await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        }

        Time.Advance(TimeSpan.FromMinutes(1));
        source.Add("NEW", Time.GetUtcNow().AddSeconds(-1));
        for (var poll = 0; poll < 5; poll++)
        {
            await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        }

        Assert.Equal(31, (await Counts())[OrderStatus.New]);
        Assert.NotNull(await Storage.OrderBuffer.GetAsync("shop", "NEW", CancellationToken.None));
    }

    [Fact]
    public async Task PollAllAsync_PartitionsByWarehouse_EachPartitionHasItsOwnWatermark()
    {
        var source = new ScriptedOrderSource();
        source.Add("A1", Time.GetUtcNow().AddMinutes(-1), warehouse: "WH1");
        source.Add("B1", Time.GetUtcNow().AddMinutes(-1), warehouse: "WH2");
        var options = new OrderIntakeOptions { Partitions = [new OrderPartition("wh1", "WH1"), new OrderPartition("wh2", "WH2")] };

        var results = await Pipeline(source, options).PollAllAsync(CancellationToken.None);

        Assert.Equal([("wh1", 1), ("wh2", 1)], results.Select(r => (r.Partition, r.Inserted)));
        Assert.NotNull(await Storage.Watermarks.GetAsync("shop", "wh1", CancellationToken.None));
        Assert.NotNull(await Storage.Watermarks.GetAsync("shop", "wh2", CancellationToken.None));
    }

    /// <summary>Partitions of one source poll at once: a partition's repair must not mark the orders another partition's live
    /// poller buffered a moment ago (that poller marks them; a second mark is a wasted call and a doubled count), but it does
    /// take them once they are older than the lock lease, when that poller must be gone.</summary>
    [Fact]
    public async Task PollAsync_OtherPartitionsRecentUnmarkedOrders_LeftToItUntilOlderThanTheLease()
    {
        var source = new ScriptedOrderSource { FailMarks = 1 };
        source.Add("A1", Time.GetUtcNow().AddMinutes(-1), warehouse: "WH1");
        source.Add("A2", Time.GetUtcNow().AddMinutes(-1), warehouse: "WH1");
        var options = new OrderIntakeOptions { Partitions = [new OrderPartition("wh1", "WH1"), new OrderPartition("wh2", "WH2")], LockLease = TimeSpan.FromMinutes(2) };
        var pipeline = Pipeline(source, options);
        var wh1 = await pipeline.PollAsync(options.Partitions[0], CancellationToken.None);
        Assert.Equal((2, 0), (wh1.Inserted, wh1.Marked));

        Time.Advance(TimeSpan.FromMinutes(1));
        var soon = await pipeline.PollAsync(options.Partitions[1], CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(2));
        var later = await pipeline.PollAsync(options.Partitions[1], CancellationToken.None);

        Assert.Equal((0, 2), (soon.Marked, later.Marked));
        Assert.Equal(["A1", "A2"], source.Marked.Order());
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
    }

    /// <summary>Writes of one poll run at once up to <see cref="OrderIntakeOptions.WritesInFlight"/>, each in its own transaction
    /// (a server inserts one batch while the next is sent), never more; however they interleave, every order is buffered, marked
    /// and tasked once, and the watermark moves.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PollAsync_WritesInFlight_OverlapUpToTheLimitAndTakeEveryOrderOnce(int writesInFlight)
    {
        var source = new ScriptedOrderSource();
        for (var i = 0; i < 90; i++)
        {
            source.Add($"O{i:D4}", Time.GetUtcNow().AddMinutes(-30).AddSeconds(i));
        }

        var inner = Storage.OrderBuffer;
        var active = 0;
        var mostActive = 0;
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buffer = Substitute.For<IOrderBufferStore>();
        buffer.WriteAsync(Arg.Any<OrderBufferWrite>(), Arg.Any<CancellationToken>()).Returns(call => Write(call.Arg<OrderBufferWrite>(), call.Arg<CancellationToken>()));
        buffer.SetMarkedAtSourceAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<string>>(), Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(call => inner.SetMarkedAtSourceAsync(call.ArgAt<string>(0), call.ArgAt<IReadOnlyList<string>>(1), call.ArgAt<DateTimeOffset>(2), call.ArgAt<CancellationToken>(3)));
        buffer.GetNotMarkedAtSourceAsync(Arg.Any<NotMarkedQuery>(), Arg.Any<CancellationToken>()).Returns(call => inner.GetNotMarkedAtSourceAsync(call.Arg<NotMarkedQuery>(), call.Arg<CancellationToken>()));
        buffer.GetWithoutTaskAsync(Arg.Any<string>(), Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(call => inner.GetWithoutTaskAsync(call.ArgAt<string>(0), call.ArgAt<int>(1), call.ArgAt<CancellationToken>(2)));
        buffer.CreateTasksAsync(Arg.Any<string>(), Arg.Any<IReadOnlyList<OrderTaskRequest>>(), Arg.Any<CancellationToken>()).Returns(call => inner.CreateTasksAsync(call.ArgAt<string>(0), call.ArgAt<IReadOnlyList<OrderTaskRequest>>(1), call.ArgAt<CancellationToken>(2)));
        var pipeline = new OrderIntakePipeline(source, buffer, Storage.JobLocks, Storage.Watermarks, new EvenOddRouter(), Configure(new OrderIntakeOptions { PageSize = 10, PrefetchPages = 1, WritesInFlight = writesInFlight }, "host-a"), Time);

        var result = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);

        Assert.Equal(writesInFlight, mostActive);
        Assert.Equal((IntakeOutcome.Completed, 90, 90, 0, 90, 90), (result.Outcome, result.Fetched, result.Inserted, result.Duplicates, result.Marked, result.TasksCreated));
        Assert.Equal(90, source.Marked.Distinct().Count());
        Assert.Equal(90, (await Counts())[OrderStatus.New]);
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("shop", 10, CancellationToken.None));
        Assert.Equal(Time.GetUtcNow(), await Storage.Watermarks.GetAsync("shop", "*", CancellationToken.None));

        // The first writes wait (at most 10 s) until as many as allowed have started, so an overlap is seen whenever it is allowed.
        async Task<IReadOnlyList<OrderInsertOutcome>> Write(OrderBufferWrite write, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref mostActive, now);
            if (Interlocked.Increment(ref started) >= writesInFlight)
            {
                allStarted.TrySetResult();
            }

            await Task.WhenAny(allStarted.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
            try
            {
                return await inner.WriteAsync(write, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }

        static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, seen) == seen)
                {
                    return;
                }
            }
        }
    }

    [Fact]
    public void Ctor_InvalidOptions_ThrowsValidation()
    {
        var source = new ScriptedOrderSource();

        Assert.Throws<ValidationException>(() => Pipeline(source, new OrderIntakeOptions { PageSize = 0 }));
        Assert.Throws<ValidationException>(() => Pipeline(source, new OrderIntakeOptions { Partitions = [OrderPartition.All, OrderPartition.All] }));
    }

    /// <summary>Marks at the inner source, then stops the poll (as a process stopping right after the source answered).</summary>
    private sealed class StopAfterMarkSource(IOrderSource inner, CancellationTokenSource stop) : IOrderSource
    {
        public bool Enabled { get; set; } = true;

        public string Name => inner.Name;

        public Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken) => inner.FetchAsync(query, cancellationToken);

        public async Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
        {
            var result = await inner.MarkReceivedAsync(orderIds, cancellationToken);
            if (Enabled)
            {
                await stop.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return result;
        }
    }

    private sealed class EvenOddRouter : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => order.OrderId[^1] % 2 == 0 ? FlowType.A : FlowType.B;
    }

    private sealed class FlakyRouter : IFlowRouter
    {
        public int Failures { get; set; }

        public FlowType Route(SourceOrder order) => Failures-- > 0 ? throw new InvalidOperationException("rules not loaded") : FlowType.A;
    }
}
