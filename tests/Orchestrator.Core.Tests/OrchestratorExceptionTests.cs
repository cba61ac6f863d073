namespace Orchestrator.Tests;

public class OrchestratorExceptionTests
{
    [Fact]
    public void ErrorCodes_MatchSeedExceptionTable()
    {
        Assert.Equal("ERR-INV-001", new ChannelApiTimeoutException("coupang", TimeSpan.FromSeconds(10)).ErrorCode);
        Assert.Equal("ERR-INV-002", new StockUpdateFailedException("coupang", "A", "refused").ErrorCode);
        Assert.Equal("ERR-INV-003", new DataMismatchException("x").ErrorCode);
        Assert.Equal("ERR-INV-004", new WarehouseApiException(ChannelFailureKind.Unavailable, "down", 503).ErrorCode);
    }

    [Theory]
    [InlineData(ChannelFailureKind.Timeout, true)]
    [InlineData(ChannelFailureKind.RateLimited, true)]
    [InlineData(ChannelFailureKind.Unavailable, true)]
    [InlineData(ChannelFailureKind.Unauthorized, false)]
    [InlineData(ChannelFailureKind.Rejected, false)]
    [InlineData(ChannelFailureKind.MalformedResponse, false)]
    public void IsTransient_FollowsFailureKind(ChannelFailureKind kind, bool transient)
    {
        Assert.Equal(transient, new ChannelApiException("naver", kind, "m").IsTransient);
        Assert.Equal(transient, new WarehouseApiException(kind, "m").IsTransient);
    }

    [Fact]
    public void ChannelStockUpdate_NegativeQuantity_ThrowsInvalidStockData()
    {
        var ex = Assert.Throws<InvalidStockDataException>(() => new Orchestrator.Channels.ChannelStockUpdate(Orchestrator.Catalog.ListingKey.Coupang(1), "A", -1, "tx"));

        Assert.Equal("A", ex.SkuCode);
    }
}
