using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Warehouse;

/// <summary>
/// The WES change feed as the incremental runs read it (the channel sync and the reconciliation): the SKUs changed since a
/// version, and how such a version is kept in an <see cref="Storage.IWatermarkStore"/>.
/// </summary>
internal static class WesChangeFeed
{
    /// <summary>Reads the SKUs the WES changed after <paramref name="sinceVersion"/>, into a catalog of their own (a caller's
    /// catalog is not grown by the read).</summary>
    /// <returns>The changed SKU codes and the version the WES announced (<see langword="null"/> when it announces none).</returns>
    public static async Task<(IReadOnlyList<string> Changed, long? HighestVersion)> ReadChangedAsync(
        IWesClient wes, string warehouseId, long sinceVersion, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, warehouseId, at);
        var info = await wes.ReadSnapshotAsync(builder, new WesSnapshotRequest(UpdatedSinceVersion: sinceVersion), cancellationToken).ConfigureAwait(false);
        return (builder.Build().GetReportedSkuCodes(), info.HighestVersion);
    }

    /// <summary>The watermark store keeps a point in time as its ticks; a version is kept as the same number.</summary>
    /// <exception cref="InvalidStockDataException">The version is outside what a watermark can hold.</exception>
    public static DateTimeOffset AsWatermark(long version) =>
        version >= 0 && version <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(version, TimeSpan.Zero)
            : throw new InvalidStockDataException($"The WES announced version {version}, outside the range a watermark can hold (0 to {DateTimeOffset.MaxValue.UtcTicks}).");
}
