namespace Orchestrator.Catalog;

/// <summary>
/// Maps the listings of one sales channel to SKU ordinals of a <see cref="SkuCatalog"/>, both ways.
/// </summary>
/// <remarks>
/// <para>A SKU has at most one listing per channel map and a listing maps to exactly one SKU; mapping either twice throws.</para>
/// <para>A SKU with no listing is not sold on the channel; how the mismatch analyzer treats it is set by <c>UnlistedSkuHandling</c> of the mismatch analyzer.</para>
/// <para>Thread safety: build the map first, then share it; concurrent reads are safe, concurrent writes are not.</para>
/// </remarks>
public sealed class ChannelListingMap
{
    private readonly Dictionary<(long Id, long Option), int> _byNumber = [];
    private readonly Dictionary<string, int> _byCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byCodeSpan;
    private ListingKey[] _listingByOrdinal = [];
    private bool[] _listed = [];

    /// <summary>Initializes a new instance of the <see cref="ChannelListingMap"/> class.</summary>
    /// <param name="channel">The channel instance name, for example <c>coupang-main</c>.</param>
    /// <param name="catalog">The catalog whose ordinals the map points to.</param>
    public ChannelListingMap(string channel, SkuCatalog catalog)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentNullException.ThrowIfNull(catalog);
        Channel = channel;
        Catalog = catalog;
        _byCodeSpan = _byCode.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the channel instance name.</summary>
    public string Channel { get; }

    /// <summary>Gets the catalog whose ordinals the map points to.</summary>
    public SkuCatalog Catalog { get; }

    /// <summary>Gets the number of listings.</summary>
    public int Count => _byNumber.Count + _byCode.Count;

    /// <summary>Maps a listing to a SKU, adding the SKU code to the catalog when it is new.</summary>
    /// <param name="listing">The listing.</param>
    /// <param name="skuCode">The SKU code.</param>
    /// <returns>The SKU's ordinal.</returns>
    /// <exception cref="InvalidStockDataException">The listing or the SKU is already mapped to something else.</exception>
    public int Add(ListingKey listing, string skuCode)
    {
        var ordinal = Catalog.GetOrAdd(skuCode);
        Add(listing, ordinal);
        return ordinal;
    }

    /// <summary>Maps a listing to a SKU ordinal.</summary>
    /// <param name="listing">The listing.</param>
    /// <param name="ordinal">The SKU's ordinal in <see cref="Catalog"/>.</param>
    /// <exception cref="InvalidStockDataException">The listing or the SKU is already mapped to something else.</exception>
    public void Add(ListingKey listing, int ordinal)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ordinal, Catalog.Count);
        if (ordinal < _listed.Length && _listed[ordinal])
        {
            if (_listingByOrdinal[ordinal] == listing)
            {
                return;
            }

            throw new InvalidStockDataException(
                $"SKU '{Catalog.GetCode(ordinal)}' already has listing {_listingByOrdinal[ordinal]} on channel '{Channel}'; it cannot also have {listing}.",
                Catalog.GetCode(ordinal));
        }

        var added = listing.Code is null ? _byNumber.TryAdd((listing.Id, listing.Option), ordinal) : _byCode.TryAdd(listing.Code, ordinal);
        if (!added)
        {
            throw new InvalidStockDataException(
                $"Listing {listing} on channel '{Channel}' is already mapped to another SKU; it cannot also map to '{Catalog.GetCode(ordinal)}'.",
                Catalog.GetCode(ordinal));
        }

        EnsureCapacity(ordinal + 1);
        _listingByOrdinal[ordinal] = listing;
        _listed[ordinal] = true;
    }

    /// <summary>Looks up the SKU ordinal of a numeric listing (Coupang, Naver).</summary>
    /// <param name="id">The listing id.</param>
    /// <param name="option">The option id, or 0.</param>
    /// <param name="ordinal">The SKU's ordinal, when found.</param>
    /// <returns><see langword="true"/> when the listing is mapped.</returns>
    public bool TryGetOrdinal(long id, long option, out int ordinal) => _byNumber.TryGetValue((id, option), out ordinal);

    /// <summary>Looks up the SKU ordinal of a listing identified by code (Cafe24 <c>variant_code</c>) without allocating.</summary>
    /// <param name="code">The listing code.</param>
    /// <param name="ordinal">The SKU's ordinal, when found.</param>
    /// <returns><see langword="true"/> when the listing is mapped.</returns>
    public bool TryGetOrdinal(ReadOnlySpan<char> code, out int ordinal) => _byCodeSpan.TryGetValue(code, out ordinal);

    /// <summary>Looks up the SKU ordinal of a listing.</summary>
    /// <param name="listing">The listing.</param>
    /// <param name="ordinal">The SKU's ordinal, when found.</param>
    /// <returns><see langword="true"/> when the listing is mapped.</returns>
    public bool TryGetOrdinal(ListingKey listing, out int ordinal) =>
        listing.Code is null ? TryGetOrdinal(listing.Id, listing.Option, out ordinal) : _byCode.TryGetValue(listing.Code, out ordinal);

    /// <summary>Gets the listing of a SKU on this channel.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <param name="listing">The listing, when the SKU is listed.</param>
    /// <returns><see langword="true"/> when the SKU is listed on this channel.</returns>
    public bool TryGetListing(int ordinal, out ListingKey listing)
    {
        if ((uint)ordinal < (uint)_listed.Length && _listed[ordinal])
        {
            listing = _listingByOrdinal[ordinal];
            return true;
        }

        listing = default;
        return false;
    }

    /// <summary>Returns whether a SKU is listed on this channel.</summary>
    /// <param name="ordinal">The SKU's ordinal.</param>
    /// <returns><see langword="true"/> when listed.</returns>
    public bool IsListed(int ordinal) => (uint)ordinal < (uint)_listed.Length && _listed[ordinal];

    /// <summary>Enumerates every listing with its SKU ordinal.</summary>
    /// <returns>The listings, in ordinal order.</returns>
    public IEnumerable<(int Ordinal, ListingKey Listing)> Listings()
    {
        for (var i = 0; i < _listed.Length; i++)
        {
            if (_listed[i])
            {
                yield return (i, _listingByOrdinal[i]);
            }
        }
    }

    private void EnsureCapacity(int size)
    {
        if (size <= _listed.Length)
        {
            return;
        }

        var newSize = Math.Max(size, Math.Max(16, _listed.Length * 2));
        Array.Resize(ref _listed, newSize);
        Array.Resize(ref _listingByOrdinal, newSize);
    }
}
