using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Tests.Stock;

public class StockSnapshotBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_SetSkus_ColumnsHoldQuantitiesAndNotReported()
    {
        var catalog = new SkuCatalog();
        catalog.GetOrAdd("UNSEEN");
        var builder = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, "WH1", Now);
        var a = builder.Set("A", 95, "A-01-02");
        builder.SetReserved(a, 5);

        var snapshot = builder.Build();

        Assert.Equal(2, snapshot.Length);
        Assert.Equal(1, snapshot.ReportedCount);
        Assert.Equal(95, snapshot.GetQuantity("A"));
        Assert.Null(snapshot.GetQuantity("UNSEEN"));
        Assert.Equal(StockSnapshot.NotReported, snapshot.Quantities[0]);
        Assert.Equal(5, snapshot.GetReserved(a));
        Assert.Equal("A-01-02", snapshot.GetLocation(a));
        Assert.Equal("WH1", snapshot.WarehouseId);
        Assert.Equal(Now, snapshot.TakenAt);
    }

    [Fact]
    public void GetReportedSkuCodes_ChangeFeedOverALargerCatalog_OnlyTheReportedSkusInCatalogOrder()
    {
        var catalog = new SkuCatalog();
        foreach (var code in new[] { "A", "B", "C", "D" })
        {
            catalog.GetOrAdd(code);
        }

        var builder = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, "WH1", Now);
        builder.Set("D", 0);
        builder.Set("B", 7);
        builder.Set("E", 1);

        Assert.Equal(["B", "D", "E"], builder.Build().GetReportedSkuCodes());
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(2_147_483_648L)]
    public void Set_QuantityOutOfRange_ThrowsInvalidStockDataNamingSku(long quantity)
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, "WH1", Now);

        var ex = Assert.Throws<InvalidStockDataException>(() => builder.Set("SKU-9", quantity));

        Assert.Equal("SKU-9", ex.SkuCode);
        Assert.Contains(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_SameSkuTwice_ThrowsInvalidStockData()
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, "WH1", Now);
        builder.Set("A", 1);

        var ex = Assert.Throws<InvalidStockDataException>(() => builder.Set("A", 1));

        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrySetListing_UnmappedListing_IsCountedNotThrown()
    {
        var catalog = new SkuCatalog();
        var map = new ChannelListingMap("coupang", catalog);
        map.Add(ListingKey.Coupang(1), "A");
        var builder = new StockSnapshotBuilder(map, "WH1", Now);

        Assert.True(builder.TrySetListing(1, 0, 7));
        Assert.False(builder.TrySetListing(2, 0, 3));
        var snapshot = builder.Build();

        Assert.Equal(StockSourceKind.Channel, snapshot.Kind);
        Assert.Equal("coupang", snapshot.Source);
        Assert.Equal(7, snapshot.GetQuantity("A"));
        Assert.Equal(1, snapshot.UnknownListingCount);
        Assert.Equal(["2"], snapshot.UnknownListings);
    }

    [Fact]
    public void TrySetListing_OnWarehouseBuilder_Throws()
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, "WH1", Now);

        Assert.Throws<InvalidOperationException>(() => builder.TrySetListing(1, 0, 1));
    }

    [Fact]
    public void Build_Twice_Throws()
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, "WH1", Now);
        builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Throws<InvalidOperationException>(() => builder.Set("A", 1));
    }

    [Fact]
    public void Build_CatalogGrewWhileBuilding_ColumnCoversNewSkusAsNotReported()
    {
        var catalog = new SkuCatalog(capacity: 1);
        var builder = new StockSnapshotBuilder(catalog, "inventory", StockSourceKind.Inventory, "WH1", Now);
        for (var i = 0; i < 100; i++)
        {
            catalog.GetOrAdd($"S{i}");
        }

        builder.Set(99, 4);
        var snapshot = builder.Build();

        Assert.Equal(100, snapshot.Length);
        Assert.Equal(4, snapshot.GetQuantity(99));
        Assert.Null(snapshot.GetQuantity(98));
    }
}
