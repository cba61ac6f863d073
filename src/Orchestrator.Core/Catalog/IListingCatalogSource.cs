namespace Orchestrator.Catalog;

/// <summary>
/// Supplies the listings of every channel (listing key → SKU) on one <see cref="SkuCatalog"/>: what a channel sync needs to read
/// and push each channel's stock.
/// </summary>
/// <remarks>
/// Called before every channel sync run. Return the same <see cref="ListingCatalog"/> instance while nothing changed (the host
/// rebuilds its workflow only when the instance changes), and a new one, on a new <see cref="SkuCatalog"/>, when listings changed.
/// </remarks>
public interface IListingCatalogSource
{
    /// <summary>Gets the current listings.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The listings of every channel.</returns>
    /// <exception cref="InvalidStockDataException">The listings cannot be used (a malformed line, a listing mapped twice).</exception>
    ValueTask<ListingCatalog> GetAsync(CancellationToken cancellationToken);
}

/// <summary>The listings of every channel on one SKU catalog.</summary>
public sealed class ListingCatalog
{
    private readonly Dictionary<string, ChannelListingMap> _channels;

    /// <summary>Initializes a new instance of the <see cref="ListingCatalog"/> class.</summary>
    /// <param name="catalog">The SKU catalog every map uses.</param>
    /// <param name="channels">One listing map per channel instance name.</param>
    /// <param name="version">Identifies this content (a file stamp, a hash), for logs.</param>
    /// <exception cref="ArgumentException">A map uses another catalog, or two maps share a channel name.</exception>
    public ListingCatalog(SkuCatalog catalog, IEnumerable<ChannelListingMap> channels, string version)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        _channels = new Dictionary<string, ChannelListingMap>(StringComparer.Ordinal);
        foreach (var map in channels)
        {
            ArgumentNullException.ThrowIfNull(map);
            if (!ReferenceEquals(map.Catalog, catalog))
            {
                throw new ArgumentException($"The listing map of '{map.Channel}' uses another SKU catalog.", nameof(channels));
            }

            if (!_channels.TryAdd(map.Channel, map))
            {
                throw new ArgumentException($"Two listing maps are named '{map.Channel}'.", nameof(channels));
            }
        }

        Catalog = catalog;
        Version = version;
    }

    /// <summary>Gets the SKU catalog.</summary>
    public SkuCatalog Catalog { get; }

    /// <summary>Gets what identifies this content.</summary>
    public string Version { get; }

    /// <summary>Gets the channel names that have listings.</summary>
    public IReadOnlyCollection<string> Channels => _channels.Keys;

    /// <summary>Gets a channel's listings.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <returns>The map, or an empty one when the channel has no listings.</returns>
    public ChannelListingMap For(string channel)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        return _channels.TryGetValue(channel, out var map) ? map : new ChannelListingMap(channel, Catalog);
    }
}
