using Orchestrator.Sandbox.Faults;
using Orchestrator.Warehouse;

namespace Orchestrator.Wes.Tests;

public sealed class RestWesClientWriteTests : WesTestContext
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Wes.Seed(Warehouse, [("SKU-A", 100, 10, "A-01"), ("SKU-B", 5, 0, "B-02")]);
    }

    private static WesStockOperation Commit(string id, int quantity = 3, string sku = "SKU-A") =>
        new(id, Warehouse, [new WesLine(sku, quantity)], "ORDER-1");

    [Fact]
    public async Task CommitAsync_SameTransactionIdTwice_AppliedOnceAndSecondReportedReplayed()
    {
        using var client = Client();

        var first = await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-1"), CancellationToken.None));
        var second = await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-1"), CancellationToken.None));

        Assert.Equal(new WesOperationResult("tx-commit-1", false), first);
        Assert.Equal(new WesOperationResult("tx-commit-1", true), second);
        Assert.Equal(97, Wes.Get(Warehouse, "SKU-A")!.OnHand);
        Assert.Equal(7, Wes.Get(Warehouse, "SKU-A")!.Reserved);
        Assert.Equal(1, Wes.Applied);
    }

    [Fact]
    public async Task RestockAsync_SameTransactionIdTwice_AppliedOnce()
    {
        using var client = Client();
        var restock = new WesStockOperation("tx-restock-1", Warehouse, [new WesLine("SKU-B", 4), new WesLine("SKU-NEW", 2, "R-01")], "return RMA-7");

        var first = await Clock.RunAsync(() => client.RestockAsync(restock, CancellationToken.None));
        var second = await Clock.RunAsync(() => client.RestockAsync(restock, CancellationToken.None));

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(9, Wes.Get(Warehouse, "SKU-B")!.OnHand);
        Assert.Equal(2, Wes.Get(Warehouse, "SKU-NEW")!.OnHand);
    }

    [Fact]
    public async Task CommitAsync_SameTransactionIdDifferentBody_ThrowsRejectedConflict()
    {
        using var client = Client();
        await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-2", 3), CancellationToken.None));

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-2", 4), CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.Rejected, error.Kind);
        Assert.Equal(409, error.StatusCode);
        Assert.Contains("transaction_conflict", error.Message, StringComparison.Ordinal);
        Assert.Equal(97, Wes.Get(Warehouse, "SKU-A")!.OnHand);
    }

    [Fact]
    public async Task CommitAsync_ResponseDroppedAfterApply_RetriedAppliedOnceReportedReplayed()
    {
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.DropResponse) { PathContains = "/commits" });
        using var client = Client();

        var result = await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-3"), CancellationToken.None));

        Assert.True(result.Replayed);
        Assert.Equal(97, Wes.Get(Warehouse, "SKU-A")!.OnHand);
        Assert.Equal(1, Wes.Applied);
        Assert.Equal(2, Wes.Requests);
    }

    [Fact]
    public async Task CommitAsync_ServerErrorThenOk_RetriedAndAppliedOnce()
    {
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 502 });
        using var client = Client();

        var result = await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-4"), CancellationToken.None));

        Assert.False(result.Replayed);
        Assert.Equal(97, Wes.Get(Warehouse, "SKU-A")!.OnHand);
    }

    [Fact]
    public async Task CommitAsync_WesDownForManyCalls_CircuitOpensAndCallsFailFastWithoutReachingIt()
    {
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });
        using var client = Client(o => o.MaxRetries = 0);
        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.CommitAsync(Commit($"tx-cb-{i}"), CancellationToken.None)));
        }

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.CommitAsync(Commit("tx-cb-20"), CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.Unavailable, error.Kind);
        Assert.Contains("circuit is open", error.Message, StringComparison.Ordinal);
        Assert.True(error.IsTransient);
        Assert.Equal(20, Wes.Requests);
    }

    [Fact]
    public async Task CommitAsync_MoreThanOnHand_ThrowsRejectedAndChangesNothing()
    {
        using var client = Client();
        var operation = new WesStockOperation("tx-commit-5", Warehouse, [new WesLine("SKU-A", 1), new WesLine("SKU-B", 6)]);

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.CommitAsync(operation, CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.Rejected, error.Kind);
        Assert.Equal(422, error.StatusCode);
        Assert.Contains("insufficient_stock", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, Wes.Get(Warehouse, "SKU-A")!.OnHand);
    }

    [Fact]
    public async Task CommitAsync_AnswerNotJson_ThrowsMalformedResponse()
    {
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/commits" });
        using var client = Client();

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-6"), CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.MalformedResponse, error.Kind);
        Assert.Contains("commit tx-commit-6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitAsync_InvalidLine_ThrowsBeforeSending()
    {
        using var client = Client();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.CommitAsync(Commit("tx-commit-7", 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CommitAsync(new WesStockOperation("tx-commit-8", Warehouse, []), CancellationToken.None));
        Assert.Equal(0, Wes.Requests);
    }

    [Fact]
    public async Task ScrapAsync_Applied_DeductsOnHand()
    {
        using var client = Client();

        var result = await Clock.RunAsync(() => client.ScrapAsync(new WesStockOperation("tx-scrap-1", Warehouse, [new WesLine("SKU-B", 2)], "damaged"), CancellationToken.None));

        Assert.False(result.Replayed);
        Assert.Equal(3, Wes.Get(Warehouse, "SKU-B")!.OnHand);
    }

    [Fact]
    public async Task SetStockAsync_ExpectedVersionMatches_SetsAndReplayIsNoOp()
    {
        using var client = Client();
        var version = Wes.Get(Warehouse, "SKU-A")!.Version;
        var update = new WesStockUpdate("tx-set-1", Warehouse, "SKU-A", 42, version, "cycle count");

        var first = await Clock.RunAsync(() => client.SetStockAsync(update, CancellationToken.None));
        var second = await Clock.RunAsync(() => client.SetStockAsync(update, CancellationToken.None));

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(42, Wes.Get(Warehouse, "SKU-A")!.OnHand);
    }

    [Fact]
    public async Task SetStockAsync_StaleExpectedVersion_ThrowsRejectedVersionMismatch()
    {
        using var client = Client();
        var version = Wes.Get(Warehouse, "SKU-A")!.Version;
        await Clock.RunAsync(() => client.CommitAsync(Commit("tx-commit-9"), CancellationToken.None));

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.SetStockAsync(new WesStockUpdate("tx-set-2", Warehouse, "SKU-A", 50, version), CancellationToken.None)));

        Assert.Equal(412, error.StatusCode);
        Assert.Equal(ChannelFailureKind.Rejected, error.Kind);
        Assert.Contains("version_mismatch", error.Message, StringComparison.Ordinal);
        Assert.Equal(97, Wes.Get(Warehouse, "SKU-A")!.OnHand);
    }

    [Fact]
    public async Task ReadMovementsAsync_AfterWrites_ReturnsEveryMovementOldestFirstAcrossPages()
    {
        using var client = Client(o => o.PageSize = 2);
        var start = Clock.GetUtcNow();
        await Clock.RunAsync(() => client.CommitAsync(Commit("tx-m-1", 3), CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Clock.RunAsync(() => client.RestockAsync(new WesStockOperation("tx-m-2", Warehouse, [new WesLine("SKU-B", 1)]), CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Clock.RunAsync(() => client.ScrapAsync(new WesStockOperation("tx-m-3", Warehouse, [new WesLine("SKU-A", 2)]), CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Clock.RunAsync(() => client.SetStockAsync(new WesStockUpdate("tx-m-4", Warehouse, "SKU-B", 10), CancellationToken.None));

        var movements = await Clock.RunAsync(async () =>
        {
            var list = new List<WesMovement>();
            await foreach (var m in client.ReadMovementsAsync(Warehouse, start, Clock.GetUtcNow().AddSeconds(1), CancellationToken.None))
            {
                list.Add(m);
            }

            return list;
        });

        Assert.Equal(["tx-m-1", "tx-m-2", "tx-m-3", "tx-m-4"], movements.Select(m => m.TransactionId));
        Assert.Equal([WesMovementKind.Commit, WesMovementKind.Restock, WesMovementKind.Scrap, WesMovementKind.Adjust], movements.Select(m => m.Kind));
        Assert.Equal([-3, 1, -2, 4], movements.Select(m => m.OnHandDelta));
        Assert.Equal(start.AddMinutes(1), movements[1].OccurredAt);
    }
}
