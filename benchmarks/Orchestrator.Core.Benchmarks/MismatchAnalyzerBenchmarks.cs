using System.Numerics;
using BenchmarkDotNet.Attributes;
using Orchestrator.Catalog;
using Orchestrator.Mismatches;
using Orchestrator.Stock;

namespace Orchestrator.Benchmarks;

/// <summary>
/// The diff hot path (WF-INV-001 step 2): three channels against their sellable target columns.
/// <list type="bullet">
/// <item><c>SeedDictionary</c> (baseline): the seed's <c>analyze_mismatches</c> ported line for line onto
/// <c>Dictionary&lt;string,int&gt;</c>, the way it is usually first written.</item>
/// <item><c>Vectorized</c>: <see cref="MismatchAnalyzer.Analyze"/> over the columns.</item>
/// <item><c>MemoryFloor</c>: a plain vectorized read of the same six columns, doing no work: no diff can be faster.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class MismatchAnalyzerBenchmarks
{
    private static (int Skus, double Drift)? s_key;
    private static Dataset? s_data;
    private readonly MismatchAnalyzer _analyzer = new(new MismatchAnalyzerOptions { UnlistedSkus = UnlistedSkuHandling.TreatAsZero });

    [ParamsSource(nameof(SkuSizes))]
    public int Skus { get; set; }

    [ParamsSource(nameof(DriftRates))]
    public double Drift { get; set; }

    public static IEnumerable<int> SkuSizes => BenchmarkSizes.Skus;

    public static IEnumerable<double> DriftRates => BenchmarkSizes.Drifts;

    [GlobalSetup]
    public void Setup()
    {
        if (s_key != (Skus, Drift))
        {
            s_data = null;
            GC.Collect();
            s_data = Dataset.Create(Skus, Drift);
            s_key = (Skus, Drift);
        }
    }

    [Benchmark(Baseline = true)]
    public int SeedDictionary()
    {
        var data = s_data!;
        var mismatches = new List<Dictionary<string, object>>();
        foreach (var productId in data.WarehouseStock.Keys)
        {
            var warehouseQty = data.WarehouseStock[productId];
            foreach (var (channel, stock) in data.ChannelStocks)
            {
                var channelQty = stock.GetValueOrDefault(productId, 0);
                if (channelQty != warehouseQty)
                {
                    mismatches.Add(new Dictionary<string, object>
                    {
                        ["product_id"] = productId,
                        ["channel"] = channel,
                        ["channel_qty"] = channelQty,
                        ["warehouse_qty"] = warehouseQty,
                        ["difference"] = warehouseQty - channelQty,
                    });
                }
            }
        }

        return mismatches.Count;
    }

    [Benchmark]
    public int Vectorized() => _analyzer.Analyze(s_data!.Targets, s_data.Channels).Mismatches.Count;

    [Benchmark]
    public int MemoryFloor()
    {
        var data = s_data!;
        var acc = Vector<int>.Zero;
        foreach (var channel in data.Channels)
        {
            var target = data.Targets.For(channel.Source);
            var shown = channel.Quantities;
            var width = Vector<int>.Count;
            for (var i = 0; i <= target.Length - width; i += width)
            {
                acc += new Vector<int>(target[i..]) ^ new Vector<int>(shown[i..]);
            }
        }

        return Vector.Sum(acc);
    }

    /// <summary>
    /// <c>--diff-stopwatch [skus] [drift]</c>: best of 15 of the analyzer and of the memory floor, without the Dictionary
    /// baseline (whose dictionaries would take gigabytes at 10M SKUs): a quick look at the ratio to the floor.
    /// </summary>
    public static void Stopwatch(int skus, double drift, TextWriter output)
    {
        var bench = new MismatchAnalyzerBenchmarks { Skus = skus, Drift = drift };
        s_data = Dataset.Create(skus, drift, dictionaries: false);
        s_key = (skus, drift);
        double analyze = double.MaxValue, floor = double.MaxValue;
        var count = 0;
        for (var k = 0; k < 15; k++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            bench.MemoryFloor();
            floor = Math.Min(floor, watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            count = bench.Vectorized();
            analyze = Math.Min(analyze, watch.Elapsed.TotalMilliseconds);
        }

        output.WriteLine(FormattableString.Invariant($"{skus:N0} SKUs x 3 channels, {drift:P0} drift: analyze {analyze:F1} ms, memory floor {floor:F1} ms, ratio {analyze / floor:F2}, {count:N0} mismatches"));
    }

    /// <summary>One catalog with its warehouse and three channels, as columns and as dictionaries.</summary>
    internal sealed class Dataset
    {
        public required SellableTargets Targets { get; init; }

        public required IReadOnlyList<StockSnapshot> Channels { get; init; }

        public required Dictionary<string, int> WarehouseStock { get; init; }

        public required Dictionary<string, Dictionary<string, int>> ChannelStocks { get; init; }

        public static Dataset Create(int skus, double drift, bool dictionaries = true)
        {
            var random = new Random(42);
            var catalog = new SkuCatalog(skus);
            var at = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
            var warehouse = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, "WH1", at);
            var warehouseStock = new Dictionary<string, int>(dictionaries ? skus : 0, StringComparer.Ordinal);
            for (var i = 0; i < skus; i++)
            {
                var code = "SKU-" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
                var qty = random.Next(0, 500);
                warehouse.Set(code, qty);
                if (dictionaries)
                {
                    warehouseStock[code] = qty;
                }
            }

            var stock = warehouse.Build();
            var names = new[] { "coupang", "naver", "cafe24" };
            var targets = SellableQuantityCalculator.Calculate(stock, names.Select(n => new ChannelSellableRule(n)).ToList());
            var channels = new List<StockSnapshot>();
            var channelStocks = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
            foreach (var name in names)
            {
                var map = new ChannelListingMap(name, catalog);
                var dictionary = new Dictionary<string, int>(dictionaries ? skus : 0, StringComparer.Ordinal);
                for (var i = 0; i < skus; i++)
                {
                    map.Add(ListingKey.Coupang(i + 1), i);
                }

                var builder = new StockSnapshotBuilder(map, "WH1", at);
                var quantities = stock.Quantities;
                for (var i = 0; i < skus; i++)
                {
                    var shown = random.NextDouble() < drift ? quantities[i] + random.Next(1, 5) : quantities[i];
                    builder.TrySetListing(i + 1, 0, shown);
                    if (dictionaries)
                    {
                        dictionary[catalog.GetCode(i)] = shown;
                    }
                }

                channels.Add(builder.Build());
                channelStocks[name] = dictionary;
            }

            return new Dataset { Targets = targets, Channels = channels, WarehouseStock = warehouseStock, ChannelStocks = channelStocks };
        }
    }
}
