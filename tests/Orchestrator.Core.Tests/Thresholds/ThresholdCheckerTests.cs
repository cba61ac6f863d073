using Microsoft.Extensions.Options;
using Orchestrator.Catalog;
using Orchestrator.Thresholds;

namespace Orchestrator.Tests.Thresholds;

public class ThresholdCheckerTests
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var levels = new StockLevelThresholds();

        Assert.Equal(5, levels.Critical);
        Assert.Equal(10, levels.Low);
        Assert.Equal(100, levels.Overstock);
    }

    [Fact]
    public void Check_DefaultLevels_SplitsAsSeedDoes()
    {
        var catalog = new SkuCatalog();
        var stock = TestData.Warehouse(catalog, ("ZERO", 0), ("FIVE", 5), ("SIX", 6), ("TEN", 10), ("ELEVEN", 11), ("NINETYNINE", 99), ("HUNDRED", 100));

        var report = new ThresholdChecker(new ThresholdOptions()).Check(stock);

        Assert.Equal(["ZERO", "FIVE"], report.Critical.Select(b => b.SkuCode));
        Assert.Equal(["SIX", "TEN"], report.Low.Select(b => b.SkuCode));
        Assert.Equal(["HUNDRED"], report.Overstock.Select(b => b.SkuCode));
        Assert.All(report.Critical, b => Assert.Equal(5, b.Threshold));
        Assert.True(report.HasShortage);
    }

    [Fact]
    public void Check_Overrides_MostSpecificWins()
    {
        var catalog = new SkuCatalog();
        var stock = TestData.Warehouse(catalog, ("BYSKU", 20), ("BYCAT", 20), ("BYWH", 20));
        catalog.SetCategory(catalog.GetOrAdd("BYSKU"), "fresh");
        catalog.SetCategory(catalog.GetOrAdd("BYCAT"), "fresh");
        var options = new ThresholdOptions
        {
            BySku = { ["BYSKU"] = new StockLevelThresholds { Critical = 20, Low = 30, Overstock = 40 } },
            ByCategory = { ["fresh"] = new StockLevelThresholds { Critical = 1, Low = 25, Overstock = 50 } },
            ByWarehouse = { ["WH1"] = new StockLevelThresholds { Critical = 1, Low = 2, Overstock = 20 } },
        };

        var report = new ThresholdChecker(options).Check(stock);

        Assert.Equal("BYSKU", Assert.Single(report.Critical).SkuCode);
        Assert.Equal("BYCAT", Assert.Single(report.Low).SkuCode);
        Assert.Equal("BYWH", Assert.Single(report.Overstock).SkuCode);
    }

    [Fact]
    public void Check_SkuNotReported_IsNotChecked()
    {
        var catalog = new SkuCatalog();
        catalog.GetOrAdd("ABSENT");
        var stock = TestData.Warehouse(catalog, ("A", 50));

        var report = new ThresholdChecker(new ThresholdOptions()).Check(stock);

        Assert.Empty(report.Critical);
        Assert.False(report.HasShortage);
    }

    [Theory]
    [InlineData(11, 10, 100, "Critical (11) must not be above Low (10)")]
    [InlineData(-1, 10, 100, "cannot be negative")]
    [InlineData(5, 100, 100, "Low (100) must be below Overstock (100)")]
    public void Ctor_LevelsOutOfOrder_ThrowsOptionsValidationNamingTheProblem(int critical, int low, int overstock, string expected)
    {
        var options = new ThresholdOptions { BySku = { ["X"] = new StockLevelThresholds { Critical = critical, Low = low, Overstock = overstock } } };

        var ex = Assert.Throws<OptionsValidationException>(() => new ThresholdChecker(options));

        Assert.Contains(ex.Failures, f => f.Contains("BySku[X]", StringComparison.Ordinal) && f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void LevelsFor_NoOverride_ReturnsDefaults()
    {
        var options = new ThresholdOptions();

        Assert.Same(options.Default, new ThresholdChecker(options).LevelsFor("A", null, "WH1"));
    }
}
