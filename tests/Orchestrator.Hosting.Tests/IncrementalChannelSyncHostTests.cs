using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.TestUtilities;
using Orchestrator.Warehouse;

namespace Orchestrator.Hosting.Tests;

/// <summary>The incremental channel sync in the host: between cron ticks, in the channel-sync job's loop and under its lock.</summary>
public sealed class IncrementalChannelSyncHostTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 5, 0, TimeSpan.Zero); // 09:05 KST

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Between_cron_ticks_the_host_pushes_only_the_SKUs_the_WES_changed_and_the_cron_tick_still_runs_in_full()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 2_000, drift: 0.02);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o => o.IncrementalChannelSync.Enabled = true);
        var runs = host.Services.GetRequiredService<ISyncRunStore>();

        // 00:06: the first run between ticks has no watermark yet, so it is a full run that converges and stores one.
        var first = await host.NextRunAsync("channel-sync");
        Assert.Equal(Start.AddMinutes(1), first);
        clock.SetUtcNow(first);
        await host.WaitForRunAsync("channel-sync", 0);
        Assert.Equal(0, world.CountOff());
        var fullRun = Assert.Single(await runs.GetRecentAsync(10, Ct));
        Assert.Equal(("incremental", SyncRunState.Completed), (fullRun.Trigger, fullRun.State));

        // 00:07: one SKU changed at the WES; only it is read back and pushed, no channel is read.
        var sku = world.Sandbox.Coupang.Listings[42].SkuCode;
        world.Sandbox.Wes.Adjust(SandboxWorld.Warehouse, sku, world.Sandbox.Wes.Get(SandboxWorld.Warehouse, sku)!.OnHand + 5);
        var writes = world.ChannelWrites;
        var channelReads = world.Sandbox.Coupang.InventoryReads;
        var second = await host.NextRunAsync("channel-sync");
        Assert.Equal(Start.AddMinutes(2), second);
        clock.SetUtcNow(second);
        var status = await host.WaitForRunAsync("channel-sync", 1);

        Assert.Equal(OrchestratorRunOutcome.Succeeded, status.LastOutcome);
        Assert.Equal(0, world.CountOff());
        Assert.Equal(channelReads, world.Sandbox.Coupang.InventoryReads);
        var listings = world.Listings.Channels.Count(c => world.Listings.For(c).Catalog.TryGetOrdinal(sku, out var o) && world.Listings.For(c).IsListed(o));
        Assert.Equal(writes + listings, world.ChannelWrites);
        var subset = (await runs.GetRecentAsync(10, Ct))[0];
        Assert.Equal("incremental", subset.Trigger);
        var items = await runs.GetItemsAsync(subset.RunId, 0, 100, Ct);
        Assert.All(items, i => Assert.Equal(sku, i.SkuCode));

        // 00:10: the clock passes the 00:08 wake and the cron tick together; the tick wins and is a full run (channels read again).
        Assert.Equal(Start.AddMinutes(3), await host.NextRunAsync("channel-sync"));
        clock.SetUtcNow(Start.AddMinutes(5));
        await host.WaitForRunAsync("channel-sync", 2);

        Assert.True(world.Sandbox.Coupang.InventoryReads > channelReads);
        Assert.Equal("schedule", (await runs.GetRecentAsync(1, Ct))[0].Trigger);
    }

    [Fact]
    public async Task A_watermark_age_not_longer_than_the_interval_fails_the_start()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        await using var host = await HostHarness.BuildAsync(world, new ManualTimeProvider(Start), configure: o =>
        {
            o.IncrementalChannelSync.Enabled = true;
            o.IncrementalChannelSync.Interval = TimeSpan.FromMinutes(10);
            o.IncrementalChannelSyncWorkflow.MaxWatermarkAge = TimeSpan.FromMinutes(5);
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartHostAsync);

        Assert.Contains("Orchestrator:IncrementalChannelSyncWorkflow: MaxWatermarkAge must be longer than IncrementalChannelSync:Interval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_out_of_range_interval_fails_the_start_and_names_the_key()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        await using var host = await HostHarness.BuildAsync(world, new ManualTimeProvider(Start), configure: o => o.IncrementalChannelSync.Interval = TimeSpan.Zero);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartHostAsync);

        Assert.Contains("Orchestrator:IncrementalChannelSync: The field Interval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watermark_of_a_full_run_lets_the_next_run_between_ticks_sync_incrementally()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 300, drift: 0.05);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o =>
        {
            o.IncrementalChannelSync.Enabled = true;
            o.IncrementalChannelSync.Interval = TimeSpan.FromMinutes(7); // the cron tick at 00:10 comes first
        });
        var watermarks = host.Services.GetRequiredService<IWatermarkStore>();

        var tick = await host.NextRunAsync("channel-sync");
        Assert.Equal(Start.AddMinutes(5), tick);
        clock.SetUtcNow(tick);
        await host.WaitForRunAsync("channel-sync", 0);
        var version = await watermarks.GetAsync(IncrementalChannelSync.VersionSource, SandboxWorld.Warehouse, Ct);

        Assert.Equal(world.Sandbox.Wes.Get(SandboxWorld.Warehouse, world.Items[^1].SkuCode)!.Version, version!.Value.UtcTicks);
        var sku = world.Sandbox.Coupang.Listings[3].SkuCode;
        world.Sandbox.Wes.Adjust(SandboxWorld.Warehouse, sku, world.Sandbox.Wes.Get(SandboxWorld.Warehouse, sku)!.OnHand + 1);
        var reads = world.Sandbox.Coupang.InventoryReads;
        var next = await host.NextRunAsync("channel-sync");
        Assert.Equal(tick.AddMinutes(7), next);
        clock.SetUtcNow(next);
        await host.WaitForRunAsync("channel-sync", 1);

        Assert.Equal(reads, world.Sandbox.Coupang.InventoryReads);
        Assert.Equal(0, world.CountOff());
        var latest = (await host.Services.GetRequiredService<ISyncRunStore>().GetRecentAsync(1, Ct))[0];
        Assert.Equal("incremental", latest.Trigger);
    }

    [Fact]
    public async Task Between_reconciliation_ticks_a_WES_restock_reaches_the_inventory_by_comparing_only_that_SKU()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 200, drift: 0);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o =>
        {
            o.ChannelSync.Enabled = false;
            o.Reconciliation.Enabled = true; // hourly: the next tick is at 01:00
            o.IncrementalReconciliation.Enabled = true;
            o.IncrementalReconciliation.Interval = TimeSpan.FromMinutes(1);
        });
        var inventory = host.Services.GetRequiredService<IInventoryStore>();
        var runs = host.Services.GetRequiredService<ISyncRunStore>();

        // 00:06: no watermark yet, so a full comparison; the empty book is set from the WES.
        var first = await host.NextRunAsync("reconciliation");
        Assert.Equal(Start.AddMinutes(1), first);
        clock.SetUtcNow(first);
        await host.WaitForRunAsync("reconciliation", 0);
        var sku = world.Items[17].SkuCode;
        Assert.Equal(world.Sandbox.Wes.Get(SandboxWorld.Warehouse, sku)!.OnHand, (await inventory.GetPositionAsync(SandboxWorld.Warehouse, sku, Ct))!.OnHand);

        // 00:07: a return restocked at the WES is applied to the book by the run between ticks, which compares that SKU only.
        await host.Services.GetRequiredService<IWesClient>().RestockAsync(new WesStockOperation("return-1", SandboxWorld.Warehouse, [new WesLine(sku, 3)], "return"), Ct);
        var second = await host.NextRunAsync("reconciliation");
        clock.SetUtcNow(second);
        var status = await host.WaitForRunAsync("reconciliation", 1);

        Assert.Equal(OrchestratorRunOutcome.Succeeded, status.LastOutcome);
        Assert.Equal(world.Sandbox.Wes.Get(SandboxWorld.Warehouse, sku)!.OnHand, (await inventory.GetPositionAsync(SandboxWorld.Warehouse, sku, Ct))!.OnHand);
        Assert.Contains("return-1", await inventory.GetAppliedAsync(["return-1"], Ct));
        var latest = (await runs.GetRecentAsync(1, Ct))[0];
        Assert.Equal((WesReconciliationWorkflow.WorkflowId, "incremental"), (latest.Workflow, latest.Trigger));
        Assert.Equal(1, latest.Kpis!.TotalSkus);
    }
}
