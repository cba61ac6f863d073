using Orchestrator.Reconciliation;

namespace Orchestrator.Storage.Compliance;

/// <summary>The StockDiscrepancyLog of seed 000: every field, idempotent appends, filtered keyset queries, resolve and the daily summary.</summary>
public abstract class DiscrepancyLogStoreComplianceTests : StorageComplianceTests
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Makes a discrepancy.</summary>
    protected static StockDiscrepancy Row(string id, string sku = "SKU-1", string warehouse = "WH1", int inventory = 100, int wes = 95, DateTimeOffset? at = null, DiscrepancyType type = DiscrepancyType.Quantity)
        => new(id, type, sku, warehouse, inventory, wes, at ?? Day1.AddHours(1));

    /// <summary>Every column of the seed table (sku_code … note) plus type, transaction id, locations and explained quantity must round-trip, or reports show wrong data.</summary>
    [Fact]
    public async Task AppendAsync_EverySeedField_RoundTrips()
    {
        var row = new StockDiscrepancy("tx-1", DiscrepancyType.Location, "SKU-9", "WH2", 100, 95, Day1.AddTicks(98765), "A-01-01", "B-02-03", 3);

        Assert.Equal(1, await Storage.DiscrepancyLog.AppendAsync([row], Ct));
        Assert.True(await Storage.DiscrepancyLog.ResolveAsync((await Storage.DiscrepancyLog.GetOpenAsync("WH2", "SKU-9", Ct))!.Id, "kim", "recounted", Day1.AddDays(1), Ct));

        var stored = Assert.Single((await Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(), Ct)).Items);
        Assert.True(stored.Id > 0);
        Assert.Equal("tx-1", stored.TransactionId);
        Assert.Equal(DiscrepancyType.Location, stored.Type);
        Assert.Equal("SKU-9", stored.SkuCode);
        Assert.Equal("WH2", stored.WarehouseId);
        Assert.Equal(100, stored.InventoryQty);
        Assert.Equal(95, stored.WesQty);
        Assert.Equal(-5, stored.Discrepancy);
        Assert.Equal(Day1.AddTicks(98765), stored.DetectedAt);
        Assert.Equal("A-01-01", stored.InventoryLocation);
        Assert.Equal("B-02-03", stored.WesLocation);
        Assert.Equal(3, stored.ExplainedQuantity);
        Assert.Equal(DiscrepancyStatus.Resolved, stored.Status);
        Assert.Equal("kim", stored.ResolvedBy);
        Assert.Equal(Day1.AddDays(1), stored.ResolvedAt);
        Assert.Equal("recounted", stored.Note);
    }

    /// <summary>A replayed detection (a retried reconciliation run) must log each discrepancy once, also when the batch repeats an id.</summary>
    [Fact]
    public async Task AppendAsync_TransactionIdAlreadyLogged_Skipped()
    {
        Assert.Equal(2, await Storage.DiscrepancyLog.AppendAsync([Row("tx-1"), Row("tx-2"), Row("tx-2")], Ct));

        Assert.Equal(1, await Storage.DiscrepancyLog.AppendAsync([Row("tx-1"), Row("tx-3")], Ct));

        Assert.Equal(3, (await Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(), Ct)).Items.Count);
    }

    /// <summary>Two instances logging the same detection at once must still log it once: the unique key decides, not a read.</summary>
    [Fact]
    public async Task AppendAsync_SameTransactionIdConcurrently_LoggedOnce()
    {
        var added = await RaceAsync(6, (storage, _) => storage.DiscrepancyLog.AppendAsync([Row("tx-race")], Ct));

        Assert.Equal(1, added.Sum());
    }

    /// <summary>Reports query by warehouse, SKU, time range, status and type (seed 000: 依照倉別、商品、時間區間進行查詢); every filter must apply.</summary>
    [Fact]
    public async Task QueryAsync_EachFilter_ReturnsOnlyMatchingRows()
    {
        await Storage.DiscrepancyLog.AppendAsync(
            [
                Row("a", "SKU-1", "WH1", at: Day1.AddHours(1)),
                Row("b", "SKU-2", "WH1", at: Day1.AddHours(2), type: DiscrepancyType.Task),
                Row("c", "SKU-1", "WH2", at: Day1.AddDays(1)),
                Row("d", "SKU-1", "WH1", at: Day1.AddDays(2)),
            ],
            Ct);
        await Storage.DiscrepancyLog.ResolveOpenAsync("WH2", "SKU-1", "lee", null, Day1.AddDays(3), Ct);

        async Task<string[]> Ids(DiscrepancyQuery q) => (await Storage.DiscrepancyLog.QueryAsync(q, Ct)).Items.Select(i => i.TransactionId).ToArray();

        Assert.Equal(["d", "b", "a"], await Ids(new DiscrepancyQuery(WarehouseId: "WH1")));
        Assert.Equal(["d", "c", "a"], await Ids(new DiscrepancyQuery(SkuCode: "SKU-1")));
        Assert.Equal(["c", "b"], await Ids(new DiscrepancyQuery(From: Day1.AddHours(2), To: Day1.AddDays(2))));
        Assert.Equal(["c"], await Ids(new DiscrepancyQuery(Status: DiscrepancyStatus.Resolved)));
        Assert.Equal(["b"], await Ids(new DiscrepancyQuery(Type: DiscrepancyType.Task)));
        Assert.Equal(["d", "a"], await Ids(new DiscrepancyQuery(WarehouseId: "WH1", SkuCode: "SKU-1", Status: DiscrepancyStatus.Open)));
    }

    /// <summary>Keyset paging must visit every row exactly once, newest first, and say when the last page was reached.</summary>
    [Fact]
    public async Task QueryAsync_KeysetPaging_VisitsEveryRowOnceNewestFirst()
    {
        await Storage.DiscrepancyLog.AppendAsync(Enumerable.Range(0, 25).Select(i => Row("tx-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "SKU-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList(), Ct);

        var seen = new List<string>();
        long? cursor = null;
        var pages = 0;
        do
        {
            var page = await Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(PageSize: 10, BeforeId: cursor), Ct);
            seen.AddRange(page.Items.Select(i => i.TransactionId));
            cursor = page.NextBeforeId;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => "tx-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)), seen);
    }

    /// <summary>Resolving records who and when once; a second resolve of the same row reports that it was not open.</summary>
    [Fact]
    public async Task ResolveAsync_OpenRow_ResolvesOnce()
    {
        await Storage.DiscrepancyLog.AppendAsync([Row("tx-1")], Ct);
        var open = await Storage.DiscrepancyLog.GetOpenAsync("WH1", "SKU-1", Ct);

        Assert.True(await Storage.DiscrepancyLog.ResolveAsync(open!.Id, "kim", null, Day1.AddDays(1), Ct));
        Assert.False(await Storage.DiscrepancyLog.ResolveAsync(open.Id, "lee", null, Day1.AddDays(2), Ct));

        Assert.Null(await Storage.DiscrepancyLog.GetOpenAsync("WH1", "SKU-1", Ct));
    }

    /// <summary>Consecutive open detections tell a lasting difference from a passing one; a fix resolves them all at once.</summary>
    [Fact]
    public async Task ResolveOpenAsync_SeveralOpenRows_ResolvesOnlyThatSku()
    {
        await Storage.DiscrepancyLog.AppendAsync([Row("a", at: Day1), Row("b", at: Day1.AddHours(1)), Row("c", at: Day1.AddHours(2)), Row("other", "SKU-2")], Ct);

        Assert.Equal(3, await Storage.DiscrepancyLog.CountOpenAsync("WH1", "SKU-1", Ct));
        Assert.Equal("c", (await Storage.DiscrepancyLog.GetOpenAsync("WH1", "SKU-1", Ct))!.TransactionId);

        Assert.Equal(3, await Storage.DiscrepancyLog.ResolveOpenAsync("WH1", "SKU-1", "orchestrator", "auto-fix", Day1.AddDays(1), Ct));

        Assert.Equal(0, await Storage.DiscrepancyLog.CountOpenAsync("WH1", "SKU-1", Ct));
        Assert.Equal(1, await Storage.DiscrepancyLog.CountOpenAsync("WH1", "SKU-2", Ct));
    }

    /// <summary>The daily snapshot comparison (seed 000: 每日快照比較) groups by UTC day, warehouse and type, counting open rows and absolute units.</summary>
    [Fact]
    public async Task SummarizeByDayAsync_RowsOverSeveralDays_GroupsByUtcDayWarehouseAndType()
    {
        await Storage.DiscrepancyLog.AppendAsync(
            [
                Row("a", "S1", "WH1", 100, 95, Day1.AddHours(1)),
                Row("b", "S2", "WH1", 10, 20, Day1.AddHours(23).AddMinutes(59)),
                Row("c", "S3", "WH1", 5, 0, Day1.AddDays(1), DiscrepancyType.ReturnOrScrap),
                Row("d", "S4", "WH2", 1, 2, Day1.AddDays(1)),
                Row("e", "S5", "WH1", 1, 2, Day1.AddDays(5)),
            ],
            Ct);
        await Storage.DiscrepancyLog.ResolveOpenAsync("WH1", "S1", "kim", null, Day1.AddDays(1), Ct);

        var all = await Storage.DiscrepancyLog.SummarizeByDayAsync(DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.UtcDateTime).AddDays(1), null, Ct);
        var wh2 = await Storage.DiscrepancyLog.SummarizeByDayAsync(DateOnly.FromDateTime(Day1.UtcDateTime), DateOnly.FromDateTime(Day1.UtcDateTime).AddDays(1), "WH2", Ct);

        var day1 = DateOnly.FromDateTime(Day1.UtcDateTime);
        Assert.Equal(
            [
                new DiscrepancyDailySummary(day1, "WH1", DiscrepancyType.Quantity, 2, 1, 15),
                new DiscrepancyDailySummary(day1.AddDays(1), "WH1", DiscrepancyType.ReturnOrScrap, 1, 1, 5),
                new DiscrepancyDailySummary(day1.AddDays(1), "WH2", DiscrepancyType.Quantity, 1, 1, 1),
            ],
            all);
        Assert.Equal([new DiscrepancyDailySummary(day1.AddDays(1), "WH2", DiscrepancyType.Quantity, 1, 1, 1)], wh2);
    }

    /// <summary>A full-warehouse detection arrives as one large batch through the bulk path; every row must land, with ids in input order.</summary>
    [Fact]
    public async Task AppendAsync_LargeBatch_WritesEveryRowInInputOrder()
    {
        var rows = Enumerable.Range(0, 20_000).Select(i => Row("bulk-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "SKU-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), at: Day1.AddSeconds(i))).ToList();

        Assert.Equal(20_000, await Storage.DiscrepancyLog.AppendAsync(rows, Ct));

        var newest = await Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(PageSize: 2), Ct);
        Assert.Equal(["bulk-19999", "bulk-19998"], newest.Items.Select(i => i.TransactionId));
        Assert.Equal(1, await Storage.DiscrepancyLog.CountOpenAsync("WH1", "SKU-12345", Ct));
    }
}
