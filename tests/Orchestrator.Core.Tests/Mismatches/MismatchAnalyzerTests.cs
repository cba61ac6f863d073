using Orchestrator.Catalog;
using Orchestrator.Mismatches;
using Orchestrator.Stock;

namespace Orchestrator.Tests.Mismatches;

public class MismatchAnalyzerTests
{
    [Fact]
    public void Analyze_ChannelsThatDrifted_ReportsOnlyDifferingSkusWithSeedDifference()
    {
        var catalog = new SkuCatalog();
        var warehouse = TestData.Warehouse(catalog, ("A", 10), ("B", 5), ("C", 0));
        var targets = SellableQuantityCalculator.Calculate(warehouse, [new ChannelSellableRule("coupang"), new ChannelSellableRule("naver")]);
        var coupang = TestData.Channel(catalog, "coupang", "WH1", ("A", 10), ("B", 7), ("C", 0));
        var naver = TestData.Channel(catalog, "naver", "WH1", ("A", 9), ("B", 5));

        var report = new MismatchAnalyzer().Analyze(targets, [coupang, naver]);

        Assert.Equal(
            [("coupang", "B", (int?)7, 5, -2), ("naver", "A", (int?)9, 10, 1)],
            report.Mismatches.Select(m => (m.Channel, report.SkuCodeOf(m), m.ChannelQuantity, m.TargetQuantity, m.Difference)).ToArray());
        Assert.Equal(5, report.Compared); // naver does not list C: not sold there
        Assert.Equal(3, report.Matched);
        Assert.Equal(0.6, report.Accuracy, 3);
        Assert.Equal(2, report.DistinctSkuCount);
        Assert.False(report.IsMassMismatch);
    }

    [Fact]
    public void Analyze_UnlistedTreatedAsZero_ReportsUnlistedSkuWithStock()
    {
        var catalog = new SkuCatalog();
        var warehouse = TestData.Warehouse(catalog, ("A", 10), ("B", 0));
        var targets = SellableQuantityCalculator.Calculate(warehouse, [new ChannelSellableRule("naver")]);
        var naver = TestData.Channel(catalog, "naver", "WH1");

        var report = new MismatchAnalyzer(new MismatchAnalyzerOptions { UnlistedSkus = UnlistedSkuHandling.TreatAsZero }).Analyze(targets, [naver]);

        var mismatch = Assert.Single(report.Mismatches);
        Assert.Equal("A", report.SkuCodeOf(mismatch));
        Assert.True(mismatch.IsUnlisted);
        Assert.Equal(10, mismatch.Difference);
        Assert.Equal(2, report.Compared);
    }

    [Fact]
    public void Analyze_SkuListedButUnknownToStock_TargetsZeroSoChannelNeverOversells()
    {
        var catalog = new SkuCatalog();
        var warehouse = TestData.Warehouse(catalog, ("A", 10));
        var targets = SellableQuantityCalculator.Calculate(warehouse, [new ChannelSellableRule("coupang")]);
        var coupang = TestData.Channel(catalog, "coupang", "WH1", ("A", 10), ("NEW", 4)); // NEW added to the catalog after the stock was read

        var report = new MismatchAnalyzer().Analyze(targets, [coupang]);

        var mismatch = Assert.Single(report.Mismatches);
        Assert.Equal("NEW", report.SkuCodeOf(mismatch));
        Assert.Equal(0, mismatch.TargetQuantity);
        Assert.Equal(-4, mismatch.Difference);
    }

    [Fact]
    public void Analyze_SnapshotsOfDifferentWarehouses_ThrowsDataMismatch()
    {
        var catalog = new SkuCatalog();
        var targets = SellableQuantityCalculator.Calculate(TestData.Warehouse(catalog, ("A", 1)), [new ChannelSellableRule("coupang")]);
        var other = TestData.Channel(catalog, "coupang", "WH2", ("A", 1));

        var ex = Assert.Throws<DataMismatchException>(() => new MismatchAnalyzer().Analyze(targets, [other]));

        Assert.Equal(OrchestratorErrorCodes.DataMismatch, ex.ErrorCode);
        Assert.Contains("WH2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SnapshotOfAnotherCatalog_ThrowsDataMismatch()
    {
        var targets = SellableQuantityCalculator.Calculate(TestData.Warehouse(new SkuCatalog(), ("A", 1)), [new ChannelSellableRule("coupang")]);
        var other = TestData.Channel(new SkuCatalog(), "coupang", "WH1", ("A", 1));

        Assert.Throws<DataMismatchException>(() => new MismatchAnalyzer().Analyze(targets, [other]));
    }

    [Fact]
    public void Analyze_ChannelWithoutRuleOrGivenTwiceOrNotAChannel_ThrowsDataMismatch()
    {
        var catalog = new SkuCatalog();
        var warehouse = TestData.Warehouse(catalog, ("A", 1));
        var targets = SellableQuantityCalculator.Calculate(warehouse, [new ChannelSellableRule("coupang")]);
        var coupang = TestData.Channel(catalog, "coupang", "WH1", ("A", 1));
        var naver = TestData.Channel(catalog, "naver", "WH1", ("A", 1));
        var analyzer = new MismatchAnalyzer();

        Assert.Throws<DataMismatchException>(() => analyzer.Analyze(targets, [naver]));
        Assert.Throws<DataMismatchException>(() => analyzer.Analyze(targets, [coupang, coupang]));
        Assert.Throws<DataMismatchException>(() => analyzer.Analyze(targets, [warehouse]));
    }

    [Fact]
    public void Analyze_TenSkusMismatched_IsMassMismatch()
    {
        var catalog = new SkuCatalog();
        var rows = Enumerable.Range(0, 10).Select(i => ($"S{i}", 5)).ToArray();
        var targets = SellableQuantityCalculator.Calculate(TestData.Warehouse(catalog, rows), [new ChannelSellableRule("coupang")]);
        var coupang = TestData.Channel(catalog, "coupang", "WH1", rows.Select(r => (r.Item1, 6)).ToArray());

        var report = new MismatchAnalyzer().Analyze(targets, [coupang]);

        Assert.Equal(10, report.DistinctSkuCount);
        Assert.True(report.IsMassMismatch);
    }

    /// <summary>
    /// Holds the vectorized diff against a plain scalar reference on random columns: every size around the vector width,
    /// large catalogs, unlisted SKUs, ties, and columns of different lengths, in both unlisted modes.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(33)]
    [InlineData(1_000)]
    [InlineData(65_537)]
    [InlineData(1_000_000)]
    public void Diff_RandomColumns_MatchesScalarReference(int size)
    {
        for (var seed = 0; seed < (size > 100_000 ? 2 : 20); seed++)
        {
            var random = new Random(HashCode.Combine(size, seed));
            var targetLength = size;
            var channelLength = random.Next(4) switch { 0 => size, 1 => Math.Max(0, size - random.Next(0, 20)), 2 => size + random.Next(0, 20), _ => size };
            var drift = random.NextDouble() switch { < 0.3 => 0.0, < 0.6 => 0.01, < 0.9 => 0.3, _ => 1.0 };
            var unlistedRate = random.NextDouble() * 0.2;
            var target = new int[targetLength];
            var channel = new int[channelLength];
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = random.Next(4) == 0 ? 0 : random.Next(0, 200); // many ties at 0
            }

            for (var i = 0; i < channel.Length; i++)
            {
                var baseValue = i < target.Length ? target[i] : 0;
                channel[i] = random.NextDouble() < unlistedRate ? StockSnapshot.NotReported
                    : random.NextDouble() < drift ? Math.Max(0, baseValue + random.Next(-5, 6))
                    : baseValue;
            }

            foreach (var mode in new[] { UnlistedSkuHandling.NotSoldThere, UnlistedSkuHandling.TreatAsZero })
            {
                var actual = new List<Mismatch>();
                var compared = MismatchAnalyzer.Diff(target, channel, "c", mode, actual);
                var (expected, expectedCompared) = Reference(target, channel, mode);

                Assert.True(expected.SequenceEqual(actual), $"size {size}, seed {seed}, mode {mode}: {expected.Count} expected, {actual.Count} found");
                Assert.Equal(expectedCompared, compared);
            }
        }
    }

    /// <summary>
    /// Holds the analyzer against a direct Dictionary port of the seed's <c>analyze_mismatches</c> (which treats an unlisted SKU
    /// as 0 and walks the warehouse's SKUs), on random catalogs up to a million SKUs.
    /// </summary>
    [Theory]
    [InlineData(0, 1)]
    [InlineData(50, 2)]
    [InlineData(10_000, 3)]
    [InlineData(1_000_000, 4)]
    public void Analyze_RandomCatalog_MatchesSeedDictionaryImplementation(int size, int seed)
    {
        var random = new Random(seed);
        var catalog = new SkuCatalog(size);
        var warehouse = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, "WH1", TestData.Now);
        var warehouseStock = new Dictionary<string, int>(size, StringComparer.Ordinal);
        for (var i = 0; i < size; i++)
        {
            var code = $"SKU-{i:D7}";
            var qty = random.Next(3) == 0 ? 0 : random.Next(1, 500);
            warehouse.Set(code, qty);
            warehouseStock[code] = qty;
        }

        var targets = SellableQuantityCalculator.Calculate(warehouse.Build(), [new ChannelSellableRule("coupang"), new ChannelSellableRule("naver"), new ChannelSellableRule("cafe24")]);
        var channelStocks = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        var snapshots = new List<StockSnapshot>();
        foreach (var name in new[] { "coupang", "naver", "cafe24" })
        {
            var map = new ChannelListingMap(name, catalog);
            var stock = new Dictionary<string, int>(StringComparer.Ordinal);
            var listed = new List<(int Ordinal, int Qty)>();
            for (var i = 0; i < size; i++)
            {
                if (random.Next(10) == 0)
                {
                    continue; // not listed on this channel
                }

                var code = catalog.GetCode(i);
                var qty = random.Next(100) == 0 ? random.Next(0, 500) : warehouseStock[code];
                map.Add(ListingKey.Coupang(i + 1), i);
                stock[code] = qty;
                listed.Add((i, qty));
            }

            var builder = new StockSnapshotBuilder(map, "WH1", TestData.Now);
            foreach (var (ordinal, qty) in listed)
            {
                builder.TrySetListing(ordinal + 1, 0, qty);
            }

            snapshots.Add(builder.Build());
            channelStocks[name] = stock;
        }

        var report = new MismatchAnalyzer(new MismatchAnalyzerOptions { UnlistedSkus = UnlistedSkuHandling.TreatAsZero }).Analyze(targets, snapshots);
        var expected = SeedAnalyzeMismatches(channelStocks, warehouseStock);

        var actual = report.Mismatches
            .Select(m => (report.SkuCodeOf(m), m.Channel, m.ChannelQuantity ?? 0, m.TargetQuantity, m.Difference))
            .OrderBy(m => m.Item1, StringComparer.Ordinal).ThenBy(m => m.Channel, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected.Count, actual.Count);
        Assert.True(expected.SequenceEqual(actual));
    }

    private static (List<Mismatch> Mismatches, int Compared) Reference(int[] target, int[] channel, UnlistedSkuHandling mode)
    {
        var result = new List<Mismatch>();
        var compared = 0;
        for (var i = 0; i < Math.Max(target.Length, channel.Length); i++)
        {
            var t = i < target.Length ? target[i] : 0;
            var listed = i < channel.Length && channel[i] != StockSnapshot.NotReported;
            if (listed || mode == UnlistedSkuHandling.TreatAsZero)
            {
                compared++;
            }

            if (!listed)
            {
                if (mode == UnlistedSkuHandling.TreatAsZero && t != 0)
                {
                    result.Add(new Mismatch("c", i, null, t));
                }
            }
            else if (channel[i] != t)
            {
                result.Add(new Mismatch("c", i, channel[i], t));
            }
        }

        return (result, compared);
    }

    /// <summary>The seed 002 Step 2 algorithm, line for line.</summary>
    private static List<(string ProductId, string Channel, int ChannelQty, int WarehouseQty, int Difference)> SeedAnalyzeMismatches(
        Dictionary<string, Dictionary<string, int>> channelStocks, Dictionary<string, int> warehouseStock)
    {
        var mismatches = new List<(string, string, int, int, int)>();
        foreach (var productId in warehouseStock.Keys)
        {
            var warehouseQty = warehouseStock[productId];
            foreach (var (channel, stock) in channelStocks)
            {
                var channelQty = stock.GetValueOrDefault(productId, 0);
                if (channelQty != warehouseQty)
                {
                    mismatches.Add((productId, channel, channelQty, warehouseQty, warehouseQty - channelQty));
                }
            }
        }

        return mismatches.OrderBy(m => m.Item1, StringComparer.Ordinal).ThenBy(m => m.Item2, StringComparer.Ordinal).ToList();
    }
}
