using System.Globalization;
using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Retained memory of a large catalog with four stock sources (<c>--footprint [skus]</c>): the managed heap after a full
/// blocking collection, measured before and after each part is built and kept alive. A memory size, not a time, so a console
/// rather than a BenchmarkDotNet class (whose MemoryDiagnoser counts allocations, not what stays).
/// </summary>
public static class Footprint
{
    public static void Run(int skus, TextWriter output)
    {
        var at = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(3);
        var start = Retained();

        var catalog = new SkuCatalog(skus);
        for (var i = 0; i < skus; i++)
        {
            catalog.GetOrAdd("SKU-" + i.ToString("D8", CultureInfo.InvariantCulture));
        }

        var afterCatalog = Retained();

        // The WES snapshot: on hand, reserved and the primary location (400 distinct, pooled), as SnapshotPageReader fills it.
        var wesBuilder = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, "WH1", at);
        var locations = Enumerable.Range(0, 400).Select(i => "A-" + i.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < skus; i++)
        {
            wesBuilder.Set(i, random.Next(0, 500), locations[i % locations.Length]);
            wesBuilder.SetReserved(i, random.Next(0, 3));
        }

        var wes = wesBuilder.Build();
        var afterWes = Retained();

        // The listing maps: the channels' configuration, which a channel snapshot needs to be filled but which is not stock.
        var coupangMap = new ChannelListingMap("coupang", catalog);
        var naverMap = new ChannelListingMap("naver", catalog);
        var cafe24Map = new ChannelListingMap("cafe24", catalog);
        for (var i = 0; i < skus; i++)
        {
            coupangMap.Add(ListingKey.Coupang(3_000_000_000L + i), i);
            naverMap.Add(ListingKey.Naver(9_000_000L + (i / 4), i), i);
            cafe24Map.Add(ListingKey.Cafe24(1_000L + (i / 2), "P" + i.ToString("D11", CultureInfo.InvariantCulture)), i);
        }

        var afterMaps = Retained();

        var channels = new List<StockSnapshot>();
        foreach (var map in new[] { coupangMap, naverMap, cafe24Map })
        {
            var builder = new StockSnapshotBuilder(map, "WH1", at);
            for (var i = 0; i < skus; i++)
            {
                builder.Set(i, random.Next(0, 500));
            }

            channels.Add(builder.Build());
        }

        var afterChannels = Retained();
        GC.KeepAlive(catalog);
        GC.KeepAlive(wes);
        GC.KeepAlive(channels);
        GC.KeepAlive(cafe24Map);
        GC.KeepAlive(naverMap);
        GC.KeepAlive(coupangMap);

        double PerSku(long bytes) => bytes / (double)skus;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Retained bytes, {skus:N0} SKUs (GC.GetTotalMemory(true) after each part):"));
        output.WriteLine("| Part | MB | Bytes per SKU |");
        output.WriteLine("| --- | --- | --- |");
        void Row(string part, long bytes) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {part} | {bytes / 1e6:N1} | {PerSku(bytes):0.0} |"));
        Row("SKU catalog (codes, ordinal index)", afterCatalog - start);
        Row("WES snapshot (on hand, reserved, location columns)", afterWes - afterCatalog);
        Row("3 channel snapshots (one quantity column each)", afterChannels - afterMaps);
        Row("4 snapshots together", (afterWes - afterCatalog) + (afterChannels - afterMaps));
        Row("catalog + 4 snapshots", (afterWes - start) + (afterChannels - afterMaps));
        Row("3 listing maps (channel configuration)", afterMaps - afterWes);
        Row("everything", afterChannels - start);
    }

    private static long Retained()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
