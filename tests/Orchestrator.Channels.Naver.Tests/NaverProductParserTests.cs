using System.Text;
using System.Text.Json;
using Orchestrator.Catalog;
using Orchestrator.Channels.Naver.Internal;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Naver.Tests;

public sealed class NaverProductParserTests
{
    [Theory]
    [InlineData("{\"originProduct\":{\"stockQuantity\":99999999999999999999}}")]
    [InlineData("{\"originProduct\":{\"salePrice\":1e400,\"stockQuantity\":1}}")]
    [InlineData("{\"originProduct\":{\"stockQuantity\":true}}")]
    public void Read_NumberThatIsNotAWhole64BitValue_IsAMalformedAnswer(string body)
    {
        // Found by the bad-input corpus: a quantity past 64 bits threw FormatException, which no caller treats as a malformed answer.
        var listings = new ChannelListingMap("naver", new SkuCatalog());
        listings.Add(ListingKey.Naver(1), "SKU-1");
        var builder = new StockSnapshotBuilder(listings, "WH1", DateTimeOffset.UnixEpoch);
        Assert.Throws<JsonException>(() => NaverProductParser.Read(Encoding.UTF8.GetBytes(body), 1, builder));
    }
}
