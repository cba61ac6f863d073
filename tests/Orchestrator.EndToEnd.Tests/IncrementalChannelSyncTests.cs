using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// The incremental channel sync end to end: the WES simulator's <c>sinceVersion</c> change feed, the real WES client and channel
/// adapters over loopback, the SQLite watermark store.
/// </summary>
public sealed class IncrementalChannelSyncTests
{
    private const string LockName = "channel-sync:" + SyncEnvironment.Warehouse;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_WithoutWatermark_RunsFullSyncAndStoresTheWesVersion()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0.1);
        var lease = await LeaseAsync(env.Storage);

        var result = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.Full, result.Mode);
        Assert.True(result.WatermarkAdvanced);
        Assert.Equal(SyncRunState.Completed, result.Run!.State);
        Assert.True(result.Run.Pushed > 0);
        AssertCoupangInSync(env, env.Drifted);
        var watermark = await Incremental(env).GetWatermarkAsync(Ct);
        Assert.Equal(result.ToVersion, watermark!.Version);
        Assert.Equal(env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, env.Items[^1].SkuCode)!.Version, watermark.Version);
        Assert.NotNull(watermark.ConfirmedAt);
    }

    [Fact]
    public async Task RunAsync_ChangeAfterLastRun_SyncsExactlyThatSkuWithoutReadingOrPushingTheOthers()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 1_000, drift: 0.05);
        var lease = await LeaseAsync(env.Storage);
        await Incremental(env).RunAsync("incremental", lease, Ct); // full: no watermark yet
        var sku = CoupangSku(env, 17);
        var row = env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!;
        env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, sku, row.OnHand + 7);
        var channelReads = env.Sandbox.Coupang.InventoryReads;
        var coupangWrites = env.Sandbox.Coupang.QuantityWrites;
        var listingsOfSku = env.Sandbox.Coupang.Listings.Count(l => l.SkuCode == sku);

        var result = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.Incremental, result.Mode);
        Assert.Equal(1, result.ChangedSkus);
        Assert.True(result.WatermarkAdvanced);
        Assert.Equal(SyncRunState.Completed, result.Run!.State);
        AssertCoupangInSync(env, [sku]);
        Assert.Equal(channelReads, env.Sandbox.Coupang.InventoryReads);                 // no channel read
        Assert.Equal(coupangWrites + listingsOfSku, env.Sandbox.Coupang.QuantityWrites); // only the changed SKU pushed
        var items = await env.Storage.SyncRuns.GetItemsAsync(result.Run.RunId, 0, 1_000, Ct);
        Assert.All(items, i => Assert.Equal(sku, i.SkuCode));
        Assert.Equal((await Incremental(env).GetWatermarkAsync(Ct))!.Version, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.Version);

        var idle = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.NoChanges, idle.Mode);
        Assert.Null(idle.Run);
        Assert.Equal(coupangWrites + listingsOfSku, env.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task RunAsync_ChangeCommittedAfterAHigherVersion_IsNotLost()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0);
        var lease = await LeaseAsync(env.Storage);
        await Incremental(env).RunAsync("incremental", lease, Ct);
        var (early, late) = (CoupangSku(env, 3), CoupangSku(env, 5));
        var open = env.Sandbox.Wes.BeginAdjust(SyncEnvironment.Warehouse, early, 1);                                          // takes version v
        env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, late, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, late)!.OnHand + 3); // v + 1, visible first

        var first = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.Equal(1, first.ChangedSkus);
        Assert.Equal(open.Version - 1, first.ToVersion); // the WES announces below the change still in flight
        AssertCoupangInSync(env, [late]);

        open.Commit(); // version v becomes visible after v + 1 was read
        var second = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.Incremental, second.Mode);
        Assert.Equal(SyncRunState.Completed, second.Run!.State);
        Assert.Equal(1, env.Sellable(early));
        AssertCoupangInSync(env, [early, late]);
        var items = await env.Storage.SyncRuns.GetItemsAsync(second.Run.RunId, 0, 1_000, Ct);
        Assert.Contains(items, i => i.SkuCode == early && i.Status == SyncItemStatus.Succeeded);
    }

    [Fact]
    public async Task RunAsync_AfterRestart_ResumesFromTheDurableWatermark()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0.05);
        var lease = await LeaseAsync(env.Storage);
        var full = await Incremental(env).RunAsync("incremental", lease, Ct);
        var sku = CoupangSku(env, 11);
        env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, sku, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.OnHand + 2);

        // A new process: the store opened again on the same file, a new workflow and a new incremental driver.
        await using var reopened = await SqliteOrchestratorStorage.OpenAsync(
            new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(env.Folder, "o.db")}" }, TimeProvider.System, null, Ct);
        var restarted = new IncrementalChannelSync(
            env.Workflow(), env.WesClient(), reopened.Watermarks, new IncrementalChannelSyncOptions());
        var writes = env.Sandbox.Coupang.QuantityWrites;

        var result = await restarted.RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.Incremental, result.Mode);
        Assert.Equal(full.ToVersion, result.FromVersion);
        Assert.Equal(1, result.ChangedSkus);
        AssertCoupangInSync(env, [sku]);
        Assert.Equal(writes + env.Sandbox.Coupang.Listings.Count(l => l.SkuCode == sku), env.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task RunAsync_SubsetSyncFails_WatermarkStaysAndTheNextRunSyncsTheChange()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0);
        var lease = await LeaseAsync(env.Storage);
        await Incremental(env).RunAsync("incremental", lease, Ct);
        var before = (await Incremental(env).GetWatermarkAsync(Ct))!.Version;
        var sku = CoupangSku(env, 7);
        env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, sku, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.OnHand + 4);

        // The change feed read gets through; every later WES read (the subset sync's) fails.
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "GET", PathContains = "/v1/stock", Skip = 1, Times = int.MaxValue, StatusCode = 503 });
        var options = SyncEnvironment.Options();
        options.CollectAttempts = 1;
        var failed = await new IncrementalChannelSync(env.Workflow(options), env.WesClient(), env.Storage.Watermarks, new IncrementalChannelSyncOptions())
            .RunAsync("incremental", lease, Ct);

        Assert.False(failed.Succeeded);
        Assert.False(failed.WatermarkAdvanced);
        Assert.Equal(SyncRunState.Error, failed.Run!.State);
        Assert.Equal(before, (await Incremental(env).GetWatermarkAsync(Ct))!.Version);
        Assert.NotEqual(env.Sellable(sku), CoupangQuantity(env, sku));

        env.Sandbox.Wes.Faults.Clear();
        var retried = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.True(retried.Succeeded);
        Assert.Equal(before, retried.FromVersion);
        AssertCoupangInSync(env, [sku]);
    }

    [Fact]
    public async Task RunAsync_ChangeFeedUnreadable_ReportsTheErrorAndKeepsTheWatermark()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 100, drift: 0);
        var lease = await LeaseAsync(env.Storage);
        await Incremental(env).RunAsync("incremental", lease, Ct);
        var before = await Incremental(env).GetWatermarkAsync(Ct);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "GET", PathContains = "/v1/stock", Times = int.MaxValue, StatusCode = 503 });

        var result = await Incremental(env).RunAsync("incremental", lease, Ct);

        Assert.False(result.Succeeded);
        Assert.Null(result.Run);
        Assert.Contains("WarehouseApiException", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await Incremental(env).GetWatermarkAsync(Ct));
    }

    [Fact]
    public async Task RunAsync_MoreChangesThanTheLimit_RunsAFullSyncInstead()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 300, drift: 0);
        var lease = await LeaseAsync(env.Storage);
        await Incremental(env).RunAsync("incremental", lease, Ct);
        foreach (var item in env.Items.Take(5))
        {
            env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, item.SkuCode, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, item.SkuCode)!.OnHand + 1);
        }

        var reads = env.Sandbox.Coupang.InventoryReads;
        var result = await Incremental(env, new IncrementalChannelSyncOptions { MaxChangedSkus = 3 }).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.Full, result.Mode);
        Assert.Contains("more than 3", result.Reason, StringComparison.Ordinal);
        Assert.True(env.Sandbox.Coupang.InventoryReads > reads);
        AssertCoupangInSync(env, env.Items.Take(5).Select(i => i.SkuCode));
    }

    [Fact]
    public async Task RunAsync_WatermarkOlderThanMaxAge_RunsAFullSync()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 100, drift: 0);
        var lease = await LeaseAsync(env.Storage);
        var clock = new ShiftedClock();
        var options = new IncrementalChannelSyncOptions { MaxWatermarkAge = TimeSpan.FromMinutes(5) };
        await Incremental(env, options, clock).RunAsync("incremental", lease, Ct);
        clock.Shift += TimeSpan.FromMinutes(4);
        var fresh = await Incremental(env, options, clock).RunAsync("incremental", lease, Ct);
        clock.Shift += TimeSpan.FromMinutes(6);

        var stale = await Incremental(env, options, clock).RunAsync("incremental", lease, Ct);

        Assert.Equal(IncrementalSyncMode.NoChanges, fresh.Mode);
        Assert.Equal(IncrementalSyncMode.Full, stale.Mode);
        Assert.Contains("longer ago", stale.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LeaseTakenOver_DoesNotMoveTheWatermark()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 100, drift: 0);
        var stale = await LeaseAsync(env.Storage, TimeSpan.FromMilliseconds(1));
        await Task.Delay(20, Ct);
        _ = await LeaseAsync(env.Storage); // another instance took the lock

        await Assert.ThrowsAsync<LeaseLostException>(() => Incremental(env).RunAsync("incremental", stale, Ct));

        Assert.Null(await Incremental(env).GetWatermarkAsync(Ct));
    }

    private static IncrementalChannelSync Incremental(SyncEnvironment env, IncrementalChannelSyncOptions? options = null, TimeProvider? time = null) =>
        new(env.Workflow(), env.WesClient(), env.Storage.Watermarks, options ?? new IncrementalChannelSyncOptions(), time);

    private static async Task<JobLease> LeaseAsync(SqliteOrchestratorStorage storage, TimeSpan? duration = null) =>
        await storage.JobLocks.TryAcquireAsync(LockName, "test-" + Guid.NewGuid().ToString("N")[..6], duration ?? TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow, Ct)
        ?? throw new InvalidOperationException("The lock is held.");

    /// <summary>The SKU of the n-th Coupang listing (listed on Coupang, so its channel quantity can be checked).</summary>
    private static string CoupangSku(SyncEnvironment env, int n) => env.Sandbox.Coupang.Listings[n].SkuCode;

    private static int CoupangQuantity(SyncEnvironment env, string sku) =>
        env.Sandbox.Coupang.GetQuantity(env.Sandbox.Coupang.Listings.First(l => l.SkuCode == sku).VendorItemId);

    private static void AssertCoupangInSync(SyncEnvironment env, IEnumerable<string> skus)
    {
        foreach (var sku in skus)
        {
            foreach (var listing in env.Sandbox.Coupang.Listings.Where(l => l.SkuCode == sku))
            {
                Assert.Equal(env.Sellable(sku), env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
            }
        }
    }

    /// <summary>The system clock moved forward by <see cref="Shift"/>, to age a watermark without waiting.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}
