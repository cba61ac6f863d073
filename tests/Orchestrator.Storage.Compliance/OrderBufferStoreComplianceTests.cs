using Orchestrator.Intake;

namespace Orchestrator.Storage.Compliance;

/// <summary>The order buffer: each order taken exactly once per (source, order id), its task and its status machine.</summary>
public abstract class OrderBufferStoreComplianceTests : StorageComplianceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Makes an order.</summary>
    protected static SourceOrder Order(string id, string source = "erp", string? warehouse = "WH1")
        => new(source, id, T0.AddTicks(1234567), T0.AddMinutes(1), "PAID", warehouse, [new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)], new Dictionary<string, string> { ["channel"] = "coupang" });

    /// <summary>Every field of the order must come back as the source reported it, to the tick, or the flow router and the repair job work on wrong data.</summary>
    [Fact]
    public async Task InsertAsync_NewOrder_StoredAsNewWithEveryField()
    {
        var outcomes = await Storage.OrderBuffer.InsertAsync([Order("o-1")], T0.AddMinutes(2), Ct);

        Assert.Equal([new OrderInsertOutcome("erp", "o-1", true)], outcomes);
        var stored = await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct);
        Assert.NotNull(stored);
        Assert.Equal(OrderStatus.New, stored.Status);
        Assert.Null(stored.Flow);
        Assert.Equal(0, stored.Attempts);
        Assert.Equal(T0.AddMinutes(2), stored.ReceivedAt);
        Assert.Null(stored.MarkedAtSourceAt);
        Assert.Equal(T0.AddTicks(1234567), stored.Order.CreatedAt);
        Assert.Equal(T0.AddMinutes(1), stored.Order.ChangedAt);
        Assert.Equal("PAID", stored.Order.Status);
        Assert.Equal("WH1", stored.Order.WarehouseId);
        Assert.Equal([new OrderLine("SKU-1", 2), new OrderLine("SKU-2", 1)], stored.Order.Lines);
        Assert.Equal("coupang", stored.Order.Attributes!["channel"]);
    }

    /// <summary>Overlapping polls return the same order again (seed 000: 重複偵測); the second copy must be reported as a duplicate and must not overwrite the first.</summary>
    [Fact]
    public async Task InsertAsync_SameOrderTwice_SecondIsDuplicateAndFirstKept()
    {
        await Storage.OrderBuffer.InsertAsync([Order("o-1")], T0, Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "o-1", OrderStatus.New, OrderStatus.InProgress, T0), Ct);

        var outcomes = await Storage.OrderBuffer.InsertAsync([Order("o-1"), Order("o-2")], T0.AddMinutes(1), Ct);

        Assert.Equal([false, true], outcomes.Select(o => o.Inserted));
        var first = await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct);
        Assert.Equal(OrderStatus.InProgress, first!.Status);
        Assert.Equal(T0, first.ReceivedAt);
    }

    /// <summary>Order ids are unique only within a source, so the same id from two sources is two orders.</summary>
    [Fact]
    public async Task InsertAsync_SameOrderIdFromTwoSources_BothInserted()
    {
        var outcomes = await Storage.OrderBuffer.InsertAsync([Order("o-1", "erp"), Order("o-1", "coupang-main")], T0, Ct);

        Assert.All(outcomes, o => Assert.True(o.Inserted));
    }

    /// <summary>A SELECT-then-INSERT buffer passes every other fact and fails this one: two pollers racing must insert an order once.</summary>
    [Fact]
    public async Task InsertAsync_SameOrderConcurrently_ExactlyOneInsert()
    {
        var results = await RaceAsync(8, (storage, _) => storage.OrderBuffer.InsertAsync([Order("race-1")], T0, Ct));

        Assert.Equal(1, results.Count(r => r[0].Inserted));
    }

    /// <summary>After a crash between buffering and marking, the repair job must find exactly the orders the source has not been told about.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_MarkedOrders_NotReturnedAsNotMarked()
    {
        await Storage.OrderBuffer.InsertAsync([Order("o-1"), Order("o-2"), Order("o-3")], T0, Ct);

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-1", "o-3"], T0.AddSeconds(5), Ct);

        var notMarked = await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct);
        Assert.Equal(["o-2"], notMarked.Select(o => o.Order.OrderId));
        Assert.Equal(T0.AddSeconds(5), (await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct))!.MarkedAtSourceAt);
    }

    /// <summary>The intake marks what one write buffered: confirmed as a whole, every order of the write is marked at that time,
    /// none is left for the repair, and a later mark of the same orders keeps the first time.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_EveryOrderOfAWrite_AllMarkedOnceWithTheFirstTime()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = new[] { "o-1", "o-2", "o-3" }.Select(id => new OrderToBuffer(Order(id), FlowType.A)).ToList() }, Ct);
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0.AddSeconds(1)) { Orders = [new OrderToBuffer(Order("o-4"), FlowType.A)] }, Ct);

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-3", "o-1", "o-2"], T0.AddSeconds(5), Ct);
        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-1", "o-2", "o-3"], T0.AddSeconds(9), Ct);

        Assert.Equal(["o-4"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
        foreach (var id in new[] { "o-1", "o-2", "o-3" })
        {
            Assert.Equal(T0.AddSeconds(5), (await Storage.OrderBuffer.GetAsync("erp", id, Ct))!.MarkedAtSourceAt);
        }

        Assert.Null((await Storage.OrderBuffer.GetAsync("erp", "o-4", Ct))!.MarkedAtSourceAt);
    }

    /// <summary>A source that confirms only part of a write (some marks failed): the confirmed orders are marked, the others stay
    /// for the repair, and confirming the rest later marks them with their own time.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_PartOfAWriteThenTheRest_EachMarkedWhenConfirmed()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = new[] { "o-1", "o-2", "o-3", "o-4" }.Select(id => new OrderToBuffer(Order(id), FlowType.A)).ToList() }, Ct);

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-2"], T0.AddSeconds(1), Ct);
        Assert.Equal(["o-1", "o-3", "o-4"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-1", "o-4"], T0.AddSeconds(2), Ct);
        Assert.Equal(["o-3"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-3", "o-2"], T0.AddSeconds(3), Ct);
        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct));
        var times = new List<DateTimeOffset?>();
        foreach (var id in new[] { "o-1", "o-2", "o-3", "o-4" })
        {
            times.Add((await Storage.OrderBuffer.GetAsync("erp", id, Ct))!.MarkedAtSourceAt);
        }

        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(1), T0.AddSeconds(3), T0.AddSeconds(2)], times);
    }

    /// <summary>The repair reads unmarked orders oldest write first and only as many as asked, however many writes are open.</summary>
    [Fact]
    public async Task GetNotMarkedAtSourceAsync_ManyOpenWrites_OldestFirstUpToTheLimit()
    {
        for (var w = 0; w < 5; w++)
        {
            await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0.AddSeconds(w)) { Orders = Enumerable.Range(0, 3).Select(i => new OrderToBuffer(Order($"w{w}-{i}"), FlowType.A)).ToList() }, Ct);
        }

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["w1-0", "w1-1", "w1-2", "w2-1"], T0.AddMinutes(1), Ct);

        var first = await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 6, Ct);
        Assert.Equal(["w0-0", "w0-1", "w0-2", "w2-0", "w2-2", "w3-0"], first.Select(o => o.Order.OrderId));
        Assert.Equal(11, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 100, Ct)).Count);
    }

    /// <summary>Partitions of one source poll at once: a partition's repair leaves another partition's recent unmarked orders
    /// to that partition's poller (which may be marking them right now) and takes them once they are older than its lease.</summary>
    [Fact]
    public async Task GetNotMarkedAtSourceAsync_OtherPartitionsRecentWrites_LeftToThemUntilStale()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = [new OrderToBuffer(Order("p1-a"), FlowType.A)], Partition = "p1" }, Ct);
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0.AddSeconds(1)) { Orders = [new OrderToBuffer(Order("p2-a"), FlowType.A)], Partition = "p2" }, Ct);
        await Storage.OrderBuffer.InsertAsync([Order("none-a")], T0.AddSeconds(2), Ct);

        async Task<string[]> Ids(NotMarkedQuery query) => (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync(query, Ct)).Select(o => o.Order.OrderId).Order().ToArray();

        Assert.Equal(["none-a", "p1-a"], await Ids(new NotMarkedQuery("erp", 10) { Partition = "p1" }));
        Assert.Equal(["none-a", "p1-a"], await Ids(new NotMarkedQuery("erp", 10) { Partition = "p1", OtherPartitionsBefore = T0.AddSeconds(1) }));
        Assert.Equal(["none-a", "p1-a", "p2-a"], await Ids(new NotMarkedQuery("erp", 10) { Partition = "p1", OtherPartitionsBefore = T0.AddSeconds(2) }));
        Assert.Equal(["none-a", "p1-a", "p2-a"], await Ids(new NotMarkedQuery("erp", 10)));
    }

    /// <summary>Two marks of overlapping parts of one write at once (a poll and a repair on two instances): every confirmed
    /// order is marked and no order that neither confirmed is, whichever commits first.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_OverlappingMarksOfOneWriteAtOnce_MarksExactlyTheConfirmedOrders()
    {
        for (var round = 0; round < 5; round++)
        {
            var source = $"erp-{round}";
            var ids = Enumerable.Range(0, 100).Select(i => $"o-{i:D3}").ToList();
            await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite(source, T0) { Orders = ids.Select(id => new OrderToBuffer(Order(id, source), FlowType.A)).ToList() }, Ct);

            await RaceAsync(2, async (storage, i) =>
            {
                await storage.OrderBuffer.SetMarkedAtSourceAsync(source, i == 0 ? ids[..50] : ids[25..75], T0.AddSeconds(1 + i), Ct);
                return i;
            });

            Assert.Equal(ids[75..], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync(source, 1000, Ct)).Select(o => o.Order.OrderId));
        }
    }

    /// <summary>An instance marks exactly the orders it buffered in one write after another instance marked part of that write:
    /// the write is not taken as wholly unmarked, each order keeps the time it was first confirmed, and none is left over.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_WholeWriteAfterAnotherInstanceMarkedPartOfIt_EachOrderMarkedOnceWithItsTime()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = new[] { "o-1", "o-2", "o-3" }.Select(id => new OrderToBuffer(Order(id), FlowType.A)).ToList() }, Ct);
        await using (var other = await OpenOtherInstanceAsync())
        {
            await other.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-2"], T0.AddSeconds(1), Ct);
        }

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-1", "o-2", "o-3"], T0.AddSeconds(2), Ct);

        Assert.Empty(await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct));
        var times = new List<DateTimeOffset?>();
        foreach (var id in new[] { "o-1", "o-2", "o-3" })
        {
            times.Add((await Storage.OrderBuffer.GetAsync("erp", id, Ct))!.MarkedAtSourceAt);
        }

        Assert.Equal([T0.AddSeconds(2), T0.AddSeconds(1), T0.AddSeconds(2)], times);
    }

    /// <summary>The source confirmed the orders of two writes before the next write (the pipeline's marking stage ran ahead): both
    /// writes are marked whole; a confirmation covering one write and part of another marks exactly the confirmed orders.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_OrdersOfSeveralWrites_MarksExactlyTheConfirmedOrders()
    {
        foreach (var (write, ids) in new[] { (0, new[] { "a-1", "a-2" }), (1, new[] { "b-1", "b-2" }), (2, new[] { "c-1", "c-2" }), (3, new[] { "d-1", "d-2" }) })
        {
            await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0.AddSeconds(write)) { Orders = ids.Select(id => new OrderToBuffer(Order(id), FlowType.A)).ToList() }, Ct);
        }

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["b-2", "a-1", "b-1", "a-2"], T0.AddMinutes(1), Ct);
        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["c-1", "c-2", "d-2"], T0.AddMinutes(2), Ct);

        Assert.Equal(["d-1"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
        Assert.Equal(T0.AddMinutes(1), (await Storage.OrderBuffer.GetAsync("erp", "b-1", Ct))!.MarkedAtSourceAt);
        Assert.Equal(T0.AddMinutes(2), (await Storage.OrderBuffer.GetAsync("erp", "d-2", Ct))!.MarkedAtSourceAt);
        Assert.Null((await Storage.OrderBuffer.GetAsync("erp", "d-1", Ct))!.MarkedAtSourceAt);
    }

    /// <summary>A write larger than one statement's rows, with a few orders buffered before scattered through it: each is reported
    /// as a duplicate and every other order as new, and marking the write marks exactly the new ones.</summary>
    [Fact]
    public async Task WriteAsync_LargeWriteWithScatteredDuplicates_ReportsEachOrderExactly()
    {
        var ids = Enumerable.Range(0, 12_000).Select(i => $"o-{i:D5}").ToList();
        string[] before = ["o-00007", "o-06001", "o-11999"];
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = before.Select(id => new OrderToBuffer(Order(id), FlowType.B)).ToList() }, Ct);

        var outcomes = await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0.AddSeconds(1)) { Orders = ids.ConvertAll(id => new OrderToBuffer(Order(id), FlowType.A)) }, Ct);

        Assert.Equal(before, outcomes.Where(o => !o.Inserted).Select(o => o.OrderId));
        Assert.Equal(ids.Count - before.Length, outcomes.Count(o => o.Inserted));
        Assert.Equal(FlowType.B, (await Storage.OrderBuffer.GetAsync("erp", "o-06001", Ct))!.Flow);
        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", outcomes.Where(o => o.Inserted).Select(o => o.OrderId).ToList(), T0.AddSeconds(2), Ct);
        Assert.Equal(before, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId).Order());
    }

    /// <summary>Orders buffered before schema 3 recorded writes (no write id) are still found by the repair and marked one by one.</summary>
    [Fact]
    public async Task SetMarkedAtSourceAsync_OrdersBufferedBeforeWritesWereRecorded_FoundAndMarked()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = new[] { "old-1", "old-2", "new-1" }.Select(id => new OrderToBuffer(Order(id), FlowType.A)).ToList() }, Ct);
        await Database.ExecuteAsync("UPDATE order_buffer SET write_id = NULL WHERE order_id LIKE 'old-%'", Ct);
        await Database.ExecuteAsync("UPDATE order_buffer_writes SET unmarked = 1", Ct);

        Assert.Equal(["new-1", "old-1", "old-2"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId).Order());

        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["old-1", "new-1"], T0.AddSeconds(4), Ct);

        Assert.Equal(["old-2"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
        Assert.Equal(T0.AddSeconds(4), (await Storage.OrderBuffer.GetAsync("erp", "old-1", Ct))!.MarkedAtSourceAt);
        Assert.Equal(T0.AddSeconds(4), (await Storage.OrderBuffer.GetAsync("erp", "new-1", Ct))!.MarkedAtSourceAt);
    }

    /// <summary>A task is created once per order (seed 000: 建立對應的任務); a retried routing must not switch the flow of an order already routed.</summary>
    /// <summary>The intake's one write per step: a new order is buffered with its task in the same row and transaction, so a
    /// crash can never leave a task without its order or create it twice; an invalid order is buffered as FAILED for a person.</summary>
    [Fact]
    public async Task WriteAsync_NewOrders_BufferedWithTaskOrAsFailedInOneWrite()
    {
        var outcomes = await Storage.OrderBuffer.WriteAsync(
            new OrderBufferWrite("erp", T0.AddMinutes(2))
            {
                Orders = [new OrderToBuffer(Order("a"), FlowType.A), new OrderToBuffer(Order("b"), FlowType.B), new OrderToBuffer(Order("unrouted")), new OrderToBuffer(Order("bad"), Error: "a line has no SKU code")],
            },
            Ct);

        Assert.All(outcomes, o => Assert.True(o.Inserted));
        var a = await Storage.OrderBuffer.GetAsync("erp", "a", Ct);
        Assert.Equal((OrderStatus.New, FlowType.A, 0, T0.AddMinutes(2)), (a!.Status, a.Flow, a.Attempts, a.ReceivedAt));
        Assert.Equal(FlowType.B, (await Storage.OrderBuffer.GetAsync("erp", "b", Ct))!.Flow);
        var bad = await Storage.OrderBuffer.GetAsync("erp", "bad", Ct);
        Assert.Equal((OrderStatus.Failed, (FlowType?)null, 1, "a line has no SKU code", (DateTimeOffset?)null), (bad!.Status, bad.Flow, bad.Attempts, bad.LastError, bad.NextAttemptAt));
        Assert.Equal(["bad", "unrouted"], (await Storage.OrderBuffer.GetWithoutTaskAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
        Assert.Equal(4, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Count);
    }

    /// <summary>A re-read order (in the buffer already, or twice in one write) is a duplicate: its row, flow and status stay as they were, so no second task.</summary>
    [Fact]
    public async Task WriteAsync_DuplicateOrders_KeepFirstRowAndTask()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = [new OrderToBuffer(Order("o-1"), FlowType.A)] }, Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "o-1", OrderStatus.New, OrderStatus.InProgress, T0), Ct);

        var outcomes = await Storage.OrderBuffer.WriteAsync(
            new OrderBufferWrite("erp", T0.AddMinutes(1))
            {
                Orders = [new OrderToBuffer(Order("o-1"), FlowType.B), new OrderToBuffer(Order("o-2"), FlowType.B), new OrderToBuffer(Order("o-2"), FlowType.A), new OrderToBuffer(Order("o-1"), Error: "x")],
            },
            Ct);

        Assert.Equal([false, true, false, false], outcomes.Select(o => o.Inserted));
        Assert.Equal(["o-1", "o-2", "o-2", "o-1"], outcomes.Select(o => o.OrderId));
        var first = await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct);
        Assert.Equal((OrderStatus.InProgress, FlowType.A, T0), (first!.Status, first.Flow, first.ReceivedAt));
        Assert.Equal(FlowType.B, (await Storage.OrderBuffer.GetAsync("erp", "o-2", Ct))!.Flow);
    }

    /// <summary>The marks of the previous write ride on the next one: recorded in the same transaction as the insert, the first mark kept.</summary>
    [Fact]
    public async Task WriteAsync_WithMarks_RecordsMarksOfEarlierOrdersAndInsertsNewOnes()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = [new OrderToBuffer(Order("o-1"), FlowType.A), new OrderToBuffer(Order("o-2"), FlowType.A), new OrderToBuffer(Order("o-3"), FlowType.A)] }, Ct);
        await Storage.OrderBuffer.SetMarkedAtSourceAsync("erp", ["o-3"], T0.AddSeconds(1), Ct);

        var outcomes = await Storage.OrderBuffer.WriteAsync(
            new OrderBufferWrite("erp", T0.AddSeconds(5)) { Orders = [new OrderToBuffer(Order("o-4"), FlowType.B)], MarkedAtSource = ["o-1", "o-3", "o-1", "missing"] },
            Ct);

        Assert.Equal([true], outcomes.Select(o => o.Inserted));
        Assert.Equal(T0.AddSeconds(5), (await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct))!.MarkedAtSourceAt);
        Assert.Equal(T0.AddSeconds(1), (await Storage.OrderBuffer.GetAsync("erp", "o-3", Ct))!.MarkedAtSourceAt);
        Assert.Null(await Storage.OrderBuffer.GetAsync("erp", "missing", Ct));
        Assert.Equal(["o-2", "o-4"], (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
    }

    /// <summary>An order of another source is refused before anything of the write (orders or marks) is written.</summary>
    [Fact]
    public async Task WriteAsync_OrderOfAnotherSource_RefusedAndNothingWritten()
    {
        await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = [new OrderToBuffer(Order("o-1"), FlowType.A)] }, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => Storage.OrderBuffer.WriteAsync(
            new OrderBufferWrite("erp", T0.AddSeconds(5)) { Orders = [new OrderToBuffer(Order("o-2"), FlowType.A), new OrderToBuffer(Order("o-3", "other"), FlowType.A)], MarkedAtSource = ["o-1"] },
            Ct));

        Assert.Null(await Storage.OrderBuffer.GetAsync("erp", "o-2", Ct));
        Assert.Null((await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct))!.MarkedAtSourceAt);
    }

    /// <summary>Large writes span several statements on a server; every row must still be inserted once and reported in input order.
    /// Marks are recorded before the inserts, so they reach only orders buffered by earlier writes.</summary>
    [Fact]
    public async Task WriteAsync_ManyOrdersWithHalfAlreadyBuffered_ReportsEachInInputOrder()
    {
        var orders = Enumerable.Range(0, 12_000).Select(i => Order("o-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        await Storage.OrderBuffer.InsertAsync(orders.Where((_, i) => i % 2 == 1).ToList(), T0, Ct);

        var outcomes = await Storage.OrderBuffer.WriteAsync(new OrderBufferWrite("erp", T0) { Orders = orders.Select(o => new OrderToBuffer(o, FlowType.A)).ToList(), MarkedAtSource = orders.Select(o => o.OrderId).ToList() }, Ct);

        Assert.Equal(orders.Select((_, i) => i % 2 == 0), outcomes.Select(o => o.Inserted));
        Assert.Equal(orders.Select(o => o.OrderId), outcomes.Select(o => o.OrderId));
        Assert.Equal(6_000, (await Storage.OrderBuffer.GetWithoutTaskAsync("erp", 20_000, Ct)).Count);
        Assert.Equal(6_000, (await Storage.OrderBuffer.GetNotMarkedAtSourceAsync("erp", 20_000, Ct)).Count);
    }

    /// <summary>The intake creates a page's tasks in one call; a task that exists (created before a crash, or by the repair) is not counted again.</summary>
    [Fact]
    public async Task CreateTasksAsync_SomeAlreadyTasked_CreatesOnlyTheRest()
    {
        await Storage.OrderBuffer.InsertAsync([Order("o-1"), Order("o-2"), Order("o-3")], T0, Ct);
        await Storage.OrderBuffer.CreateTasksAsync("erp", [new OrderTaskRequest("o-2", FlowType.A)], Ct);

        var created = await Storage.OrderBuffer.CreateTasksAsync("erp", [new OrderTaskRequest("o-1", FlowType.B), new OrderTaskRequest("o-2", FlowType.B), new OrderTaskRequest("o-3", FlowType.A)], Ct);

        Assert.Equal(2, created);
        Assert.Equal(FlowType.A, (await Storage.OrderBuffer.GetAsync("erp", "o-2", Ct))!.Flow);
        Assert.Empty(await Storage.OrderBuffer.GetWithoutTaskAsync("erp", 10, Ct));
    }

    [Fact]
    public async Task CreateTasksAsync_SecondCall_KeepsFirstFlow()
    {
        await Storage.OrderBuffer.InsertAsync([Order("o-1"), Order("o-2")], T0, Ct);

        Assert.Equal(1, await Storage.OrderBuffer.CreateTasksAsync("erp", [new OrderTaskRequest("o-1", FlowType.B)], Ct));
        Assert.Equal(0, await Storage.OrderBuffer.CreateTasksAsync("erp", [new OrderTaskRequest("o-1", FlowType.A)], Ct));

        Assert.Equal(FlowType.B, (await Storage.OrderBuffer.GetAsync("erp", "o-1", Ct))!.Flow);
        Assert.Equal(["o-2"], (await Storage.OrderBuffer.GetWithoutTaskAsync("erp", 10, Ct)).Select(o => o.Order.OrderId));
    }

    /// <summary>Status moves are compare-and-set, so two workers cannot both take a NEW order into processing.</summary>
    [Fact]
    public async Task TransitionAsync_FromWrongStatus_ReturnsFalseAndKeepsStatus()
    {
        await Storage.OrderBuffer.InsertAsync([Order("o-1")], T0, Ct);

        Assert.True(await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "o-1", OrderStatus.New, OrderStatus.InProgress, T0), Ct));
        Assert.False(await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "o-1", OrderStatus.New, OrderStatus.InProgress, T0), Ct));
        Assert.False(await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "missing", OrderStatus.New, OrderStatus.InProgress, T0), Ct));
    }

    /// <summary>FAILED orders are retried with backoff, then held for a person; only due orders with attempts left come back.</summary>
    [Fact]
    public async Task GetDueForRetryAsync_FailedOrders_ReturnsOnlyDueWithAttemptsLeft()
    {
        await Storage.OrderBuffer.InsertAsync([Order("due"), Order("later"), Order("exhausted"), Order("held")], T0, Ct);
        foreach (var id in new[] { "due", "later", "exhausted", "held" })
        {
            await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", id, OrderStatus.New, OrderStatus.InProgress, T0), Ct);
        }

        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "due", OrderStatus.InProgress, OrderStatus.Failed, T0, "timeout", T0.AddMinutes(1)), Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "later", OrderStatus.InProgress, OrderStatus.Failed, T0, "timeout", T0.AddHours(1)), Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "held", OrderStatus.InProgress, OrderStatus.Failed, T0, "bad data", null), Ct);
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "exhausted", OrderStatus.Failed, OrderStatus.InProgress, T0), Ct);
            }

            await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "exhausted", OrderStatus.InProgress, OrderStatus.Failed, T0, "boom " + i, T0), Ct);
        }

        var due = await Storage.OrderBuffer.GetDueForRetryAsync(T0.AddMinutes(5), maxAttempts: 3, limit: 10, Ct);

        var order = Assert.Single(due);
        Assert.Equal("due", order.Order.OrderId);
        Assert.Equal(1, order.Attempts);
        Assert.Equal("timeout", order.LastError);
        Assert.Equal(T0.AddMinutes(1), order.NextAttemptAt);
        var exhausted = await Storage.OrderBuffer.GetAsync("erp", "exhausted", Ct);
        Assert.Equal(3, exhausted!.Attempts);
        Assert.Equal("boom 2", exhausted.LastError);
    }

    /// <summary>The dashboard shows a count for every status, including the ones at zero.</summary>
    /// <summary>The task runner picks up only orders that have a task, and finds work a crash left in progress by its last change; an order without a task belongs to the intake repair, not the runner.</summary>
    [Fact]
    public async Task GetTasksAsync_StatusSourceAndAge_ReturnsOnlyTasksThatMatch()
    {
        await Storage.OrderBuffer.InsertAsync([Order("no-task"), Order("new"), Order("started"), Order("other", "coupang-main")], T0, Ct);
        await Storage.OrderBuffer.CreateTasksAsync("erp", [new OrderTaskRequest("new", FlowType.A), new OrderTaskRequest("started", FlowType.B)], Ct);
        await Storage.OrderBuffer.CreateTasksAsync("coupang-main", [new OrderTaskRequest("other", FlowType.A)], Ct);
        Time.Advance(TimeSpan.FromMinutes(10));
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "started", OrderStatus.New, OrderStatus.InProgress, Time.GetUtcNow()), Ct);

        var newTasks = await Storage.OrderBuffer.GetTasksAsync(OrderStatus.New, null, null, 10, Ct);
        var newErpTasks = await Storage.OrderBuffer.GetTasksAsync(OrderStatus.New, "erp", null, 10, Ct);
        var staleInProgress = await Storage.OrderBuffer.GetTasksAsync(OrderStatus.InProgress, "erp", Time.GetUtcNow().AddMinutes(1), 10, Ct);
        var freshOnly = await Storage.OrderBuffer.GetTasksAsync(OrderStatus.InProgress, "erp", Time.GetUtcNow().AddMinutes(-1), 10, Ct);

        Assert.Equal(["new", "other"], newTasks.Select(o => o.Order.OrderId).Order(StringComparer.Ordinal));
        Assert.Equal(["new"], newErpTasks.Select(o => o.Order.OrderId));
        Assert.Equal(FlowType.B, Assert.Single(staleInProgress).Flow);
        Assert.Empty(freshOnly);
    }

    [Fact]
    public async Task CountByStatusAsync_MixedStatuses_CountsEveryStatusPerSource()
    {
        await Storage.OrderBuffer.InsertAsync([Order("a"), Order("b"), Order("c"), Order("x", "other")], T0, Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "a", OrderStatus.New, OrderStatus.InProgress, T0), Ct);
        await Storage.OrderBuffer.TransitionAsync(new OrderTransition("erp", "a", OrderStatus.InProgress, OrderStatus.Completed, T0), Ct);

        var erp = await Storage.OrderBuffer.CountByStatusAsync("erp", Ct);
        var all = await Storage.OrderBuffer.CountByStatusAsync(null, Ct);

        Assert.Equal(2, erp[OrderStatus.New]);
        Assert.Equal(1, erp[OrderStatus.Completed]);
        Assert.Equal(0, erp[OrderStatus.Failed]);
        Assert.Equal(0, erp[OrderStatus.InProgress]);
        Assert.Equal(3, all[OrderStatus.New]);
    }
}
