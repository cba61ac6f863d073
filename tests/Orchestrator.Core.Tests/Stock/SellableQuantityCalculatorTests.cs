using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Tests.Stock;

public class SellableQuantityCalculatorTests
{
    [Fact]
    public void Calculate_OnHandLessReservedUnabsorbedAndBuffer_FlooredAtZero()
    {
        var catalog = new SkuCatalog();
        var stock = TestData.Stock(catalog, "WH1", StockSourceKind.Inventory,
            ("A", 100, 10, null), ("B", 5, 5, null), ("C", 3, 0, null), ("D", 20, 0, null));
        int[] unabsorbed = [5, 0, 0, 30];

        var targets = SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("coupang", safetyBuffer: 2)], unabsorbed);

        Assert.Equal([83, 0, 1, 0], targets.For("coupang").ToArray());
    }

    [Fact]
    public void Calculate_AllocationShare_FloorsSoSharesNeverExceedStock()
    {
        var catalog = new SkuCatalog();
        var stock = TestData.Warehouse(catalog, ("A", 10), ("B", 1));

        var targets = SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("naver", allocationShare: 0.3m), new ChannelSellableRule("coupang", allocationShare: 0.7m)]);

        Assert.Equal([3, 0], targets.For("naver").ToArray());
        Assert.Equal([7, 0], targets.For("coupang").ToArray());
        Assert.True(targets.For("naver")[0] + targets.For("coupang")[0] <= 10);
    }

    [Fact]
    public void Calculate_PausedSku_SellsZeroOnEveryChannel()
    {
        var catalog = new SkuCatalog();
        var stock = TestData.Warehouse(catalog, ("A", 10), ("B", 10));

        var targets = SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("coupang"), new ChannelSellableRule("naver")], paused: [1]);

        Assert.Equal([10, 0], targets.For("coupang").ToArray());
        Assert.Equal([10, 0], targets.For("naver").ToArray());
    }

    [Fact]
    public void Calculate_SkuNotReportedByStock_SellsZero()
    {
        var catalog = new SkuCatalog();
        catalog.GetOrAdd("GHOST");
        var stock = TestData.Warehouse(catalog, ("A", 4));

        var targets = SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("coupang")]);

        Assert.Equal([0, 4], targets.For("coupang").ToArray());
    }

    [Fact]
    public void Calculate_LargeRandomColumns_MatchScalarFormula()
    {
        var random = new Random(7);
        var catalog = new SkuCatalog();
        var builder = new StockSnapshotBuilder(catalog, "inventory", StockSourceKind.Inventory, "WH1", TestData.Now);
        var onHand = new int[10_007];
        var reserved = new int[onHand.Length];
        for (var i = 0; i < onHand.Length; i++)
        {
            onHand[i] = random.Next(0, 1000);
            reserved[i] = random.Next(0, 1100);
            var ordinal = builder.Set($"S{i}", onHand[i]);
            builder.SetReserved(ordinal, reserved[i]);
        }

        var unabsorbed = Enumerable.Range(0, onHand.Length - 3).Select(_ => random.Next(0, 50)).ToArray(); // shorter on purpose
        var targets = SellableQuantityCalculator.Calculate(builder.Build(), [new ChannelSellableRule("c", safetyBuffer: 3)], unabsorbed);

        var column = targets.For("c");
        for (var i = 0; i < onHand.Length; i++)
        {
            var expected = Math.Max(0, Math.Max(0, Math.Max(0, onHand[i] - reserved[i]) - (i < unabsorbed.Length ? unabsorbed[i] : 0)) - 3);
            Assert.Equal(expected, column[i]);
        }
    }

    [Fact]
    public void Calculate_FromChannelSnapshot_ThrowsDataMismatch()
    {
        var catalog = new SkuCatalog();
        var channel = TestData.Channel(catalog, "coupang", "WH1", ("A", 1));

        Assert.Throws<DataMismatchException>(() => SellableQuantityCalculator.Calculate(channel, [new ChannelSellableRule("coupang")]));
    }

    [Fact]
    public void Calculate_NegativeUnabsorbed_ThrowsInvalidStockData()
    {
        var stock = TestData.Warehouse(new SkuCatalog(), ("A", 1));

        Assert.Throws<InvalidStockDataException>(() => SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("c")], [-1]));
    }

    [Fact]
    public void Calculate_TwoRulesForOneChannel_ThrowsDataMismatch()
    {
        var stock = TestData.Warehouse(new SkuCatalog(), ("A", 1));

        Assert.Throws<DataMismatchException>(() => SellableQuantityCalculator.Calculate(stock, [new ChannelSellableRule("c"), new ChannelSellableRule("c", 1)]));
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    [InlineData(0, 1.5)]
    public void ChannelSellableRule_OutOfRange_Throws(int buffer, double share)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChannelSellableRule("c", buffer, (decimal)share));
    }

    [Fact]
    public void For_UnknownChannel_ThrowsKeyNotFoundNamingIt()
    {
        var targets = SellableQuantityCalculator.Calculate(TestData.Warehouse(new SkuCatalog(), ("A", 1)), [new ChannelSellableRule("c")]);

        var ex = Assert.Throws<KeyNotFoundException>(() => targets.For("x").ToArray());
        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
    }
}
