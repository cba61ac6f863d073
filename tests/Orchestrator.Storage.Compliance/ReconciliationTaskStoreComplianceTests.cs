namespace Orchestrator.Storage.Compliance;

/// <summary>Stock Reconciliation Tasks (seed 000): one open task per warehouse and SKU, counted, then resynced.</summary>
public abstract class ReconciliationTaskStoreComplianceTests : StorageComplianceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    private static ReconciliationTask Task(string sku = "SKU-1", string warehouse = "WH1", string tx = "d-1") => new(warehouse, sku, 100, 90, tx, T0);

    /// <summary>A lasting discrepancy is detected again on every run; it must raise one task, not one per run.</summary>
    [Fact]
    public async Task CreateAsync_SkuAlreadyHasOpenTask_ReturnsExisting()
    {
        var first = await Storage.ReconciliationTasks.CreateAsync(Task(tx: "d-1"), Ct);
        var second = await Storage.ReconciliationTasks.CreateAsync(Task(tx: "d-2"), Ct);

        Assert.True(first.Id > 0);
        Assert.Equal(first, second);
        Assert.Equal("d-1", second.DiscrepancyTransactionId);
        Assert.Equal(ReconciliationTaskStatus.Open, second.Status);
    }

    /// <summary>Two instances raising the task for the same SKU at once must still leave one open task.</summary>
    [Fact]
    public async Task CreateAsync_SameSkuConcurrently_OneOpenTask()
    {
        var tasks = await RaceAsync(6, (storage, i) => storage.ReconciliationTasks.CreateAsync(Task(tx: "d-" + i), Ct));

        Assert.Single(tasks.Select(t => t.Id).Distinct());
        Assert.Single(await Storage.ReconciliationTasks.ListAsync(null, null, 10, Ct));
    }

    /// <summary>The operator's count moves the task to COUNTED once; the resync closes it, after which a new discrepancy may raise a new task.</summary>
    [Fact]
    public async Task RecordCountAsync_ThenMarkResynced_ClosesTaskAndAllowsANewOne()
    {
        var task = await Storage.ReconciliationTasks.CreateAsync(Task(), Ct);

        var counted = await Storage.ReconciliationTasks.RecordCountAsync(task.Id, 93, "operator-7", T0.AddHours(2), Ct);
        Assert.Null(await Storage.ReconciliationTasks.RecordCountAsync(task.Id, 94, "operator-8", T0.AddHours(3), Ct));
        Assert.False(await Storage.ReconciliationTasks.MarkResyncedAsync(999_999, T0, Ct));
        Assert.True(await Storage.ReconciliationTasks.MarkResyncedAsync(task.Id, T0.AddHours(4), Ct));
        Assert.False(await Storage.ReconciliationTasks.MarkResyncedAsync(task.Id, T0.AddHours(5), Ct));

        Assert.Equal(ReconciliationTaskStatus.Counted, counted!.Status);
        Assert.Equal(93, counted.CountedQty);
        Assert.Equal("operator-7", counted.CountedBy);
        Assert.Equal(T0.AddHours(2), counted.CountedAt);
        var closed = await Storage.ReconciliationTasks.GetAsync(task.Id, Ct);
        Assert.Equal(ReconciliationTaskStatus.Resynced, closed!.Status);
        Assert.Equal(T0.AddHours(4), closed.ResyncedAt);
        Assert.NotEqual(task.Id, (await Storage.ReconciliationTasks.CreateAsync(Task(tx: "d-9"), Ct)).Id);
    }

    /// <summary>The operators' list shows tasks not closed (or of one status), per warehouse, oldest first.</summary>
    [Fact]
    public async Task ListAsync_ByStatusAndWarehouse_FiltersAndOrdersOldestFirst()
    {
        var a = await Storage.ReconciliationTasks.CreateAsync(Task("A") with { CreatedAt = T0.AddMinutes(2) }, Ct);
        var b = await Storage.ReconciliationTasks.CreateAsync(Task("B") with { CreatedAt = T0.AddMinutes(1) }, Ct);
        var c = await Storage.ReconciliationTasks.CreateAsync(Task("C", "WH2"), Ct);
        await Storage.ReconciliationTasks.RecordCountAsync(a.Id, 1, "op", T0, Ct);
        await Storage.ReconciliationTasks.RecordCountAsync(c.Id, 1, "op", T0, Ct);
        await Storage.ReconciliationTasks.MarkResyncedAsync(c.Id, T0, Ct);

        Assert.Equal([b.Id, a.Id], (await Storage.ReconciliationTasks.ListAsync(null, null, 10, Ct)).Select(t => t.Id));
        Assert.Equal([a.Id], (await Storage.ReconciliationTasks.ListAsync(ReconciliationTaskStatus.Counted, "WH1", 10, Ct)).Select(t => t.Id));
        Assert.Equal([c.Id], (await Storage.ReconciliationTasks.ListAsync(ReconciliationTaskStatus.Resynced, null, 10, Ct)).Select(t => t.Id));
        Assert.Empty(await Storage.ReconciliationTasks.ListAsync(null, "WH2", 10, Ct));
    }
}
