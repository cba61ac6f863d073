using System.Text;
using System.Text.Json;
using Orchestrator.Catalog;
using Orchestrator.Stock;
using Orchestrator.Wes.Internal;

namespace Orchestrator.Wes.Tests;

public sealed class SnapshotPageReaderTests
{
    private static StockSnapshotBuilder Builder() =>
        new(new SkuCatalog(), "wes", StockSourceKind.Warehouse, "WH-1", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Read_ContractPage_SetsTotalsReservedAndPrimaryLocation()
    {
        var json = """
            {"items":[
              {"warehouse":"WH-1","sku":"SKU-1","onHand":12,"reserved":2,"available":10,"version":7,"updatedAt":"2026-01-01T00:00:00Z",
               "locations":[{"location":"A-01","onHand":10,"reserved":2},{"location":"R-07","onHand":2}],"futureField":{"x":[1,2]}},
              {"warehouse":"WH-1","sku":"SKU-2","onHand":0,"reserved":null,"version":9,"locations":[]}
            ],"nextCursor":"abc","highestVersion":11}
            """;
        var builder = Builder();

        var page = SnapshotPageReader.Read(Encoding.UTF8.GetBytes(json), builder, "WH-1");
        var snapshot = builder.Build();

        Assert.Equal(new SnapshotPage(2, "abc", 9, 11), page);
        Assert.Equal(12, snapshot.GetQuantity("SKU-1"));
        Assert.Equal(2, snapshot.GetReserved(snapshot.Catalog.GetOrAdd("SKU-1")));
        Assert.Equal("A-01", snapshot.GetLocation(snapshot.Catalog.GetOrAdd("SKU-1")));
        Assert.Equal(0, snapshot.GetQuantity("SKU-2"));
        Assert.Null(snapshot.GetLocation(snapshot.Catalog.GetOrAdd("SKU-2")));
    }

    [Fact]
    public void Read_SkuThatIsNotValidUtf8_IsAMalformedAnswer()
    {
        // Found by the parser fuzzer: GetString threw InvalidOperationException, which the client did not report as a malformed answer.
        var json = Encoding.UTF8.GetBytes("{\"items\":[{\"warehouse\":\"WH-1\",\"sku\":\"SKU-#\",\"onHand\":1}]}");
        json[Array.IndexOf(json, (byte)'#')] = 0xFF;

        Assert.Throws<JsonException>(() => SnapshotPageReader.Read(json, Builder(), "WH-1"));
    }

    [Fact]
    public void Read_100PagesOf1000Rows_FillsTheBuilderWithoutRowObjects()
    {
        var pages = Enumerable.Range(0, 100).Select(p =>
        {
            var sb = new StringBuilder("{\"items\":[");
            for (var i = 0; i < 1000; i++)
            {
                var n = (p * 1000) + i;
                sb.Append(i == 0 ? string.Empty : ",")
                  .Append("{\"warehouse\":\"WH-1\",\"sku\":\"SKU-").Append(n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))
                  .Append("\",\"onHand\":").Append(n % 500).Append(",\"reserved\":").Append(n % 7)
                  .Append(",\"available\":0,\"version\":").Append(n + 1)
                  .Append(",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"locations\":[{\"location\":\"A-").Append((n % 40).ToString("D2", System.Globalization.CultureInfo.InvariantCulture))
                  .Append("\",\"onHand\":1,\"reserved\":0}]}");
            }

            return Encoding.UTF8.GetBytes(sb.Append("],\"nextCursor\":\"c\",\"highestVersion\":100000}").ToString());
        }).ToList();
        var warmUp = Builder();
        pages.ForEach(page => SnapshotPageReader.Read(page, warmUp, "WH-1"));
        var builder = Builder();

        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rows = pages.Sum(page => SnapshotPageReader.Read(page, builder, "WH-1").Rows);
        watch.Stop();
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;

        TestContext.Current.TestOutputHelper?.WriteLine($"parsed 100 pages of 1000 rows ({pages.Sum(p => p.Length) / 1024 / 1024} MiB) into the builder (warm): {watch.ElapsedMilliseconds} ms wall, {cpu.TotalMilliseconds:0} ms CPU");
        Assert.Equal(100_000, rows);
        Assert.Equal(100_000, builder.Build().ReportedCount);
    }

    [Fact]
    public void Read_LastPage_HasNoCursor()
    {
        var page = SnapshotPageReader.Read("""{"items":[],"nextCursor":null}"""u8, Builder(), "WH-1");

        Assert.Equal(new SnapshotPage(0, null, null, null), page);
    }

    [Theory]
    [InlineData("""{"items":[{"sku":"A","onHand":"ten"}],"nextCursor":null}""", "item 0 (A): onHand is 'ten', not a whole number")]
    [InlineData("""{"items":[{"sku":"A","onHand":1.5}]}""", "item 0 (A): onHand is 1.5, not a whole number")]
    [InlineData("""{"items":[{"onHand":3}],"nextCursor":null}""", "item 0 has no sku")]
    [InlineData("""{"items":[{"sku":"A","reserved":1}],"nextCursor":null}""", "item 0 (A) has no onHand")]
    [InlineData("""{"nextCursor":null}""", "the page has no 'items' array")]
    [InlineData("""{"items":{}}""", "items is StartObject, not StartArray")]
    [InlineData("""{"items":[42]}""", "item 0 is Number, not an object")]
    [InlineData("""{"items":[{"sku":"A","onHand":1,"warehouse":"OTHER"}]}""", "item 0 (A) belongs to warehouse 'OTHER', not 'WH-1'")]
    [InlineData("""{"items":[],"nextCursor":5}""", "nextCursor is Number, not a string")]
    [InlineData("""[]""", "the page is StartArray, not StartObject")]
    public void Read_BodyNotInTheContractShape_ThrowsSayingWhat(string json, string expected)
    {
        var error = Assert.Throws<WesFormatException>(() => SnapshotPageReader.Read(Encoding.UTF8.GetBytes(json), Builder(), "WH-1"));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"items":[{"sku":"A","onHand":1}""")]
    [InlineData("<html>Bad gateway</html>")]
    public void Read_BrokenJson_ThrowsJsonOrFormatException(string json)
    {
        var error = Record.Exception(() => SnapshotPageReader.Read(Encoding.UTF8.GetBytes(json), Builder(), "WH-1"));

        Assert.True(error is JsonException or WesFormatException, error?.GetType().Name);
    }

    [Fact]
    public void Read_NegativeQuantity_ThrowsInvalidStockData()
    {
        var error = Assert.Throws<InvalidStockDataException>(() => SnapshotPageReader.Read("""{"items":[{"sku":"A","onHand":-1}]}"""u8, Builder(), "WH-1"));

        Assert.Equal("A", error.SkuCode);
    }
}
