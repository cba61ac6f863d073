using Microsoft.Extensions.Options;
using Orchestrator.Stock;

namespace Orchestrator.Thresholds;

/// <summary>
/// Checks stock against the critical, low and overstock levels (WF-INV-001 step 4).
/// </summary>
/// <remarks>Only SKUs the snapshot reports are checked. The checker holds no mutable state and is safe to share.</remarks>
public sealed class ThresholdChecker
{
    private readonly ThresholdOptions _options;
    private readonly bool _hasOverrides;

    /// <summary>Initializes a new instance of the <see cref="ThresholdChecker"/> class.</summary>
    /// <param name="options">The thresholds.</param>
    /// <exception cref="OptionsValidationException">A set of levels is out of order (for example critical above low).</exception>
    public ThresholdChecker(ThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new ThresholdOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ThresholdOptions), result.Failures);
        }

        _options = options;
        _hasOverrides = options.BySku.Count + options.ByCategory.Count + options.ByWarehouse.Count > 0;
    }

    /// <summary>Initializes a new instance of the <see cref="ThresholdChecker"/> class from validated options.</summary>
    /// <param name="options">The thresholds.</param>
    public ThresholdChecker(IOptions<ThresholdOptions> options)
        : this(options?.Value!)
    {
    }

    /// <summary>Checks every SKU the snapshot reports.</summary>
    /// <param name="stock">The quantities to check (for example warehouse on hand, or a channel's sellable target as a snapshot).</param>
    /// <returns>The SKUs at critical, low or overstock levels.</returns>
    public StockLevelReport Check(StockSnapshot stock)
    {
        ArgumentNullException.ThrowIfNull(stock);
        var report = new StockLevelReport(stock.WarehouseId);
        var quantities = stock.Quantities;
        var warehouseLevels = _options.ByWarehouse.GetValueOrDefault(stock.WarehouseId) ?? _options.Default;
        var catalog = stock.Catalog;
        var bySku = BySkuOrdinal(catalog);
        for (var ordinal = 0; ordinal < quantities.Length; ordinal++)
        {
            var quantity = quantities[ordinal];
            if (quantity == StockSnapshot.NotReported)
            {
                continue;
            }

            var levels = _hasOverrides ? Resolve(catalog, bySku, ordinal, warehouseLevels) : warehouseLevels;

            // Fast path: most SKUs sit between low and overstock and produce nothing.
            if (quantity > levels.Low && quantity < levels.Overstock)
            {
                continue;
            }

            var level = levels.Classify(quantity);
            var threshold = level switch
            {
                StockLevel.Critical => levels.Critical,
                StockLevel.Low => levels.Low,
                _ => levels.Overstock,
            };
            report.Add(new ThresholdBreach(catalog.GetCode(ordinal), ordinal, stock.WarehouseId, quantity, level, threshold));
        }

        return report;
    }

    /// <summary>Gets the levels that apply to a SKU in a warehouse.</summary>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="category">The SKU's category, or <see langword="null"/>.</param>
    /// <param name="warehouseId">The warehouse.</param>
    /// <returns>The levels.</returns>
    public StockLevelThresholds LevelsFor(string skuCode, string? category, string warehouseId)
    {
        ArgumentNullException.ThrowIfNull(skuCode);
        ArgumentNullException.ThrowIfNull(warehouseId);
        return _options.BySku.GetValueOrDefault(skuCode)
            ?? (category is null ? null : _options.ByCategory.GetValueOrDefault(category))
            ?? _options.ByWarehouse.GetValueOrDefault(warehouseId)
            ?? _options.Default;
    }

    // Per-SKU overrides by ordinal, resolved once per check (a SKU code is not held as a string by the catalog).
    private Dictionary<int, StockLevelThresholds>? BySkuOrdinal(Catalog.SkuCatalog catalog)
    {
        if (_options.BySku.Count == 0)
        {
            return null;
        }

        var bySku = new Dictionary<int, StockLevelThresholds>(_options.BySku.Count);
        foreach (var (code, levels) in _options.BySku)
        {
            if (catalog.TryGetOrdinal(code, out var ordinal))
            {
                bySku[ordinal] = levels;
            }
        }

        return bySku;
    }

    private StockLevelThresholds Resolve(Catalog.SkuCatalog catalog, Dictionary<int, StockLevelThresholds>? bySku, int ordinal, StockLevelThresholds warehouseLevels)
    {
        if (bySku is not null && bySku.TryGetValue(ordinal, out var skuLevels))
        {
            return skuLevels;
        }

        if (_options.ByCategory.Count > 0 && catalog.GetCategory(ordinal) is { } category && _options.ByCategory.TryGetValue(category, out var byCategory))
        {
            return byCategory;
        }

        return warehouseLevels;
    }
}

/// <summary>Represents a SKU at a critical, low or overstock level.</summary>
/// <param name="SkuCode">The SKU (product_id).</param>
/// <param name="SkuOrdinal">The SKU's ordinal.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="Quantity">The quantity (quantity).</param>
/// <param name="Level">The level.</param>
/// <param name="Threshold">The level's threshold (threshold).</param>
public sealed record ThresholdBreach(string SkuCode, int SkuOrdinal, string WarehouseId, int Quantity, StockLevel Level, int Threshold);

/// <summary>Holds the result of <see cref="ThresholdChecker.Check"/>, split as the seed's <c>alerts</c> dictionary is.</summary>
public sealed class StockLevelReport
{
    private readonly List<ThresholdBreach> _critical = [];
    private readonly List<ThresholdBreach> _low = [];
    private readonly List<ThresholdBreach> _overstock = [];

    internal StockLevelReport(string warehouseId) => WarehouseId = warehouseId;

    /// <summary>Gets the warehouse.</summary>
    public string WarehouseId { get; }

    /// <summary>Gets the SKUs at or below the critical level.</summary>
    public IReadOnlyList<ThresholdBreach> Critical => _critical;

    /// <summary>Gets the SKUs above critical and at or below the low level.</summary>
    public IReadOnlyList<ThresholdBreach> Low => _low;

    /// <summary>Gets the SKUs at or above the overstock level.</summary>
    public IReadOnlyList<ThresholdBreach> Overstock => _overstock;

    /// <summary>Gets a value indicating whether any SKU is critical or low (the run moves to ALERTING).</summary>
    public bool HasShortage => _critical.Count + _low.Count > 0;

    internal void Add(ThresholdBreach breach)
    {
        switch (breach.Level)
        {
            case StockLevel.Critical:
                _critical.Add(breach);
                break;
            case StockLevel.Low:
                _low.Add(breach);
                break;
            case StockLevel.Overstock:
                _overstock.Add(breach);
                break;
        }
    }
}
