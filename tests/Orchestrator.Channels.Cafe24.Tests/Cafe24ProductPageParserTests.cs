using System.Text;
using System.Text.Json;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24.Internal;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Cafe24.Tests;

public sealed class Cafe24ProductPageParserTests
{
    [Theory]
    [InlineData("{\"products\":[{\"product_no\":99999999999999999999}]}")]
    [InlineData("{\"products\":[{\"product_no\":1,\"variants\":[{\"variant_code\":\"P0000001000A\",\"quantity\":\"lots\"}]}]}")]
    [InlineData("{\"products\":[{\"product_no\":1,\"variants\":[{\"variant_code\":\"P0000001000A\",\"quantity\":99999999999999999999}]}]}")]
    [InlineData("{\"products\":[{\"product_no\":1,\"variants\":[{\"variant_code\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"quantity\":1}]}]}")]
    public void Read_UnreadableNumberOrOverlongCode_IsAMalformedAnswer(string body)
    {
        // Found by the bad-input corpus: these threw FormatException or ArgumentException, which no caller treats as a malformed answer.
        var listings = new ChannelListingMap("cafe24", new SkuCatalog());
        listings.Add(ListingKey.Cafe24(1, "P0000001000A"), "SKU-1");
        var builder = new StockSnapshotBuilder(listings, "WH1", DateTimeOffset.UnixEpoch);
        Assert.Throws<JsonException>(() => Cafe24ProductPageParser.Read(Encoding.UTF8.GetBytes(body), builder, null, out _));
    }
}
