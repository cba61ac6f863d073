using Orchestrator.Catalog;
using Orchestrator.Reconciliation;
using Orchestrator.Stock;
using Orchestrator.Warehouse;

namespace Orchestrator.Tests.Reconciliation;

public class DiscrepancyClassifierTests
{
    private static StockSnapshot Inventory(SkuCatalog c, params (string, int, int, string?)[] rows) => TestData.Stock(c, "WH1", StockSourceKind.Inventory, rows);

    private static StockSnapshot Wes(SkuCatalog c, params (string, int, int, string?)[] rows) => TestData.Stock(c, "WH1", StockSourceKind.Warehouse, rows);

    private static WesMovement Move(string tx, string sku, WesMovementKind kind, int qty) => new(tx, "WH1", sku, kind, qty, TestData.Now.AddMinutes(-5));

    [Fact]
    public void Classify_SeedExample_QuantityDiscrepancyWithDifferenceAndPercent()
    {
        var catalog = new SkuCatalog();
        var inventory = Inventory(catalog, ("A", 100, 0, null), ("SAME", 7, 0, null));
        var wes = Wes(catalog, ("A", 95, 0, null), ("SAME", 7, 0, null));

        var result = DiscrepancyClassifier.Classify(inventory, wes, [], "run-1", TestData.Now);

        var d = Assert.Single(result);
        Assert.Equal(DiscrepancyType.Quantity, d.Type);
        Assert.Equal(("A", "WH1", 100, 95, -5), (d.SkuCode, d.WarehouseId, d.InventoryQty, d.WesQty, d.Discrepancy));
        Assert.Equal(5m, d.DiscrepancyPercent);
        Assert.Equal("run-1:WH1:A", d.TransactionId);
        Assert.Equal(DiscrepancyStatus.Open, d.Status);
        Assert.Equal(TestData.Now, d.DetectedAt);
    }

    [Fact]
    public void Classify_SameQuantityDifferentLocation_LocationDiscrepancy()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(Inventory(catalog, ("A", 3, 0, "Z1")), Wes(catalog, ("A", 3, 0, "Z9")), [], "r", TestData.Now);

        var d = Assert.Single(result);
        Assert.Equal(DiscrepancyType.Location, d.Type);
        Assert.Equal(("Z1", "Z9"), (d.InventoryLocation, d.WesLocation));
    }

    [Fact]
    public void Classify_WesPickedNotCommitted_TaskDiscrepancyExplainedByMovement()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(
            Inventory(catalog, ("A", 10, 4, null)), Wes(catalog, ("A", 6, 0, null)), [Move("wes-1", "A", WesMovementKind.Commit, 4)], "r", TestData.Now);

        var d = Assert.Single(result);
        Assert.Equal(DiscrepancyType.Task, d.Type);
        Assert.Equal(-4, d.ExplainedQuantity);
        Assert.Equal(d.Discrepancy, d.ExplainedQuantity);
    }

    [Fact]
    public void Classify_UnappliedCommitWithEqualQuantities_StillTaskDiscrepancy()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(
            Inventory(catalog, ("A", 6, 4, null)), Wes(catalog, ("A", 6, 0, null)),
            [Move("wes-1", "A", WesMovementKind.Commit, 4), Move("wes-2", "A", WesMovementKind.Restock, 4)], "r", TestData.Now);

        Assert.Equal(DiscrepancyType.Task, Assert.Single(result).Type);
    }

    [Fact]
    public void Classify_WesRestockOrScrapNotApplied_ReturnOrScrapDiscrepancy()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(
            Inventory(catalog, ("R", 0, 0, null), ("S", 10, 0, null)),
            Wes(catalog, ("R", 3, 0, null), ("S", 8, 0, null)),
            [Move("wes-r", "R", WesMovementKind.Restock, 3), Move("wes-s", "S", WesMovementKind.Scrap, 2)], "r", TestData.Now);

        Assert.Equal([(DiscrepancyType.ReturnOrScrap, 3), (DiscrepancyType.ReturnOrScrap, -2)], result.Select(d => (d.Type, d.ExplainedQuantity)));
    }

    [Fact]
    public void Classify_SkuOnOneSideOnly_CountsAsZeroOnTheOther()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(
            Inventory(catalog, ("INV_ONLY", 5, 0, null), ("BOTH_ZERO", 0, 0, null)),
            Wes(catalog, ("WES_ONLY", 2, 0, null)), [], "r", TestData.Now);

        Assert.Equal([("INV_ONLY", 5, 0), ("WES_ONLY", 0, 2)], result.Select(d => (d.SkuCode, d.InventoryQty, d.WesQty)));
        Assert.All(result, d => Assert.Equal(100m, d.DiscrepancyPercent));
    }

    [Fact]
    public void Classify_MovementForSkuNeitherSnapshotReports_IsStillClassified()
    {
        var catalog = new SkuCatalog();

        var result = DiscrepancyClassifier.Classify(Inventory(catalog), Wes(catalog), [Move("wes-1", "NEW", WesMovementKind.Commit, 1)], "r", TestData.Now);

        Assert.Equal(("NEW", DiscrepancyType.Task), (Assert.Single(result).SkuCode, result[0].Type));
    }

    [Fact]
    public void Classify_DifferentWarehousesOrWrongKinds_ThrowsDataMismatch()
    {
        var catalog = new SkuCatalog();
        var inventory = Inventory(catalog, ("A", 1, 0, null));
        var wes2 = TestData.Stock(catalog, "WH2", StockSourceKind.Warehouse, ("A", 1, 0, null));

        Assert.Throws<DataMismatchException>(() => DiscrepancyClassifier.Classify(inventory, wes2, [], "r", TestData.Now));
        Assert.Throws<DataMismatchException>(() => DiscrepancyClassifier.Classify(inventory, inventory, [], "r", TestData.Now));
        Assert.Throws<DataMismatchException>(() => DiscrepancyClassifier.Classify(
            inventory, Wes(catalog, ("A", 1, 0, null)), [new WesMovement("t", "WH2", "A", WesMovementKind.Scrap, 1, TestData.Now)], "r", TestData.Now));
        Assert.Throws<DataMismatchException>(() => DiscrepancyClassifier.Classify(inventory, Wes(new SkuCatalog(), ("A", 1, 0, null)), [], "r", TestData.Now));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(100, 95, 5)]
    [InlineData(95, 100, 5)]
    [InlineData(3, 0, 100)]
    [InlineData(3, 2, 33.33)]
    public void Percent_IsRelativeToLargerQuantity(int inventory, int wes, double expected)
    {
        Assert.Equal((decimal)expected, DiscrepancyMath.Percent(inventory, wes));
    }
}
