using Orchestrator.Catalog;

namespace Orchestrator.Tests.Catalog;

public class ChannelListingMapTests
{
    [Fact]
    public void Add_ListingsOfEachChannelShape_MapBothWays()
    {
        var catalog = new SkuCatalog();
        var coupang = new ChannelListingMap("coupang", catalog);
        var naver = new ChannelListingMap("naver", catalog);
        var cafe24 = new ChannelListingMap("cafe24", catalog);

        var a = coupang.Add(ListingKey.Coupang(3000001), "A");
        naver.Add(ListingKey.Naver(9001, 77), "A");
        cafe24.Add(ListingKey.Cafe24(12, "P00000AB000C"), "A");

        Assert.True(coupang.TryGetOrdinal(3000001, 0, out var o1));
        Assert.True(naver.TryGetOrdinal(9001, 77, out var o2));
        Assert.True(cafe24.TryGetOrdinal("P00000AB000C".AsSpan(), out var o3));
        Assert.Equal([a, a, a], new[] { o1, o2, o3 });
        Assert.True(cafe24.TryGetListing(a, out var listing));
        Assert.Equal(12, listing.Id);
        Assert.Equal("P00000AB000C", listing.Code);
        Assert.False(naver.TryGetOrdinal(9001, 78, out _));
    }

    [Fact]
    public void Add_SameListingForTwoSkus_ThrowsNamingTheSku()
    {
        var map = new ChannelListingMap("coupang", new SkuCatalog());
        map.Add(ListingKey.Coupang(1), "A");

        var ex = Assert.Throws<InvalidStockDataException>(() => map.Add(ListingKey.Coupang(1), "B"));
        Assert.Contains("'B'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_SecondListingForOneSku_Throws()
    {
        var map = new ChannelListingMap("coupang", new SkuCatalog());
        map.Add(ListingKey.Coupang(1), "A");

        Assert.Throws<InvalidStockDataException>(() => map.Add(ListingKey.Coupang(2), "A"));
    }

    [Fact]
    public void Add_SameMappingTwice_IsIdempotent()
    {
        var map = new ChannelListingMap("coupang", new SkuCatalog());
        map.Add(ListingKey.Coupang(1), "A");
        map.Add(ListingKey.Coupang(1), "A");

        Assert.Equal(1, map.Count);
    }
}
