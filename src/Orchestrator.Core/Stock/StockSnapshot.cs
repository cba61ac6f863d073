using Orchestrator.Catalog;

namespace Orchestrator.Stock;

/// <summary>
/// Holds the stock one source reported at one moment as columns indexed by SKU ordinal.
/// </summary>
/// <remarks>
/// <para>A SKU the source did not report holds <see cref="NotReported"/> in <see cref="Quantities"/>. Every other value is 0 or more.</para>
/// <para>Columns may be shorter than the catalog when SKUs were added after the snapshot was taken; ordinals past the end count as not reported.</para>
/// <para>Instances are immutable and safe to share between threads. Create them with <see cref="StockSnapshotBuilder"/>.</para>
/// </remarks>
public sealed class StockSnapshot
{
    /// <summary>The value of a SKU the source did not report (not listed on a channel, not stocked in a warehouse).</summary>
    public const int NotReported = -1;

    private readonly int[] _quantities;
    private readonly int[]? _reserved;
    private readonly string?[]? _locations;

    internal StockSnapshot(
        SkuCatalog catalog,
        string source,
        StockSourceKind kind,
        string warehouseId,
        DateTimeOffset takenAt,
        int[] quantities,
        int[]? reserved,
        string?[]? locations,
        int reportedCount,
        IReadOnlyList<string> unknownListings,
        int unknownListingCount)
    {
        Catalog = catalog;
        Source = source;
        Kind = kind;
        WarehouseId = warehouseId;
        TakenAt = takenAt;
        _quantities = quantities;
        _reserved = reserved;
        _locations = locations;
        ReportedCount = reportedCount;
        UnknownListings = unknownListings;
        UnknownListingCount = unknownListingCount;
    }

    /// <summary>Gets the catalog whose ordinals index the columns.</summary>
    public SkuCatalog Catalog { get; }

    /// <summary>Gets the source name: a channel instance name, or the warehouse or inventory source name.</summary>
    public string Source { get; }

    /// <summary>Gets which kind of system the snapshot was read from.</summary>
    public StockSourceKind Kind { get; }

    /// <summary>Gets the warehouse the quantities belong to (for a channel, the warehouse that fulfils it).</summary>
    public string WarehouseId { get; }

    /// <summary>Gets when the source was read.</summary>
    public DateTimeOffset TakenAt { get; }

    /// <summary>Gets the length of the columns.</summary>
    public int Length => _quantities.Length;

    /// <summary>Gets how many SKUs the source reported.</summary>
    public int ReportedCount { get; }

    /// <summary>Gets the quantity column: on hand for a warehouse or inventory source, the shown quantity for a channel; <see cref="NotReported"/> where the source said nothing.</summary>
    public ReadOnlySpan<int> Quantities => _quantities;

    /// <summary>Gets a value indicating whether the source reported reserved quantities.</summary>
    public bool HasReserved => _reserved is not null;

    /// <summary>Gets the reserved column (empty when <see cref="HasReserved"/> is false).</summary>
    public ReadOnlySpan<int> Reserved => _reserved;

    /// <summary>Gets a sample (at most 100) of the listings the source reported that no SKU is mapped to.</summary>
    public IReadOnlyList<string> UnknownListings { get; }

    /// <summary>Gets how many listings the source reported that no SKU is mapped to.</summary>
    public int UnknownListingCount { get; }

    /// <summary>Gets the quantity of a SKU, or <see langword="null"/> when the source did not report it.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns>The quantity.</returns>
    public int? GetQuantity(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        return ordinal < _quantities.Length && _quantities[ordinal] != NotReported ? _quantities[ordinal] : null;
    }

    /// <summary>Gets the reserved quantity of a SKU (0 when not reported).</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns>The reserved quantity.</returns>
    public int GetReserved(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        return _reserved is not null && ordinal < _reserved.Length ? _reserved[ordinal] : 0;
    }

    /// <summary>Gets the location (bin, zone) the source reported for a SKU, or <see langword="null"/>.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns>The location.</returns>
    public string? GetLocation(int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        return _locations is not null && ordinal < _locations.Length ? _locations[ordinal] : null;
    }

    /// <summary>Gets the quantity of a SKU by code, or <see langword="null"/> when the SKU is unknown or not reported.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <returns>The quantity.</returns>
    public int? GetQuantity(string skuCode) => Catalog.TryGetOrdinal(skuCode, out var ordinal) ? GetQuantity(ordinal) : null;

    /// <summary>Gets the codes of the SKUs this snapshot reports, in catalog order (for a change feed: the SKUs that changed).</summary>
    /// <returns>The reported SKU codes.</returns>
    public IReadOnlyList<string> GetReportedSkuCodes()
    {
        var codes = new List<string>(ReportedCount);
        for (var ordinal = 0; ordinal < _quantities.Length; ordinal++)
        {
            if (_quantities[ordinal] != NotReported)
            {
                codes.Add(Catalog.GetCode(ordinal));
            }
        }

        return codes;
    }

    internal int[] QuantityArray => _quantities;
}
