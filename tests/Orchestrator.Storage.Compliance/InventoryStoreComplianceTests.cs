using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Storage.Compliance;

/// <summary>The inventory book of record: idempotent adjustments by transaction id, refused negatives, versions for incremental reads, bulk loads.</summary>
public abstract class InventoryStoreComplianceTests : StorageComplianceTests
{
    /// <summary>Makes an adjustment in WH1.</summary>
    protected static InventoryAdjustment Adj(string id, InventoryAdjustmentKind kind, int quantity, string sku = "SKU-1", string? location = null)
        => new(id, "WH1", sku, kind, quantity, "test", location);

    /// <summary>A first change creates the position; the result reports the position after the change and a version.</summary>
    [Fact]
    public async Task ApplyAsync_FirstReceive_CreatesPosition()
    {
        Assert.Null(await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct));

        var result = await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 10, location: "A-01"), Ct);

        Assert.True(result.Applied);
        Assert.Equal(10, result.Position.OnHand);
        Assert.Equal("A-01", result.Position.Location);
        Assert.True(result.Position.Version > 0);
        Assert.Equal(result.Position, await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct));
    }

    /// <summary>Every stock change carries a transaction id and replays are no-ops (DESIGN: safety rules): the replay reports Applied false and the position as it is.</summary>
    [Fact]
    public async Task ApplyAsync_SameTransactionIdTwice_AppliedOnce()
    {
        await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 10), Ct);

        var replay = await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 10), Ct);

        Assert.False(replay.Applied);
        Assert.Equal(10, replay.Position.OnHand);
        Assert.Equal(["tx-1"], await Storage.Inventory.GetAppliedAsync(["tx-1", "tx-unknown"], Ct));
    }

    /// <summary>A transaction id is global: a replay that names another SKU (a bug upstream) changes nothing, creates no row, and reports the position the id changed.</summary>
    [Fact]
    public async Task ApplyAsync_ReplayNamingAnotherSku_ReportsOriginalPositionAndCreatesNothing()
    {
        await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 10, "SKU-1"), Ct);

        var replay = await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 10, "SKU-2"), Ct);

        Assert.False(replay.Applied);
        Assert.Equal("SKU-1", replay.Position.SkuCode);
        Assert.Null(await Storage.Inventory.GetPositionAsync("WH1", "SKU-2", Ct));
    }

    /// <summary>A WES callback delivered twice at once to two instances: a read-then-write store applies it twice; the applied-transactions key must let it through once.</summary>
    [Fact]
    public async Task ApplyAsync_SameTransactionIdConcurrently_AppliedOnce()
    {
        var results = await RaceAsync(8, (storage, _) => storage.Inventory.ApplyAsync(Adj("tx-race", InventoryAdjustmentKind.Receive, 7), Ct));

        Assert.Single(results, r => r.Applied);
        Assert.Equal(7, (await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct))!.OnHand);
    }

    /// <summary>Different changes to one SKU from two instances at once must all count: no lost update.</summary>
    [Fact]
    public async Task ApplyAsync_DifferentTransactionsConcurrently_NoLostUpdate()
    {
        await RaceAsync(12, (storage, i) => storage.Inventory.ApplyAsync(Adj("tx-" + i, InventoryAdjustmentKind.Receive, 1), Ct));

        Assert.Equal(12, (await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct))!.OnHand);
    }

    /// <summary>Stock can never go negative: the change is refused with InvalidStockDataException, nothing changes, and the id stays unused so a corrected retry can apply.</summary>
    [Fact]
    public async Task ApplyAsync_WouldMakeOnHandNegative_RefusedAndNothingChanges()
    {
        var before = (await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 3), Ct)).Position;

        var error = await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.Inventory.ApplyAsync(Adj("tx-2", InventoryAdjustmentKind.Scrap, 4), Ct));

        Assert.Equal("ERR-DATA-001", error.ErrorCode);
        Assert.Equal(before, await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct));
        Assert.Empty(await Storage.Inventory.GetAppliedAsync(["tx-2"], Ct));
    }

    /// <summary>Reserving more than is on hand would oversell; it is refused.</summary>
    [Fact]
    public async Task ApplyAsync_ReserveMoreThanOnHand_Refused()
    {
        await Storage.Inventory.ApplyAsync(Adj("tx-1", InventoryAdjustmentKind.Receive, 5), Ct);
        await Storage.Inventory.ApplyAsync(Adj("tx-2", InventoryAdjustmentKind.Reserve, 4), Ct);

        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.Inventory.ApplyAsync(Adj("tx-3", InventoryAdjustmentKind.Reserve, 2), Ct));
        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.Inventory.ApplyAsync(Adj("tx-4", InventoryAdjustmentKind.ReleaseReservation, 5), Ct));
        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.Inventory.ApplyAsync(Adj("tx-5", InventoryAdjustmentKind.Receive, -1), Ct));
    }

    /// <summary>Each kind moves the right columns (the WES commit API ships a reservation: reserved and on hand shrink, committed grows).</summary>
    [Fact]
    public async Task ApplyManyAsync_EveryKind_MovesTheRightColumns()
    {
        var results = await Storage.Inventory.ApplyManyAsync(
            [
                Adj("1", InventoryAdjustmentKind.Receive, 10),
                Adj("2", InventoryAdjustmentKind.Reserve, 4),
                Adj("3", InventoryAdjustmentKind.CommitReservation, 3),
                Adj("4", InventoryAdjustmentKind.ReleaseReservation, 1),
                Adj("5", InventoryAdjustmentKind.Restock, 2),
                Adj("6", InventoryAdjustmentKind.Scrap, 1),
                Adj("7", InventoryAdjustmentKind.ManualAdjust, -2),
                Adj("8", InventoryAdjustmentKind.SetOnHand, 20, sku: "SKU-2"),
            ],
            Ct);

        Assert.Equal(
            [(10, 0, 0), (10, 4, 0), (7, 1, 3), (7, 0, 3), (9, 0, 3), (8, 0, 3), (6, 0, 3), (20, 0, 0)],
            results.Select(r => (r.Position.OnHand, r.Position.Reserved, r.Position.Committed)));
        Assert.All(results, r => Assert.True(r.Applied));
        var versions = results.Take(7).Select(r => r.Position.Version).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    /// <summary>A batch is one transaction: when one change is refused, none is applied.</summary>
    [Fact]
    public async Task ApplyManyAsync_OneRefused_NoneApplied()
    {
        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.Inventory.ApplyManyAsync(
            [Adj("1", InventoryAdjustmentKind.Receive, 10), Adj("2", InventoryAdjustmentKind.Scrap, 11)],
            Ct));

        Assert.Null(await Storage.Inventory.GetPositionAsync("WH1", "SKU-1", Ct));
        Assert.Empty(await Storage.Inventory.GetAppliedAsync(["1", "2"], Ct));
    }

    /// <summary>Incremental sync (seed 000: version number 作為增量同步依據) reads only rows changed after a version, lowest first.</summary>
    [Fact]
    public async Task GetChangesAsync_AfterVersion_ReturnsOnlyLaterChangesInOrder()
    {
        var a = await Storage.Inventory.ApplyAsync(Adj("1", InventoryAdjustmentKind.Receive, 1, "A"), Ct);
        await Storage.Inventory.ApplyAsync(Adj("2", InventoryAdjustmentKind.Receive, 1, "B"), Ct);
        await Storage.Inventory.ApplyAsync(Adj("3", InventoryAdjustmentKind.Receive, 1, "C"), Ct);
        await Storage.Inventory.ApplyAsync(Adj("4", InventoryAdjustmentKind.Receive, 1, "B"), Ct);
        await Storage.Inventory.ApplyAsync(new InventoryAdjustment("5", "WH2", "A", InventoryAdjustmentKind.Receive, 1), Ct);

        var changes = await Storage.Inventory.GetChangesAsync("WH1", a.Position.Version, 10, Ct);

        Assert.Equal(["C", "B"], changes.Select(c => c.SkuCode));
        Assert.Single(await Storage.Inventory.GetChangesAsync("WH1", a.Position.Version, 1, Ct));
    }

    /// <summary>The reconciliation reads the whole warehouse into a columnar snapshot: on hand, reserved and location per SKU, and the highest version read.</summary>
    [Fact]
    public async Task ReadSnapshotAsync_Warehouse_FillsBuilderAndReturnsHighestVersion()
    {
        await Storage.Inventory.ApplyAsync(Adj("1", InventoryAdjustmentKind.Receive, 10, "A", "L-1"), Ct);
        await Storage.Inventory.ApplyAsync(Adj("2", InventoryAdjustmentKind.Reserve, 4, "A"), Ct);
        var last = await Storage.Inventory.ApplyAsync(Adj("3", InventoryAdjustmentKind.Receive, 2, "B"), Ct);
        await Storage.Inventory.ApplyAsync(new InventoryAdjustment("4", "WH2", "C", InventoryAdjustmentKind.Receive, 1), Ct);
        var catalog = new SkuCatalog();
        var builder = new StockSnapshotBuilder(catalog, "inventory", StockSourceKind.Inventory, "WH1", Time.GetUtcNow());

        var version = await Storage.Inventory.ReadSnapshotAsync(builder, Ct);

        Assert.Equal(last.Position.Version, version);
        Assert.Equal(2, builder.ReportedCount);
        Assert.True(catalog.TryGetOrdinal("A", out _));
        Assert.False(catalog.TryGetOrdinal("C", out _));
    }

    /// <summary>A full snapshot load (initial load, WES overwrite) upserts whole positions with new versions, leaving other SKUs alone.</summary>
    [Fact]
    public async Task LoadInventoryAsync_Snapshot_UpsertsPositionsWithNewVersions()
    {
        var before = await Storage.Inventory.ApplyAsync(Adj("1", InventoryAdjustmentKind.Receive, 10, "A"), Ct);
        await Storage.Inventory.ApplyAsync(Adj("2", InventoryAdjustmentKind.Receive, 3, "KEEP"), Ct);
        var at = Time.GetUtcNow();
        var rows = Enumerable.Range(0, 5000).Select(i => new InventoryPosition("WH1", i == 0 ? "A" : "S" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i, 0, 0, "L", 0, at)).ToList();

        Assert.Equal(5000, await Storage.LoadInventoryAsync(rows, Ct));

        var a = await Storage.Inventory.GetPositionAsync("WH1", "A", Ct);
        Assert.Equal(0, a!.OnHand);
        Assert.True(a.Version > before.Position.Version);
        Assert.Equal(3, (await Storage.Inventory.GetPositionAsync("WH1", "KEEP", Ct))!.OnHand);
        Assert.Equal(4999, (await Storage.Inventory.GetPositionAsync("WH1", "S4999", Ct))!.OnHand);
        Assert.Equal(5000, (await Storage.Inventory.GetChangesAsync("WH1", before.Position.Version + 1, 10_000, Ct)).Count);
        await Storage.Inventory.ApplyAsync(Adj("3", InventoryAdjustmentKind.Receive, 1, "S1"), Ct);
        var changes = await Storage.Inventory.GetChangesAsync("WH1", a.Version, 10_000, Ct);
        Assert.Equal("S1", changes[^1].SkuCode);
    }

    /// <summary>A snapshot with a negative quantity or a SKU twice is refused whole, before anything is written.</summary>
    [Fact]
    public async Task LoadInventoryAsync_InvalidRows_RefusedWhole()
    {
        var at = Time.GetUtcNow();

        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.LoadInventoryAsync([new("WH1", "A", 1, 0, 0, null, 0, at), new("WH1", "B", -1, 0, 0, null, 0, at)], Ct));
        await Assert.ThrowsAsync<InvalidStockDataException>(() => Storage.LoadInventoryAsync([new("WH1", "A", 1, 0, 0, null, 0, at), new("WH1", "A", 2, 0, 0, null, 0, at)], Ct));

        Assert.Null(await Storage.Inventory.GetPositionAsync("WH1", "A", Ct));
    }
}
