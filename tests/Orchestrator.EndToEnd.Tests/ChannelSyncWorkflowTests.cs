using Orchestrator.Alerts;
using Orchestrator.Channels;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>WF-INV-001 end to end: real adapters, WES client and notifiers over loopback HTTP to the sandbox, on SQLite.</summary>
public sealed class ChannelSyncWorkflowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_DriftAcrossThreeChannels_ConvergesInOneRunAndRecordsIt()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 1_000, drift: 0.05);

        var first = await env.Workflow().RunAsync("manual", Ct);
        var second = await env.Workflow().RunAsync("manual", Ct);

        Assert.Equal(SyncRunState.Completed, first.State);
        Assert.Empty(first.SkippedChannels);
        Assert.Equal(first.Mismatches!.Mismatches.Count, first.Pushed);
        Assert.True(first.Pushed >= env.Drifted.Count * 2, $"{first.Pushed} pushes for {env.Drifted.Count} drifted SKUs");
        Assert.Empty(second.Mismatches!.Mismatches);
        foreach (var listing in env.Sandbox.Coupang.Listings.Where(l => env.Drifted.Contains(l.SkuCode)))
        {
            Assert.Equal(env.Sellable(listing.SkuCode), env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        }

        var run = await env.Storage.SyncRuns.GetAsync(first.RunId, Ct);
        Assert.Equal(SyncRunState.Completed, run!.State);
        Assert.Equal(1.0, run.Kpis!.SyncAccuracy, 3);
        Assert.Contains("collect", run.Stages!.Keys);
        var items = await env.Storage.SyncRuns.GetItemsAsync(first.RunId, 0, 10_000, Ct);
        Assert.Equal(first.Pushed, items.Count(i => i.Status == SyncItemStatus.Succeeded));
        Assert.All(items, i => Assert.Contains("on hand", i.Explanation, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_ChannelDown_IsSkippedAndTheOthersSync()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0.1);
        env.Sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });
        var options = SyncEnvironment.Options();
        options.CollectAttempts = 2;

        var result = await env.Workflow(options).RunAsync("manual", Ct);

        Assert.Equal(SyncRunState.Completed, result.State);
        Assert.Equal(["naver"], result.SkippedChannels);
        Assert.DoesNotContain(result.Mismatches!.Channels, c => c.Channel == "naver");
        Assert.True(result.Pushed > 0);
        Assert.Contains(result.Alerts, a => a.Kind == AlertKind.SyncFailure && a.Channel == "naver" && a.Level == "ERR-INV-001");
        Assert.True(env.Sandbox.Slack.Messages.Count > 0);
    }

    [Fact]
    public async Task RunAsync_PushesRefusedByChannel_LandInPendingSyncQueue()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0.1);
        env.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Method = "PUT", Times = int.MaxValue });
        var options = SyncEnvironment.Options();
        options.PushAttempts = 2;

        var result = await env.Workflow(options).RunAsync("manual", Ct);

        var coupangMismatches = result.Mismatches!.Mismatches.Count(m => m.Channel == "coupang");
        Assert.Equal(SyncRunState.Completed, result.State);
        Assert.Equal(coupangMismatches, result.Queued);
        var depth = await env.Storage.PendingSync.CountByStateAsync(Ct);
        Assert.Equal(coupangMismatches, depth[PendingSyncState.Pending]);
        var claimed = await env.Storage.PendingSync.ClaimAsync("coupang", 1, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, Ct);
        Assert.Equal(ChannelSyncWorkflow.PendingKind, Assert.Single(claimed).Item.Kind);
        Assert.Contains(result.Alerts, a => a.Kind == AlertKind.SyncFailure && a.Level == "ERR-INV-002");
        Assert.Equal(0, env.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task RunAsync_WarehouseDown_EndsInErrorWithoutTouchingChannels()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 200, drift: 0.2);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });
        var options = SyncEnvironment.Options();
        options.CollectAttempts = 1;

        var result = await env.Workflow(options).RunAsync("schedule", Ct);

        Assert.Equal(SyncRunState.Error, result.State);
        Assert.Contains("ERR-INV-004", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, env.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(SyncRunState.Error, (await env.Storage.SyncRuns.GetAsync(result.RunId, Ct))!.State);
    }

    [Fact]
    public async Task RunAsync_PausedSku_IsSoldAsZeroOnEveryChannel()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 200, drift: 0);
        var listing = env.Sandbox.Coupang.Listings.First(l => env.Sellable(l.SkuCode) > 0);
        await env.Storage.AllocationPauses.PauseAsync(new AllocationPause(SyncEnvironment.Warehouse, listing.SkuCode, "WES shows none", "test", DateTimeOffset.UtcNow), Ct);

        var result = await env.Workflow().RunAsync("manual", Ct);

        Assert.Equal(SyncRunState.Completed, result.State);
        Assert.Equal(0, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        Assert.All(result.Mismatches!.Mismatches, m => Assert.Equal(0, m.TargetQuantity));
    }

    /// <summary>The pending-sync worker's guard: what a channel may sell now, read from the WES, under the run's rules.</summary>
    [Fact]
    public async Task GetSellableQuantityAsync_ReadsTheWarehouseNow_PausedOrUnknownSkusSellZero()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 50, drift: 0);
        var skus = env.Sandbox.Coupang.Listings.Select(l => l.SkuCode).Where(s => env.Sellable(s) > 0).Distinct().Take(2).ToList();
        var workflow = env.Workflow();
        await env.Storage.AllocationPauses.PauseAsync(new AllocationPause(SyncEnvironment.Warehouse, skus[1], "WES shows none", "test", DateTimeOffset.UtcNow), Ct);

        Assert.Equal(env.Sellable(skus[0]), await workflow.GetSellableQuantityAsync("coupang", skus[0], Ct));
        Assert.Equal(0, await workflow.GetSellableQuantityAsync("coupang", skus[1], Ct));
        Assert.Equal(0, await workflow.GetSellableQuantityAsync("coupang", "NO-SUCH-SKU", Ct));
        Assert.Null(await workflow.GetSellableQuantityAsync("no-such-channel", skus[0], Ct));
    }

    [Fact]
    public async Task RunAsync_CriticalStock_AlertsSlackAndKakaoTalkOnceThenSuppressesRepeats()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0);

        var first = await env.Workflow().RunAsync("manual", Ct);
        var memosAfterFirst = env.Sandbox.Kakao.Memos.Count;
        var second = await env.Workflow().RunAsync("manual", Ct);

        Assert.NotEmpty(first.Levels!.Critical);
        Assert.Equal(first.Levels.Critical.Count, first.Alerts.Count(a => a.Kind == AlertKind.CriticalStock));
        Assert.True(first.Dispatch!.AllDelivered);
        Assert.Equal(first.Levels.Critical.Count, first.Dispatch.Targets[AlertRoutes.KakaoTalk].Delivered);
        Assert.Equal(first.Levels.Critical.Count + first.Levels.Low.Count, first.Dispatch.Targets[AlertRoutes.Slack].Delivered);
        Assert.True(memosAfterFirst >= 1);
        Assert.Equal(second.Alerts.Count, second.Dispatch!.Suppressed);
        Assert.Equal(memosAfterFirst, env.Sandbox.Kakao.Memos.Count);
    }

    [Fact]
    public async Task Ctor_ChannelsOnDifferentCatalogs_Throws()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 10, drift: 0);
        var other = new Orchestrator.Catalog.ChannelListingMap("coupang", new Orchestrator.Catalog.SkuCatalog());
        var channels = new List<SyncChannel> { env.Channels[1], new(env.Coupang, other, new Orchestrator.Stock.ChannelSellableRule("coupang")) };

        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new ChannelSyncWorkflow(
            channels, new NoWes(), new SyncStores(env.Storage.SyncRuns, env.Storage.PendingSync, env.Storage.AllocationPauses), SyncEnvironment.Options()));
    }

    private sealed class NoWes : Orchestrator.Warehouse.IWesClient
    {
        public Task<Orchestrator.Warehouse.WesSnapshotInfo> ReadSnapshotAsync(Orchestrator.Stock.StockSnapshotBuilder into, Orchestrator.Warehouse.WesSnapshotRequest request, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Orchestrator.Warehouse.WesOperationResult> CommitAsync(Orchestrator.Warehouse.WesStockOperation operation, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Orchestrator.Warehouse.WesOperationResult> RestockAsync(Orchestrator.Warehouse.WesStockOperation operation, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Orchestrator.Warehouse.WesOperationResult> ScrapAsync(Orchestrator.Warehouse.WesStockOperation operation, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Orchestrator.Warehouse.WesOperationResult> SetStockAsync(Orchestrator.Warehouse.WesStockUpdate update, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<Orchestrator.Warehouse.WesMovement> ReadMovementsAsync(string warehouseId, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
