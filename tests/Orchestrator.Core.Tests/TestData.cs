using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Tests;

/// <summary>Builds snapshots for tests.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    public static StockSnapshot Stock(SkuCatalog catalog, string warehouse, StockSourceKind kind, params (string Sku, int OnHand, int Reserved, string? Location)[] rows)
    {
        var builder = new StockSnapshotBuilder(catalog, kind == StockSourceKind.Inventory ? "inventory" : "wes", kind, warehouse, Now);
        foreach (var (sku, onHand, reserved, location) in rows)
        {
            var ordinal = builder.Set(sku, onHand, location);
            if (reserved != 0)
            {
                builder.SetReserved(ordinal, reserved);
            }
        }

        return builder.Build();
    }

    public static StockSnapshot Warehouse(SkuCatalog catalog, params (string Sku, int OnHand)[] rows) =>
        Stock(catalog, "WH1", StockSourceKind.Warehouse, rows.Select(r => (r.Sku, r.OnHand, 0, (string?)null)).ToArray());

    public static StockSnapshot Channel(SkuCatalog catalog, string channel, string warehouse, params (string Sku, int Shown)[] rows)
    {
        var map = new ChannelListingMap(channel, catalog);
        var id = 1L;
        foreach (var (sku, _) in rows)
        {
            map.Add(ListingKey.Coupang(id++), sku);
        }

        var builder = new StockSnapshotBuilder(map, warehouse, Now);
        id = 1L;
        foreach (var (_, shown) in rows)
        {
            Assert.True(builder.TrySetListing(id++, 0, shown));
        }

        return builder.Build();
    }
}
