using Orchestrator.Catalog;

namespace Orchestrator.Tests.Catalog;

public class SkuCatalogTests
{
    [Fact]
    public void GetOrAdd_NewCodes_GetDenseOrdinalsInOrder()
    {
        var catalog = new SkuCatalog();

        Assert.Equal(0, catalog.GetOrAdd("A"));
        Assert.Equal(1, catalog.GetOrAdd("B"));
        Assert.Equal(0, catalog.GetOrAdd("A"));
        Assert.Equal(2, catalog.Count);
        Assert.Equal("B", catalog.GetCode(1));
    }

    [Fact]
    public void TryGetOrdinal_Span_FindsCodeWithoutAllocatingAString()
    {
        var catalog = new SkuCatalog();
        catalog.GetOrAdd("SKU-001");

        Assert.True(catalog.TryGetOrdinal("xSKU-001x".AsSpan(1, 7), out var ordinal));
        Assert.Equal(0, ordinal);
        Assert.False(catalog.TryGetOrdinal("sku-001".AsSpan(), out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" A")]
    [InlineData("A ")]
    public void GetOrAdd_InvalidCode_ThrowsInvalidStockData(string code)
    {
        var ex = Assert.Throws<InvalidStockDataException>(() => new SkuCatalog().GetOrAdd(code));
        Assert.Equal(OrchestratorErrorCodes.InvalidData, ex.ErrorCode);
    }

    [Fact]
    public void GetOrAdd_ConcurrentAddsOfSameCodes_GiveEachCodeOneOrdinal()
    {
        var catalog = new SkuCatalog(capacity: 4);
        var codes = Enumerable.Range(0, 5_000).Select(i => $"SKU-{i}").ToArray();
        var results = new int[4][];

        Parallel.For(0, 4, t => results[t] = codes.Select(catalog.GetOrAdd).ToArray());

        Assert.Equal(codes.Length, catalog.Count);
        for (var t = 1; t < 4; t++)
        {
            Assert.Equal(results[0], results[t]);
        }

        Assert.Equal(codes.Length, results[0].Distinct().Count());
        Assert.All(Enumerable.Range(0, codes.Length), i => Assert.Equal(codes[i], catalog.GetCode(results[0][i])));
    }

    [Fact]
    public void GetCode_OrdinalOutsideCatalog_Throws()
    {
        var catalog = new SkuCatalog();
        catalog.GetOrAdd("A");

        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.GetCode(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => catalog.GetCode(-1));
    }

    [Fact]
    public void GetOrAdd_ManyCodesThroughEveryGrowth_EachFoundByStringSpanAndUtf8()
    {
        var catalog = new SkuCatalog(capacity: 0);
        var codes = Enumerable.Range(0, 50_000).Select(i => i % 7 == 0 ? $"상품-{i}-옵션" : $"SKU-{i:D8}").ToArray();

        for (var i = 0; i < codes.Length; i++)
        {
            Assert.Equal(i, catalog.GetOrAdd(codes[i]));
        }

        for (var i = 0; i < codes.Length; i++)
        {
            Assert.True(catalog.TryGetOrdinal(codes[i], out var byString));
            Assert.True(catalog.TryGetOrdinalUtf8(System.Text.Encoding.UTF8.GetBytes(codes[i]), out var byUtf8));
            Assert.Equal(i, byString);
            Assert.Equal(i, byUtf8);
            Assert.Equal(codes[i], catalog.GetCode(i));
        }

        Assert.False(catalog.TryGetOrdinal("SKU-00050000", out _));
        Assert.False(catalog.TryGetOrdinalUtf8("SKU-0000000"u8, out _));
    }

    [Fact]
    public void GetOrAdd_CodeWithLoneSurrogate_ThrowsInvalidStockData_AndLookupFindsNothing()
    {
        var catalog = new SkuCatalog();
        var code = "SKU-\ud800";

        Assert.Throws<InvalidStockDataException>(() => catalog.GetOrAdd(code));
        Assert.False(catalog.TryGetOrdinal(code, out _));
        Assert.Equal(0, catalog.Count);
    }

    [Fact]
    public async Task TryGetOrdinal_WhileAnotherThreadAdds_NeverFailsForACodeAddedBefore()
    {
        var catalog = new SkuCatalog(capacity: 16);
        var first = Enumerable.Range(0, 2_000).Select(i => $"A-{i}").ToArray();
        foreach (var code in first)
        {
            catalog.GetOrAdd(code);
        }

        var failures = 0;
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                for (var i = 0; i < first.Length; i++)
                {
                    if (!catalog.TryGetOrdinal(first[i], out var ordinal) || ordinal != i)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        }, TestContext.Current.CancellationToken);

        for (var i = 0; i < 200_000; i++)
        {
            catalog.GetOrAdd($"B-{i}");
        }

        stop.Cancel();
        await reader;
        Assert.Equal(0, failures);
        Assert.Equal(202_000, catalog.Count);
    }

    [Fact]
    public void SetCategory_SetChangedAndCleared_GetCategoryFollows()
    {
        var catalog = new SkuCatalog();
        var a = catalog.GetOrAdd("A");
        var b = catalog.GetOrAdd("B");

        catalog.SetCategory(b, "shoes");
        Assert.Null(catalog.GetCategory(a));
        Assert.Equal("shoes", catalog.GetCategory(b));

        catalog.SetCategory(a, "shoes");
        catalog.SetCategory(b, "bags");
        catalog.SetCategory(a, null);
        Assert.Null(catalog.GetCategory(a));
        Assert.Equal("bags", catalog.GetCategory(b));
    }
}
