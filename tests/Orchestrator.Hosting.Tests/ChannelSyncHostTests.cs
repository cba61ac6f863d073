using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Events;
using Orchestrator.Storage;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

public sealed class ChannelSyncHostTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 5, 0, TimeSpan.Zero); // 09:05 KST

    [Fact]
    public async Task A_host_runs_the_channel_sync_on_the_cron_tick_and_converges_10k_SKUs_on_3_channels_in_one_run()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 10_000, drift: 0.02);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock);
        var offBefore = world.CountOff();
        var coupangOff = world.Sandbox.Coupang.Listings.Count(l => world.Sellable(l.SkuCode) != world.Sandbox.Coupang.GetQuantity(l.VendorItemId));

        var next = await host.NextRunAsync("channel-sync");
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 10, 0, TimeSpan.Zero), next); // the default */10 in Asia/Seoul
        Assert.Equal(0, world.ChannelWrites);
        clock.SetUtcNow(next);
        var status = await host.WaitForRunAsync("channel-sync", 0);

        Assert.Equal(OrchestratorRunOutcome.Succeeded, status.LastOutcome);
        Assert.True(offBefore > 0);
        Assert.Equal(0, world.CountOff());
        var runs = await host.Services.GetRequiredService<ISyncRunStore>().GetRecentAsync(10, TestContext.Current.CancellationToken);
        var run = Assert.Single(runs);
        Assert.Equal(("schedule", SyncRunState.Completed), (run.Trigger, run.State));
        Assert.Equal(coupangOff, world.Sandbox.Coupang.QuantityWrites); // only what differed was pushed
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 20, 0, TimeSpan.Zero), await host.NextRunAsync("channel-sync"));
    }

    [Fact]
    public async Task Stock_events_sync_only_their_SKUs_and_a_burst_coalesces_into_one_run()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 300, drift: 0.2);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o => o.EventCoalescingDelay = TimeSpan.FromSeconds(5));
        var sink = host.Services.GetRequiredService<IStockEventSink>();
        await host.NextRunAsync("channel-sync");
        var drifted = world.Drifted.Order(StringComparer.Ordinal).Take(4).ToArray();
        var untouched = world.Drifted.Except(drifted).ToArray();

        var receipts = new List<StockEventReceipt>
        {
            await sink.AcceptAsync(Event("e1", StockEventType.OrderCompleted, drifted[0], drifted[1]), TestContext.Current.CancellationToken),
            await sink.AcceptAsync(Event("e2", StockEventType.OrderCompleted, drifted[1], drifted[2]), TestContext.Current.CancellationToken),
            await sink.AcceptAsync(Event("e3", StockEventType.InventoryReceived, drifted[3]), TestContext.Current.CancellationToken),
        };
        var coalesced = clock.GetUtcNow() + TimeSpan.FromSeconds(5);
        await HostHarness.WaitUntilAsync(() => clock.PendingDueTimes.Contains(coalesced), "the coalescing delay");
        clock.Advance(TimeSpan.FromSeconds(5));
        await host.WaitForRunAsync("channel-sync", 0);

        Assert.All(receipts, r => Assert.False(r.Duplicate));
        Assert.Equal([2, 2, 1], receipts.Select(r => r.SkusToSync));
        var runs = await host.Services.GetRequiredService<ISyncRunStore>().GetRecentAsync(10, TestContext.Current.CancellationToken);
        var run = Assert.Single(runs);
        Assert.Equal("inventory.received+order.completed", run.Trigger);
        var items = await host.Services.GetRequiredService<ISyncRunStore>().GetItemsAsync(run.RunId, 0, 1_000, TestContext.Current.CancellationToken);
        Assert.Equal(drifted.Order(StringComparer.Ordinal), items.Select(i => i.SkuCode).Distinct().Order(StringComparer.Ordinal));
        Assert.All(drifted, sku => Assert.Equal(world.Sellable(sku), world.Sandbox.Coupang.GetQuantity(world.Sandbox.Coupang.Listings.Single(l => l.SkuCode == sku).VendorItemId)));
        Assert.All(untouched, sku => Assert.NotEqual(world.Sellable(sku), world.Sandbox.Coupang.GetQuantity(world.Sandbox.Coupang.Listings.Single(l => l.SkuCode == sku).VendorItemId)));
        Assert.Equal(items.Count(i => i.Channel == "coupang" && i.Status == SyncItemStatus.Succeeded), world.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(drifted.Length, world.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task Manual_adjust_sets_the_inventory_and_reaches_the_WES_once_even_when_replayed()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 100, drift: 0);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock);
        var sink = host.Services.GetRequiredService<IStockEventSink>();
        await host.NextRunAsync("channel-sync");
        var sku = world.Items[0].SkuCode;
        var applied = world.Sandbox.Wes.Applied;
        var adjust = Event("adj-1", StockEventType.InventoryManualAdjust, (sku, 77));

        var first = await sink.AcceptAsync(adjust, TestContext.Current.CancellationToken);
        await host.WaitForRunAsync("channel-sync", 0);
        var replay = await sink.AcceptAsync(adjust, TestContext.Current.CancellationToken);
        await host.WaitForRunAsync("channel-sync", 1);

        Assert.False(first.Duplicate);
        Assert.True(replay.Duplicate);
        Assert.Equal(77, world.Sandbox.Wes.Get(SandboxWorld.Warehouse, sku)!.OnHand);
        Assert.Equal(applied + 1, world.Sandbox.Wes.Applied);
        var position = await host.Services.GetRequiredService<IInventoryStore>().GetPositionAsync(SandboxWorld.Warehouse, sku, TestContext.Current.CancellationToken);
        Assert.Equal(77, position!.OnHand);
        Assert.Equal(77, world.Sandbox.Coupang.GetQuantity(world.Sandbox.Coupang.Listings.Single(l => l.SkuCode == sku).VendorItemId));
    }

    [Theory]
    [InlineData("no-lines")]
    [InlineData("negative")]
    [InlineData("twice")]
    [InlineData("unknown-sku")]
    [InlineData("other-warehouse")]
    [InlineData("no-id")]
    public async Task A_bad_event_is_refused_with_a_typed_error_and_changes_nothing(string problem)
    {
        await using var world = await SandboxWorld.StartAsync(skus: 50, drift: 0);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock);
        var sink = host.Services.GetRequiredService<IStockEventSink>();
        var sku = world.Items[0].SkuCode;
        var bad = problem switch
        {
            "no-lines" => new StockEvent("e", StockEventType.InventoryManualAdjust, SandboxWorld.Warehouse, [], Start),
            "negative" => Event("e", StockEventType.InventoryManualAdjust, (sku, -1)),
            "twice" => Event("e", StockEventType.InventoryManualAdjust, (sku, 1), (sku, 2)),
            "unknown-sku" => Event("e", StockEventType.InventoryManualAdjust, ("NOPE-1", 1)),
            "other-warehouse" => Event("e", StockEventType.InventoryManualAdjust, (sku, 1)) with { WarehouseId = "WH9" },
            _ => Event(" ", StockEventType.InventoryManualAdjust, (sku, 1)),
        };
        var applied = world.Sandbox.Wes.Applied;

        await Assert.ThrowsAsync<InvalidStockDataException>(() => sink.AcceptAsync(bad, TestContext.Current.CancellationToken));

        Assert.Equal(applied, world.Sandbox.Wes.Applied);
        Assert.Null(await host.Services.GetRequiredService<IInventoryStore>().GetPositionAsync(SandboxWorld.Warehouse, sku, TestContext.Current.CancellationToken));
    }

    private static StockEvent Event(string id, StockEventType type, params string[] skus) =>
        new(id, type, SandboxWorld.Warehouse, [.. skus.Select(s => new StockEventLine(s, 1))], Start);

    private static StockEvent Event(string id, StockEventType type, params (string Sku, int Quantity)[] lines) =>
        new(id, type, SandboxWorld.Warehouse, [.. lines.Select(l => new StockEventLine(l.Sku, l.Quantity))], Start);
}
