using System.Collections.Concurrent;

namespace Orchestrator.Catalog;

/// <summary>
/// Interns SKU codes to dense ordinals (0, 1, 2, …) so that every stock source can be held as a column indexed by ordinal.
/// </summary>
/// <remarks>
/// <para>Ordinals are stable for the life of the catalog: a SKU keeps its ordinal and codes are never removed.</para>
/// <para>Thread safety: lookups are lock-free and may run while another thread adds codes; adds are serialized.</para>
/// <para>SKU codes are compared ordinally (case-sensitive), as the channels and the WES compare them.</para>
/// </remarks>
public sealed class SkuCatalog
{
    private readonly ConcurrentDictionary<string, int> _ordinals;
    private readonly ConcurrentDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;
    private readonly Lock _addLock = new();
    private string[] _codes;
    private string?[] _categories;
    private int _count;

    /// <summary>Initializes a new instance of the <see cref="SkuCatalog"/> class.</summary>
    /// <param name="capacity">The number of SKUs to reserve room for.</param>
    public SkuCatalog(int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _ordinals = new ConcurrentDictionary<string, int>(Environment.ProcessorCount, Math.Max(capacity, 16), StringComparer.Ordinal);
        _spanLookup = _ordinals.GetAlternateLookup<ReadOnlySpan<char>>();
        _codes = new string[Math.Max(capacity, 16)];
        _categories = new string?[_codes.Length];
    }

    /// <summary>Gets the number of SKUs in the catalog; ordinals run from 0 to <c>Count - 1</c>.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the ordinal of a SKU code, adding the code when it is new.</summary>
    /// <param name="skuCode">The SKU code; not empty, at most 128 characters, no leading or trailing white space.</param>
    /// <returns>The SKU's ordinal.</returns>
    /// <exception cref="InvalidStockDataException">The code is empty, too long or padded with white space.</exception>
    public int GetOrAdd(string skuCode)
    {
        ArgumentNullException.ThrowIfNull(skuCode);
        if (_ordinals.TryGetValue(skuCode, out var existing))
        {
            return existing;
        }

        ValidateCode(skuCode);
        lock (_addLock)
        {
            if (_ordinals.TryGetValue(skuCode, out existing))
            {
                return existing;
            }

            var ordinal = _count;
            if (ordinal == _codes.Length)
            {
                var newSize = checked(_codes.Length * 2);
                Array.Resize(ref _codes, newSize);
                Array.Resize(ref _categories, newSize);
            }

            _codes[ordinal] = skuCode;
            _ordinals[skuCode] = ordinal;
            Volatile.Write(ref _count, ordinal + 1);
            return ordinal;
        }
    }

    /// <summary>Looks up the ordinal of a SKU code without adding it.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <param name="ordinal">The ordinal, when found.</param>
    /// <returns><see langword="true"/> when the code is in the catalog.</returns>
    public bool TryGetOrdinal(string skuCode, out int ordinal)
    {
        ArgumentNullException.ThrowIfNull(skuCode);
        return _ordinals.TryGetValue(skuCode, out ordinal);
    }

    /// <summary>Looks up the ordinal of a SKU code given as characters (for example straight from a JSON reader) without allocating.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <param name="ordinal">The ordinal, when found.</param>
    /// <returns><see langword="true"/> when the code is in the catalog.</returns>
    public bool TryGetOrdinal(ReadOnlySpan<char> skuCode, out int ordinal) => _spanLookup.TryGetValue(skuCode, out ordinal);

    /// <summary>Gets the SKU code of an ordinal.</summary>
    /// <param name="ordinal">An ordinal from 0 to <see cref="Count"/> - 1.</param>
    /// <returns>The SKU code.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The ordinal is not in the catalog.</exception>
    public string GetCode(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        return Volatile.Read(ref _codes)[ordinal];
    }

    /// <summary>Sets the category of a SKU, used by per-category thresholds.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <param name="category">The category, or <see langword="null"/> for none.</param>
    public void SetCategory(int ordinal, string? category)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        lock (_addLock)
        {
            _categories[ordinal] = category;
        }
    }

    /// <summary>Gets the category of a SKU, or <see langword="null"/> when it has none.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns>The category.</returns>
    public string? GetCategory(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Count);
        return Volatile.Read(ref _categories)[ordinal];
    }

    private static void ValidateCode(string skuCode)
    {
        if (skuCode.Length == 0 || skuCode.Length > 128 || char.IsWhiteSpace(skuCode[0]) || char.IsWhiteSpace(skuCode[^1]))
        {
            throw new InvalidStockDataException(
                $"A SKU code must be 1 to 128 characters without leading or trailing white space (got {skuCode.Length} characters).",
                skuCode.Length <= 128 ? skuCode : null);
        }
    }
}
