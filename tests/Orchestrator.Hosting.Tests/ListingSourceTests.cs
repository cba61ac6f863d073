using Orchestrator.Catalog;
using Orchestrator.Hosting.Listings;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

public sealed class ListingSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "orchestrator-listings-" + Guid.NewGuid().ToString("N"));

    public ListingSourceTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public void Parse_reads_each_channel_key_format_onto_one_catalog()
    {
        var listings = CsvListingCatalogSource.Parse("""
            sku_code,channel,listing_key
            # a comment
            SKU-1,coupang,1001
            SKU-1,naver,2001/3001
            SKU-1,cafe24,11/P000000A000B

            SKU-2,naver,2002/0
            """, "v1");

        Assert.Equal(2, listings.Catalog.Count);
        Assert.Equal(["cafe24", "coupang", "naver"], listings.Channels.Order(StringComparer.Ordinal));
        Assert.True(listings.For("coupang").TryGetOrdinal(new ListingKey(1001), out var coupang));
        Assert.True(listings.For("naver").TryGetOrdinal(ListingKey.Naver(2001, 3001), out var naver));
        Assert.True(listings.For("cafe24").TryGetOrdinal(ListingKey.Cafe24(11, "P000000A000B"), out var cafe24));
        Assert.Equal([coupang, coupang], [naver, cafe24]);
        Assert.Equal("SKU-1", listings.Catalog.GetCode(coupang));
        Assert.Equal(0, listings.For("unknown").Count);
    }

    [Theory]
    [InlineData("sku,channel,key\nSKU-1,coupang,1", "must start with the header")]
    [InlineData("sku_code,channel,listing_key\nSKU-1,coupang", "line 2: expected 3 columns")]
    [InlineData("sku_code,channel,listing_key\nSKU-1,coupang,abc", "line 2: 'abc' is not a listing key")]
    [InlineData("sku_code,channel,listing_key\nSKU-1,coupang,1\nSKU-2,coupang,1", "line 3:")]
    public void Parse_refuses_a_malformed_file_naming_the_line(string text, string expected)
    {
        var error = Assert.Throws<InvalidStockDataException>(() => CsvListingCatalogSource.Parse(text, "v"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_source_keeps_the_same_listings_until_the_file_changes()
    {
        var path = Path.Combine(_folder, "listings.csv");
        await File.WriteAllTextAsync(path, "sku_code,channel,listing_key\nSKU-1,coupang,1\n", TestContext.Current.CancellationToken);
        using var source = new CsvListingCatalogSource(path);

        var first = await source.GetAsync(TestContext.Current.CancellationToken);
        var again = await source.GetAsync(TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(path, "sku_code,channel,listing_key\nSKU-1,coupang,1\nSKU-2,coupang,2\n", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));
        var changed = await source.GetAsync(TestContext.Current.CancellationToken);

        Assert.Same(first, again);
        Assert.NotSame(first, changed);
        Assert.Equal(2, changed.Catalog.Count);
    }

    [Fact]
    public async Task Csv_source_keeps_the_last_good_listings_when_the_file_breaks()
    {
        var path = Path.Combine(_folder, "listings.csv");
        await File.WriteAllTextAsync(path, "sku_code,channel,listing_key\nSKU-1,coupang,1\n", TestContext.Current.CancellationToken);
        using var source = new CsvListingCatalogSource(path);
        var good = await source.GetAsync(TestContext.Current.CancellationToken);

        await File.WriteAllTextAsync(path, "garbage", TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5));

        Assert.Same(good, await source.GetAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Csv_source_without_a_file_fails_with_a_typed_error()
    {
        using var source = new CsvListingCatalogSource(Path.Combine(_folder, "missing.csv"));

        var error = await Assert.ThrowsAsync<InvalidStockDataException>(() => source.GetAsync(TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delegate_source_loads_again_only_after_its_interval()
    {
        var clock = new ManualTimeProvider();
        var loads = 0;
        using var source = new DelegateListingCatalogSource(_ =>
        {
            loads++;
            var catalog = new SkuCatalog();
            return ValueTask.FromResult(new ListingCatalog(catalog, [], "v" + loads));
        }, TimeSpan.FromMinutes(5), clock);

        var first = await source.GetAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(4));
        var cached = await source.GetAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(1));
        var reloaded = await source.GetAsync(TestContext.Current.CancellationToken);

        Assert.Same(first, cached);
        Assert.Equal("v2", reloaded.Version);
        Assert.Equal(2, loads);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
