using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24.Internal;
using Orchestrator.Channels.Coupang.Internal;
using Orchestrator.Channels.Naver.Internal;
using Orchestrator.Stock;
using Orchestrator.Wes.Internal;

namespace Orchestrator.Benchmarks;

/// <summary>The stock source whose response bodies are read.</summary>
public enum IngestSource
{
    /// <summary>One <c>GET …/vendor-items/{id}/inventories</c> envelope per listing.</summary>
    Coupang,

    /// <summary>One <c>GET /v2/products/origin-products/{no}</c> body per product, four option combinations each.</summary>
    Naver,

    /// <summary><c>GET /admin/products?embed=variants</c> pages of 100 products, two variants each.</summary>
    Cafe24,

    /// <summary><c>GET /v1/stock</c> pages of 1,000 rows.</summary>
    Wes,
}

/// <summary>
/// Stock ingest (WF-INV-001 step 1 without the network): the response bodies of one stock read, in the shapes the real APIs
/// (and the sandbox simulators) return, parsed into a columnar snapshot by the adapters' own parsers.
/// <list type="bullet">
/// <item><c>JsonSerializerDictionary</c> (baseline): <see cref="JsonSerializer"/> into DTOs, collected into a list, then a
/// <see cref="Dictionary{TKey,TValue}"/> from the listing's key to its quantity: what a first version usually does.</item>
/// <item><c>ColumnarSnapshot</c>: the adapter's <see cref="Utf8JsonReader"/> parser straight into a
/// <see cref="StockSnapshotBuilder"/>, then <see cref="StockSnapshotBuilder.Build"/>.</item>
/// </list>
/// The bodies are generated once per parameter set; the catalog and the listing maps exist before the read (they are the
/// channel configuration), so the benchmark measures reading the stock, not registering the SKUs.
/// </summary>
[MemoryDiagnoser]
public class IngestBenchmarks
{
    private const string Warehouse = "WH1";
    private static readonly DateTimeOffset At = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private static (int Listings, IngestSource Source)? s_key;
    private static Bodies? s_bodies;

    [ParamsSource(nameof(ListingSizes))]
    public int Listings { get; set; }

    [ParamsAllValues]
    public IngestSource Source { get; set; }

    public static IEnumerable<int> ListingSizes => BenchmarkSizes.Listings;

    [GlobalSetup]
    public void Setup()
    {
        if (s_key != (Listings, Source))
        {
            s_bodies = null;
            GC.Collect();
            s_bodies = Bodies.Create(Source, Listings);
            s_key = (Listings, Source);
        }
    }

    [Benchmark(Baseline = true)]
    public int JsonSerializerDictionary() => s_bodies!.Source switch
    {
        IngestSource.Coupang => Baselines.Coupang(s_bodies),
        IngestSource.Naver => Baselines.Naver(s_bodies),
        IngestSource.Cafe24 => Baselines.Cafe24(s_bodies),
        _ => Baselines.Wes(s_bodies),
    };

    [Benchmark]
    public int ColumnarSnapshot()
    {
        var bodies = s_bodies!;
        var builder = bodies.Map is null
            ? new StockSnapshotBuilder(bodies.Catalog, "wes", StockSourceKind.Warehouse, Warehouse, At)
            : new StockSnapshotBuilder(bodies.Map, Warehouse, At);
        switch (bodies.Source)
        {
            case IngestSource.Coupang:
                for (var i = 0; i < bodies.Pages.Length; i++)
                {
                    // As CoupangChannel.ReadOneAsync: read the envelope, check the code, set the listing.
                    CoupangInventoryParser.Read(bodies.Pages[i], out var code, out _, out var amount);
                    if (code != "SUCCESS" || amount is null)
                    {
                        throw new InvalidOperationException("unexpected envelope");
                    }

                    builder.TrySetListing(bodies.Ids[i], 0, amount.Value);
                }

                break;
            case IngestSource.Naver:
                for (var i = 0; i < bodies.Pages.Length; i++)
                {
                    NaverProductParser.Read(bodies.Pages[i], bodies.Ids[i], builder);
                }

                break;
            case IngestSource.Cafe24:
                foreach (var page in bodies.Pages)
                {
                    Cafe24ProductPageParser.Read(page, builder, null, out _);
                }

                break;
            default:
                foreach (var page in bodies.Pages)
                {
                    SnapshotPageReader.Read(page, builder, Warehouse);
                }

                break;
        }

        var snapshot = builder.Build();
        return snapshot.ReportedCount == bodies.Listings ? snapshot.ReportedCount : throw new InvalidOperationException($"read {snapshot.ReportedCount} of {bodies.Listings}");
    }

    /// <summary>One stock read's response bodies, with the catalog and listing map they refer to.</summary>
    internal sealed class Bodies
    {
        public required IngestSource Source { get; init; }

        public required int Listings { get; init; }

        public required SkuCatalog Catalog { get; init; }

        public required ChannelListingMap? Map { get; init; }

        public required byte[][] Pages { get; init; }

        /// <summary>The id each body was requested for (Coupang vendor item, Naver origin product); empty for paged sources.</summary>
        public required long[] Ids { get; init; }

        public static Bodies Create(IngestSource source, int listings)
        {
            var random = new Random(7);
            var catalog = new SkuCatalog(listings);
            for (var i = 0; i < listings; i++)
            {
                catalog.GetOrAdd(Sku(i));
            }

            var map = source == IngestSource.Wes ? null : new ChannelListingMap(source.ToString().ToLowerInvariant(), catalog);
            var pages = new List<byte[]>();
            var ids = new List<long>();
            var buffer = new ArrayBufferWriter<byte>(1 << 20);
            switch (source)
            {
                case IngestSource.Coupang:
                    for (var i = 0; i < listings; i++)
                    {
                        var id = 3_000_000_000L + i;
                        map!.Add(ListingKey.Coupang(id), i);
                        using (var w = Writer(buffer))
                        {
                            w.WriteStartObject();
                            w.WriteString("code", "SUCCESS");
                            w.WriteString("message", string.Empty);
                            w.WriteStartObject("data");
                            w.WriteNumber("sellerItemId", id);
                            w.WriteNumber("vendorItemId", id);
                            w.WriteNumber("amountInStock", random.Next(0, 500));
                            w.WriteNumber("salePrice", 10_000);
                            w.WriteBoolean("onSale", true);
                            w.WriteEndObject();
                            w.WriteEndObject();
                        }

                        pages.Add(Take(buffer));
                        ids.Add(id);
                    }

                    break;
                case IngestSource.Naver:
                    const int options = 4;
                    for (var p = 0; p < listings / options; p++)
                    {
                        var no = 9_000_000L + p;
                        var quantities = new int[options];
                        for (var o = 0; o < options; o++)
                        {
                            map!.Add(ListingKey.Naver(no, (no * 10) + o), (p * options) + o);
                            quantities[o] = random.Next(0, 500);
                        }

                        using (var w = Writer(buffer))
                        {
                            w.WriteStartObject();
                            w.WriteStartObject("originProduct");
                            w.WriteString("statusType", "SALE");
                            w.WriteString("saleType", "NEW");
                            w.WriteString("name", "상품 " + no.ToString(CultureInfo.InvariantCulture));
                            w.WriteNumber("salePrice", 10_000);
                            w.WriteNumber("stockQuantity", quantities.Sum());
                            w.WriteStartObject("detailAttribute");
                            w.WriteStartObject("sellerCodeInfo");
                            w.WriteString("sellerManagementCode", "P-" + no.ToString(CultureInfo.InvariantCulture));
                            w.WriteEndObject();
                            w.WriteStartObject("optionInfo");
                            w.WriteStartArray("optionCombinations");
                            for (var o = 0; o < options; o++)
                            {
                                w.WriteStartObject();
                                w.WriteNumber("id", (no * 10) + o);
                                w.WriteString("optionName1", "옵션 " + o.ToString(CultureInfo.InvariantCulture));
                                w.WriteNumber("stockQuantity", quantities[o]);
                                w.WriteNumber("price", 0);
                                w.WriteString("sellerManagerCode", Sku((p * options) + o));
                                w.WriteBoolean("usable", true);
                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                            w.WriteEndObject();
                            w.WriteEndObject();
                            w.WriteEndObject();
                            w.WriteStartObject("smartstoreChannelProduct");
                            w.WriteNumber("channelProductNo", no + 1_000_000);
                            w.WriteEndObject();
                            w.WriteEndObject();
                        }

                        pages.Add(Take(buffer));
                        ids.Add(no);
                    }

                    break;
                case IngestSource.Cafe24:
                    const int variants = 2;
                    const int productsPerPage = 100;
                    var products = listings / variants;
                    for (var first = 0; first < products; first += productsPerPage)
                    {
                        using (var w = Writer(buffer))
                        {
                            w.WriteStartObject();
                            w.WriteStartArray("products");
                            for (var p = first; p < Math.Min(products, first + productsPerPage); p++)
                            {
                                var productNo = 1_000L + p;
                                w.WriteStartObject();
                                w.WriteNumber("shop_no", 1);
                                w.WriteNumber("product_no", productNo);
                                w.WriteString("product_code", string.Create(CultureInfo.InvariantCulture, $"P{productNo:D7}"));
                                w.WriteString("product_name", string.Create(CultureInfo.InvariantCulture, $"상품 {productNo}"));
                                w.WriteString("price", "10000.00");
                                w.WriteStartArray("variants");
                                for (var v = 0; v < variants; v++)
                                {
                                    var ordinal = (p * variants) + v;
                                    var code = string.Create(CultureInfo.InvariantCulture, $"P{productNo:D7}{v:D3}").PadRight(12, '0')[..12];
                                    map!.Add(ListingKey.Cafe24(productNo, code), ordinal);
                                    w.WriteStartObject();
                                    w.WriteNumber("shop_no", 1);
                                    w.WriteString("variant_code", code);
                                    w.WriteString("custom_variant_code", Sku(ordinal));
                                    w.WriteString("display", "T");
                                    w.WriteString("selling", "T");
                                    w.WriteString("use_inventory", "T");
                                    w.WriteString("display_soldout", "T");
                                    w.WriteNumber("quantity", random.Next(0, 500));
                                    w.WriteNumber("safety_inventory", 0);
                                    w.WriteEndObject();
                                }

                                w.WriteEndArray();
                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                            w.WriteEndObject();
                        }

                        pages.Add(Take(buffer));
                    }

                    break;
                default:
                    const int rowsPerPage = 1_000;
                    for (var first = 0; first < listings; first += rowsPerPage)
                    {
                        using (var w = Writer(buffer))
                        {
                            w.WriteStartObject();
                            w.WriteStartArray("items");
                            for (var i = first; i < Math.Min(listings, first + rowsPerPage); i++)
                            {
                                var onHand = random.Next(0, 500);
                                var reserved = random.Next(0, 5);
                                w.WriteStartObject();
                                w.WriteString("warehouse", Warehouse);
                                w.WriteString("sku", Sku(i));
                                w.WriteNumber("onHand", onHand);
                                w.WriteNumber("reserved", reserved);
                                w.WriteNumber("available", Math.Max(0, onHand - reserved));
                                w.WriteNumber("version", i + 1);
                                w.WriteString("updatedAt", "2026-11-21T00:00:00Z");
                                w.WriteStartArray("locations");
                                w.WriteStartObject();
                                w.WriteString("location", "A-" + (i % 400).ToString("D3", CultureInfo.InvariantCulture));
                                w.WriteNumber("onHand", onHand);
                                w.WriteNumber("reserved", reserved);
                                w.WriteEndObject();
                                w.WriteEndArray();
                                w.WriteEndObject();
                            }

                            w.WriteEndArray();
                            w.WriteString("nextCursor", "U0tVLTAwMDAwMDAx");
                            w.WriteNumber("highestVersion", listings);
                            w.WriteEndObject();
                        }

                        pages.Add(Take(buffer));
                    }

                    break;
            }

            return new Bodies { Source = source, Listings = source == IngestSource.Naver ? listings / 4 * 4 : source == IngestSource.Cafe24 ? listings / 2 * 2 : listings, Catalog = catalog, Map = map, Pages = [.. pages], Ids = [.. ids] };
        }

        public static string Sku(int i) => "SKU-" + i.ToString("D8", CultureInfo.InvariantCulture);

        private static Utf8JsonWriter Writer(ArrayBufferWriter<byte> buffer)
        {
            buffer.ResetWrittenCount();
            return new Utf8JsonWriter(buffer);
        }

        private static byte[] Take(ArrayBufferWriter<byte> buffer) => buffer.WrittenSpan.ToArray();
    }

    /// <summary>The baseline: <see cref="JsonSerializer"/> into DTOs, a list, then a dictionary keyed by listing.</summary>
    private static class Baselines
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        public static int Coupang(Bodies bodies)
        {
            var list = new List<CoupangEnvelope>();
            foreach (var page in bodies.Pages)
            {
                var envelope = JsonSerializer.Deserialize<CoupangEnvelope>(page, Options)!;
                if (envelope.Code != "SUCCESS" || envelope.Data is null)
                {
                    throw new InvalidOperationException("unexpected envelope");
                }

                list.Add(envelope);
            }

            var stock = new Dictionary<long, int>();
            foreach (var e in list)
            {
                stock[e.Data!.VendorItemId] = e.Data.AmountInStock;
            }

            return stock.Count;
        }

        public static int Naver(Bodies bodies)
        {
            var list = new List<NaverProduct>();
            foreach (var page in bodies.Pages)
            {
                list.Add(JsonSerializer.Deserialize<NaverProduct>(page, Options)!);
            }

            var stock = new Dictionary<(long, long), int>();
            for (var i = 0; i < list.Count; i++)
            {
                foreach (var option in list[i].OriginProduct.DetailAttribute.OptionInfo?.OptionCombinations ?? [])
                {
                    stock[(bodies.Ids[i], option.Id)] = option.StockQuantity;
                }
            }

            return stock.Count;
        }

        public static int Cafe24(Bodies bodies)
        {
            var list = new List<Cafe24Variant>();
            foreach (var page in bodies.Pages)
            {
                foreach (var product in JsonSerializer.Deserialize<Cafe24Page>(page, Options)!.Products)
                {
                    list.AddRange(product.Variants);
                }
            }

            var stock = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var v in list)
            {
                if (v.UseInventory != "F")
                {
                    stock[v.VariantCode] = v.Quantity;
                }
            }

            return stock.Count;
        }

        public static int Wes(Bodies bodies)
        {
            var list = new List<WesRow>();
            foreach (var page in bodies.Pages)
            {
                list.AddRange(JsonSerializer.Deserialize<WesPage>(page, Options)!.Items);
            }

            var stock = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in list)
            {
                stock[row.Sku] = row.OnHand;
            }

            return stock.Count;
        }
    }

    internal sealed record CoupangEnvelope(string Code, string Message, CoupangItem? Data);

    internal sealed record CoupangItem(long SellerItemId, long VendorItemId, int AmountInStock, long SalePrice, bool OnSale);

    internal sealed record NaverProduct(NaverOrigin OriginProduct);

    internal sealed record NaverOrigin(string StatusType, string SaleType, string Name, long SalePrice, int StockQuantity, NaverDetail DetailAttribute);

    internal sealed record NaverDetail(NaverOptionInfo? OptionInfo);

    internal sealed record NaverOptionInfo(List<NaverOption> OptionCombinations);

    internal sealed record NaverOption(long Id, string OptionName1, int StockQuantity, long Price, string SellerManagerCode, bool Usable);

    internal sealed record Cafe24Page(List<Cafe24Product> Products);

    internal sealed record Cafe24Product(
        [property: JsonPropertyName("product_no")] long ProductNo,
        [property: JsonPropertyName("product_code")] string ProductCode,
        [property: JsonPropertyName("variants")] List<Cafe24Variant> Variants);

    internal sealed record Cafe24Variant(
        [property: JsonPropertyName("variant_code")] string VariantCode,
        [property: JsonPropertyName("custom_variant_code")] string CustomVariantCode,
        [property: JsonPropertyName("use_inventory")] string UseInventory,
        [property: JsonPropertyName("quantity")] int Quantity);

    internal sealed record WesPage(List<WesRow> Items, string? NextCursor, long? HighestVersion);

    internal sealed record WesRow(string Warehouse, string Sku, int OnHand, int Reserved, long Version, List<WesLocation> Locations);

    internal sealed record WesLocation(string Location, int OnHand, int Reserved);
}
