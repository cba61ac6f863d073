using Orchestrator.Catalog;

namespace Orchestrator.Stock;

/// <summary>
/// Builds a <see cref="StockSnapshot"/> one SKU at a time, straight from API pages, without an intermediate list.
/// </summary>
/// <remarks>
/// <para>Every quantity is checked: a negative quantity, one above <see cref="int.MaxValue"/>, or the same SKU twice throws
/// <see cref="InvalidStockDataException"/> naming the SKU. A channel listing that no SKU is mapped to is not an error: it is
/// counted in <see cref="UnknownListingCount"/> so the caller can log it.</para>
/// <para>Not thread-safe: one builder per reading task.</para>
/// </remarks>
public sealed class StockSnapshotBuilder
{
    private const int UnknownSampleSize = 100;
    private readonly List<string> _unknownSample = [];
    private readonly Dictionary<string, string> _locationPool = new(StringComparer.Ordinal);
    private int[] _quantities;
    private int[]? _reserved;
    private string?[]? _locations;
    private int _reportedCount;
    private bool _built;

    /// <summary>Initializes a new instance of the <see cref="StockSnapshotBuilder"/> class for a warehouse or inventory source.</summary>
    /// <param name="catalog">The catalog; codes seen by <see cref="Set(string, long, string?)"/> are added to it.</param>
    /// <param name="source">The source name, for example <c>wes</c> or <c>inventory</c>.</param>
    /// <param name="kind">The kind of source.</param>
    /// <param name="warehouseId">The warehouse the quantities belong to.</param>
    /// <param name="takenAt">When the source was read.</param>
    public StockSnapshotBuilder(SkuCatalog catalog, string source, StockSourceKind kind, string warehouseId, DateTimeOffset takenAt)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseId);
        Catalog = catalog;
        Source = source;
        Kind = kind;
        WarehouseId = warehouseId;
        TakenAt = takenAt;
        _quantities = NewColumn(Math.Max(catalog.Count, 16));
    }

    /// <summary>Initializes a new instance of the <see cref="StockSnapshotBuilder"/> class for a sales channel.</summary>
    /// <param name="listings">The channel's listing map; its channel name becomes the source name.</param>
    /// <param name="warehouseId">The warehouse that fulfils the channel.</param>
    /// <param name="takenAt">When the channel was read.</param>
    public StockSnapshotBuilder(ChannelListingMap listings, string warehouseId, DateTimeOffset takenAt)
        : this(listings?.Catalog!, listings?.Channel!, StockSourceKind.Channel, warehouseId, takenAt)
    {
        Listings = listings;
    }

    /// <summary>Gets the catalog.</summary>
    public SkuCatalog Catalog { get; }

    /// <summary>Gets the source name.</summary>
    public string Source { get; }

    /// <summary>Gets the kind of source.</summary>
    public StockSourceKind Kind { get; }

    /// <summary>Gets the warehouse the quantities belong to.</summary>
    public string WarehouseId { get; }

    /// <summary>Gets when the source was read.</summary>
    public DateTimeOffset TakenAt { get; }

    /// <summary>Gets the channel's listing map, or <see langword="null"/> for a warehouse or inventory source.</summary>
    public ChannelListingMap? Listings { get; }

    /// <summary>Gets how many SKUs have been set.</summary>
    public int ReportedCount => _reportedCount;

    /// <summary>Gets how many listings were reported that no SKU is mapped to.</summary>
    public int UnknownListingCount { get; private set; }

    /// <summary>Sets the quantity of a SKU by ordinal.</summary>
    /// <param name="ordinal">The SKU's ordinal in <see cref="Catalog"/>.</param>
    /// <param name="quantity">The quantity, 0 to <see cref="int.MaxValue"/>.</param>
    /// <param name="location">The location (bin or zone), if the source reports one.</param>
    /// <exception cref="InvalidStockDataException">The quantity is negative or too large, or the SKU was already set.</exception>
    public void Set(int ordinal, long quantity, string? location = null)
    {
        ThrowIfBuilt();
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Catalog.Count);
        var value = CheckQuantity(ordinal, quantity, "quantity");
        EnsureCapacity(ordinal + 1);
        if (_quantities[ordinal] != StockSnapshot.NotReported)
        {
            throw new InvalidStockDataException(
                $"SKU '{Catalog.GetCode(ordinal)}' appears twice in the stock reported by '{Source}' for warehouse '{WarehouseId}'.",
                Catalog.GetCode(ordinal));
        }

        _quantities[ordinal] = value;
        _reportedCount++;
        if (location is not null)
        {
            SetLocation(ordinal, location);
        }
    }

    /// <summary>Sets the quantity of a SKU by code, adding the code to the catalog when it is new.</summary>
    /// <param name="skuCode">The SKU code.</param>
    /// <param name="quantity">The quantity, 0 to <see cref="int.MaxValue"/>.</param>
    /// <param name="location">The location (bin or zone), if the source reports one.</param>
    /// <returns>The SKU's ordinal.</returns>
    /// <exception cref="InvalidStockDataException">The code is invalid, the quantity is negative or too large, or the SKU was already set.</exception>
    public int Set(string skuCode, long quantity, string? location = null)
    {
        ThrowIfBuilt();
        var ordinal = Catalog.GetOrAdd(skuCode);
        Set(ordinal, quantity, location);
        return ordinal;
    }

    /// <summary>Sets the reserved quantity of a SKU already set with <see cref="Set(int, long, string?)"/>.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <param name="reserved">The reserved quantity, 0 to <see cref="int.MaxValue"/>.</param>
    /// <exception cref="InvalidStockDataException">The quantity is negative or too large.</exception>
    public void SetReserved(int ordinal, long reserved)
    {
        ThrowIfBuilt();
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Catalog.Count);
        var value = CheckQuantity(ordinal, reserved, "reserved quantity");
        EnsureCapacity(ordinal + 1);
        _reserved ??= new int[_quantities.Length];
        _reserved[ordinal] = value;
    }

    /// <summary>Sets the quantity of a numeric channel listing (Coupang, Naver).</summary>
    /// <param name="id">The listing id.</param>
    /// <param name="option">The option id, or 0.</param>
    /// <param name="quantity">The quantity the channel shows.</param>
    /// <returns><see langword="true"/> when the listing is mapped; <see langword="false"/> when it is not (it is counted as unknown).</returns>
    /// <exception cref="InvalidOperationException">The builder is not for a channel.</exception>
    /// <exception cref="InvalidStockDataException">The quantity is negative or too large, or the SKU was already set.</exception>
    public bool TrySetListing(long id, long option, long quantity)
    {
        var listings = RequireListings();
        if (listings.TryGetOrdinal(id, option, out var ordinal))
        {
            Set(ordinal, quantity);
            return true;
        }

        RecordUnknown(new ListingKey(id, option).ToString());
        return false;
    }

    /// <summary>Sets the quantity of a channel listing identified by code (Cafe24 <c>variant_code</c>).</summary>
    /// <param name="code">The listing code.</param>
    /// <param name="quantity">The quantity the channel shows.</param>
    /// <returns><see langword="true"/> when the listing is mapped; <see langword="false"/> when it is not (it is counted as unknown).</returns>
    /// <exception cref="InvalidOperationException">The builder is not for a channel.</exception>
    /// <exception cref="InvalidStockDataException">The quantity is negative or too large, or the SKU was already set.</exception>
    public bool TrySetListing(ReadOnlySpan<char> code, long quantity)
    {
        var listings = RequireListings();
        if (listings.TryGetOrdinal(code, out var ordinal))
        {
            Set(ordinal, quantity);
            return true;
        }

        RecordUnknown(code.ToString());
        return false;
    }

    /// <summary>Finishes the snapshot. The builder cannot be used afterwards.</summary>
    /// <returns>The snapshot.</returns>
    public StockSnapshot Build()
    {
        ThrowIfBuilt();
        _built = true;
        var length = Math.Max(Catalog.Count, 0);
        EnsureCapacity(length);
        if (_quantities.Length != length)
        {
            Array.Resize(ref _quantities, length);
            if (_reserved is not null)
            {
                Array.Resize(ref _reserved, length);
            }

            if (_locations is not null)
            {
                Array.Resize(ref _locations, length);
            }
        }

        return new StockSnapshot(Catalog, Source, Kind, WarehouseId, TakenAt, _quantities, _reserved, _locations, _reportedCount, _unknownSample.ToArray(), UnknownListingCount);
    }

    private static int[] NewColumn(int length)
    {
        var column = GC.AllocateUninitializedArray<int>(length);
        column.AsSpan().Fill(StockSnapshot.NotReported);
        return column;
    }

    private int CheckQuantity(int ordinal, long quantity, string what)
    {
        if (quantity < 0 || quantity > int.MaxValue)
        {
            throw new InvalidStockDataException(
                $"'{Source}' reported a {what} of {quantity} for SKU '{Catalog.GetCode(ordinal)}' in warehouse '{WarehouseId}'; it must be between 0 and {int.MaxValue}.",
                Catalog.GetCode(ordinal));
        }

        return (int)quantity;
    }

    private void SetLocation(int ordinal, string location)
    {
        // Many SKUs share a zone or aisle: pool the strings so a large snapshot keeps one copy of each.
        if (!_locationPool.TryGetValue(location, out var pooled))
        {
            pooled = location;
            _locationPool[location] = location;
        }

        _locations ??= new string?[_quantities.Length];
        _locations[ordinal] = pooled;
    }

    private ChannelListingMap RequireListings()
    {
        ThrowIfBuilt();
        return Listings ?? throw new InvalidOperationException($"The snapshot builder for '{Source}' is not a channel builder; create it with a ChannelListingMap.");
    }

    private void RecordUnknown(string listing)
    {
        UnknownListingCount++;
        if (_unknownSample.Count < UnknownSampleSize)
        {
            _unknownSample.Add(listing);
        }
    }

    private void EnsureCapacity(int size)
    {
        if (size <= _quantities.Length)
        {
            return;
        }

        var newSize = Math.Max(size, _quantities.Length * 2);
        var oldSize = _quantities.Length;
        Array.Resize(ref _quantities, newSize);
        _quantities.AsSpan(oldSize).Fill(StockSnapshot.NotReported);
        if (_reserved is not null)
        {
            Array.Resize(ref _reserved, newSize);
        }

        if (_locations is not null)
        {
            Array.Resize(ref _locations, newSize);
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("The snapshot was already built; create a new builder for a new reading.");
        }
    }
}
