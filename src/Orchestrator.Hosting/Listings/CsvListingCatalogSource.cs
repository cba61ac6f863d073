using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Catalog;
using Orchestrator.Hosting.Internal;

namespace Orchestrator.Hosting.Listings;

/// <summary>
/// Reads the listings from a CSV file with the header <c>sku_code,channel,listing_key</c>: one row per listing, <c>channel</c> the channel
/// instance name (as registered, e.g. <c>coupang</c>), <c>listing_key</c> as <see cref="ListingKey.ToString"/> writes it:
/// <c>{vendorItemId}</c> (Coupang), <c>{originProductNo}/{optionCombinationId}</c> (Naver), <c>{productNo}/{variantCode}</c> (Cafe24).
/// </summary>
/// <remarks>
/// Each <see cref="GetAsync"/> checks the file's size and last write time (one stat call) and parses it again only when they changed, so
/// calling it before every run is cheap. A file that cannot be parsed keeps the last good listings in use when there are any and throws
/// otherwise. Blank lines and lines starting with <c>#</c> are skipped.
/// </remarks>
public sealed class CsvListingCatalogSource : IListingCatalogSource, IDisposable
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (long Length, DateTime Written)? _stamp;
    private ListingCatalog? _current;

    /// <summary>Initializes a new instance of the <see cref="CsvListingCatalogSource"/> class.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="logger">The logger.</param>
    public CsvListingCatalogSource(string path, ILogger<CsvListingCatalogSource>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidStockDataException">The file is missing or malformed and no earlier version was read.</exception>
    public async ValueTask<ListingCatalog> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists)
            {
                return _current ?? throw new InvalidStockDataException($"The listings file '{_path}' does not exist.");
            }

            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (_current is not null && _stamp == stamp)
            {
                return _current;
            }

            try
            {
                var text = await File.ReadAllTextAsync(_path, cancellationToken).ConfigureAwait(false);
                _current = Parse(text, string.Create(CultureInfo.InvariantCulture, $"{info.LastWriteTimeUtc:O}/{info.Length}"));
                _stamp = stamp;
                Log.ListingsLoaded(_logger, _path, _current.Catalog.Count, _current.Channels.Count, _current.Version);
                return _current;
            }
            catch (InvalidStockDataException ex) when (_current is not null)
            {
                // Keep syncing from the last good listings.
                Log.ListingsReloadFailed(_logger, ex, _path);
                return _current;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>Parses CSV text into listings on a new catalog.</summary>
    /// <param name="text">The CSV text, with its header.</param>
    /// <param name="version">The version to give it.</param>
    /// <returns>The listings.</returns>
    /// <exception cref="InvalidStockDataException">A header, row or listing key is malformed, or a listing is mapped twice; the message gives the line.</exception>
    public static ListingCatalog Parse(string text, string version)
    {
        ArgumentNullException.ThrowIfNull(text);
        var catalog = new SkuCatalog();
        var maps = new Dictionary<string, ChannelListingMap>(StringComparer.Ordinal);
        var lineNo = 0;
        var header = false;
        Span<Range> parts = stackalloc Range[4];
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNo++;
            var line = raw.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            var count = line.Split(parts, ',');
            if (count != 3)
            {
                throw new InvalidStockDataException($"Listings line {lineNo}: expected 3 columns sku_code,channel,listing_key, found {count}.");
            }

            var sku = line[parts[0]].Trim().ToString();
            var channel = line[parts[1]].Trim().ToString();
            var key = line[parts[2]].Trim();
            if (!header)
            {
                header = true;
                if (sku == "sku_code" && channel == "channel" && key.SequenceEqual("listing_key"))
                {
                    continue;
                }

                throw new InvalidStockDataException("The listings file must start with the header sku_code,channel,listing_key.");
            }

            if (sku.Length == 0 || channel.Length == 0)
            {
                throw new InvalidStockDataException($"Listings line {lineNo}: the SKU code and the channel are required.");
            }

            if (!maps.TryGetValue(channel, out var map))
            {
                maps[channel] = map = new ChannelListingMap(channel, catalog);
            }

            var listing = ParseKey(key, lineNo);
            try
            {
                map.Add(listing, sku);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidStockDataException)
            {
                throw new InvalidStockDataException($"Listings line {lineNo}: {ex.Message}", sku);
            }
        }

        return new ListingCatalog(catalog, maps.Values, version);
    }

    /// <summary>Parses a listing key as <see cref="ListingKey.ToString"/> writes it.</summary>
    /// <param name="text">The key: <c>123</c>, <c>123/456</c> or <c>123/CODE</c> (a part after the slash that is not all digits is a code).</param>
    /// <param name="lineNo">The line, for the message.</param>
    /// <returns>The key.</returns>
    internal static ListingKey ParseKey(ReadOnlySpan<char> text, int lineNo)
    {
        var slash = text.IndexOf('/');
        var idText = slash < 0 ? text : text[..slash];
        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new InvalidStockDataException($"Listings line {lineNo}: '{text}' is not a listing key (id, id/option or id/code).");
        }

        if (slash < 0)
        {
            return new ListingKey(id);
        }

        var rest = text[(slash + 1)..];
        if (rest.IsEmpty)
        {
            throw new InvalidStockDataException($"Listings line {lineNo}: '{text}' has nothing after the slash.");
        }

        return long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var option) ? new ListingKey(id, option) : new ListingKey(id, 0, rest.ToString());
    }
}

/// <summary>Gets the listings from a delegate (a product database, an API), at most once per reload interval.</summary>
public sealed class DelegateListingCatalogSource : IListingCatalogSource, IDisposable
{
    private readonly Func<CancellationToken, ValueTask<ListingCatalog>> _load;
    private readonly TimeSpan _reloadEvery;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ListingCatalog? _current;
    private DateTimeOffset _loadedAt;

    /// <summary>Initializes a new instance of the <see cref="DelegateListingCatalogSource"/> class.</summary>
    /// <param name="load">Loads the listings; return the same instance when nothing changed to keep the workflow.</param>
    /// <param name="reloadEvery">How long loaded listings are used before <paramref name="load"/> is called again; <see cref="TimeSpan.Zero"/> to call it before every run.</param>
    /// <param name="timeProvider">The clock.</param>
    public DelegateListingCatalogSource(Func<CancellationToken, ValueTask<ListingCatalog>> load, TimeSpan reloadEvery, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(load);
        ArgumentOutOfRangeException.ThrowIfLessThan(reloadEvery, TimeSpan.Zero);
        _load = load;
        _reloadEvery = reloadEvery;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<ListingCatalog> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_current is null || now - _loadedAt >= _reloadEvery)
            {
                _current = await _load(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The listings delegate returned null.");
                _loadedAt = now;
            }

            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
