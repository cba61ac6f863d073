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
}
