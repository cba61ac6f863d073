namespace Orchestrator.Sandbox.Catalog;

/// <summary>Represents one generated item: a SKU code and its quantity.</summary>
/// <param name="Index">The item's position (0-based) in the generated catalog.</param>
/// <param name="SkuCode">The SKU code, for example <c>SKU-0000042</c>.</param>
/// <param name="Quantity">The starting quantity.</param>
public readonly record struct SandboxItem(int Index, string SkuCode, int Quantity);

/// <summary>Generates deterministic catalogs for simulators (channels, WES): the same seed gives the same items.</summary>
public static class SandboxCatalog
{
    /// <summary>Generates <paramref name="count"/> items with SKU codes <c>{prefix}{index:D7}</c> and quantities 0–500 (about 5% sold out).</summary>
    /// <param name="count">How many items.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="prefix">The SKU code prefix.</param>
    /// <returns>The items.</returns>
    public static SandboxItem[] Generate(int count, int seed = 42, string prefix = "SKU-")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(prefix);
#pragma warning disable CA5394 // Deterministic test data, not security: System.Random with a seed is what we want.
        var random = new Random(seed);
        var items = new SandboxItem[count];
        for (var i = 0; i < count; i++)
        {
            var quantity = random.Next(100) < 5 ? 0 : random.Next(1, 501);
            items[i] = new SandboxItem(i, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{i:D7}"), quantity);
        }
#pragma warning restore CA5394
        return items;
    }
}
