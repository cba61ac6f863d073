using Microsoft.Extensions.Options;

namespace Orchestrator.Thresholds;

/// <summary>
/// Holds the stock levels of seed 002 step 4: critical at or below <see cref="Critical"/>, low at or below <see cref="Low"/>,
/// overstock at or above <see cref="Overstock"/>.
/// </summary>
public sealed class StockLevelThresholds
{
    /// <summary>Gets or sets the critical level (재고 Critical).</summary>
    /// <value>Default 5; 0 or more and at most <see cref="Low"/>.</value>
    public int Critical { get; set; } = 5;

    /// <summary>Gets or sets the low level (재고 Low).</summary>
    /// <value>Default 10; at least <see cref="Critical"/> and below <see cref="Overstock"/>.</value>
    public int Low { get; set; } = 10;

    /// <summary>Gets or sets the overstock level (과잉).</summary>
    /// <value>Default 100; above <see cref="Low"/>.</value>
    public int Overstock { get; set; } = 100;

    /// <summary>Returns the problems with these levels, or nothing when they are in order.</summary>
    /// <param name="name">Where the levels come from, for the messages (for example <c>BySku[A-1]</c>).</param>
    /// <returns>The problems.</returns>
    public IEnumerable<string> Validate(string name)
    {
        if (Critical < 0)
        {
            yield return $"{name}: Critical ({Critical}) cannot be negative.";
        }

        if (Critical > Low)
        {
            yield return $"{name}: Critical ({Critical}) must not be above Low ({Low}).";
        }

        if (Low >= Overstock)
        {
            yield return $"{name}: Low ({Low}) must be below Overstock ({Overstock}).";
        }
    }

    /// <summary>Classifies a quantity as the seed does: critical first, then low, then overstock.</summary>
    /// <param name="quantity">The quantity.</param>
    /// <returns>The level.</returns>
    public StockLevel Classify(int quantity) =>
        quantity <= Critical ? StockLevel.Critical
        : quantity <= Low ? StockLevel.Low
        : quantity >= Overstock ? StockLevel.Overstock
        : StockLevel.Normal;
}

/// <summary>Names the stock levels.</summary>
public enum StockLevel
{
    /// <summary>Between low and overstock.</summary>
    Normal,

    /// <summary>At or below the critical level.</summary>
    Critical,

    /// <summary>Above critical, at or below the low level.</summary>
    Low,

    /// <summary>At or above the overstock level.</summary>
    Overstock,
}

/// <summary>
/// Configures stock-level thresholds: defaults, overridden per warehouse, per category and per SKU (the most specific wins:
/// SKU, then category, then warehouse, then the defaults).
/// </summary>
public sealed class ThresholdOptions
{
    /// <summary>Gets the default levels (critical 5, low 10, overstock 100).</summary>
    public StockLevelThresholds Default { get; init; } = new();

    /// <summary>Gets levels by SKU code.</summary>
    public Dictionary<string, StockLevelThresholds> BySku { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Gets levels by SKU category (see <see cref="Catalog.SkuCatalog.SetCategory"/>).</summary>
    public Dictionary<string, StockLevelThresholds> ByCategory { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Gets levels by warehouse id.</summary>
    public Dictionary<string, StockLevelThresholds> ByWarehouse { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>Validates <see cref="ThresholdOptions"/> at start-up: every set of levels must be in order.</summary>
public sealed class ThresholdOptionsValidator : IValidateOptions<ThresholdOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ThresholdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        failures.AddRange(options.Default?.Validate("Default") ?? ["Default: missing."]);
        Add(failures, "BySku", options.BySku);
        Add(failures, "ByCategory", options.ByCategory);
        Add(failures, "ByWarehouse", options.ByWarehouse);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Add(List<string> failures, string section, Dictionary<string, StockLevelThresholds>? map)
    {
        if (map is null)
        {
            return;
        }

        foreach (var (key, levels) in map)
        {
            if (levels is null)
            {
                failures.Add($"{section}[{key}]: missing.");
                continue;
            }

            failures.AddRange(levels.Validate($"{section}[{key}]"));
        }
    }
}
