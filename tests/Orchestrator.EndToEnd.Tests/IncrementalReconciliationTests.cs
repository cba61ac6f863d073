using Orchestrator.Reconciliation;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Warehouse;
using Orchestrator.Wes;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// The incremental WES → Inventory reconciliation end to end: the WES simulator's <c>sinceVersion</c> feed and movements, the real
/// WES client, the SQLite store as the inventory book and the watermark store.
/// </summary>
public sealed class IncrementalReconciliationTests
{
    private const string Wh = SyncEnvironment.Warehouse;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunIncrementalAsync_WesRestockAfterTheLastRun_ReachesInventoryComparingOnlyThatSku()
    {
        await using var env = await StartAsync();
        var lease = await LeaseAsync(env);
        var first = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        Assert.Equal(IncrementalSyncMode.Full, first.Mode);
        Assert.True(first.WatermarkAdvanced);
        Assert.Equal(env.Items.Length, first.Run!.Compared);

        var sku = env.Items[5].SkuCode;
        var before = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand;
        await WesClient(env).RestockAsync(new WesStockOperation("return-77", Wh, [new WesLine(sku, 4)], "customer return"), Ct);

        var result = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(IncrementalSyncMode.Incremental, result.Mode);
        Assert.True(result.Succeeded);
        Assert.Equal(1, result.ChangedSkus);
        Assert.Equal(1, result.Run!.Compared);
        Assert.Equal(before + 4, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Contains("return-77", await env.Storage.Inventory.GetAppliedAsync(["return-77"], Ct));
        Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.Version, (await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct))!.Value.UtcTicks);

        var idle = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(IncrementalSyncMode.NoChanges, idle.Mode);
        Assert.Null(idle.Run);
    }

    [Fact]
    public async Task RunIncrementalAsync_MovementsFeedDown_KeepsTheWatermarkAndTheNextRunAppliesTheChange()
    {
        await using var env = await StartAsync();
        var lease = await LeaseAsync(env);
        await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        var watermark = await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct);
        var sku = env.Items[9].SkuCode;
        var before = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand;
        await WesClient(env).RestockAsync(new WesStockOperation("return-78", Wh, [new WesLine(sku, 2)], "customer return"), Ct);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "GET", PathContains = "/movements", Times = int.MaxValue, StatusCode = 503 });

        var failed = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.False(failed.Succeeded);
        Assert.False(failed.WatermarkAdvanced);
        Assert.Equal(SyncRunState.Error, failed.Run!.State);
        Assert.Equal(watermark, await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct));
        Assert.Equal(before, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);

        env.Sandbox.Wes.Faults.Clear();
        var retried = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.True(retried.Succeeded);
        Assert.Equal(watermark!.Value.UtcTicks, retried.FromVersion);
        Assert.Equal(before + 2, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
    }

    [Fact]
    public async Task RunIncrementalAsync_WesChangeCommittedAfterAHigherVersion_IsComparedOnTheNextRun()
    {
        await using var env = await StartAsync();
        var lease = await LeaseAsync(env);
        await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        var (early, late) = (env.Items[3].SkuCode, env.Items[4].SkuCode);
        var open = env.Sandbox.Wes.BeginAdjust(Wh, early, env.Sandbox.Wes.Get(Wh, early)!.OnHand + 6);
        env.Sandbox.Wes.Adjust(Wh, late, env.Sandbox.Wes.Get(Wh, late)!.OnHand + 1);

        var first = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        open.Commit();
        var second = await Reconciliation(env).RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(1, first.ChangedSkus);
        Assert.Equal(open.Version - 1, first.ToVersion);
        Assert.True(second.Succeeded);
        Assert.Contains(second.Run!.Actions, a => a.Action is ApplyWesMovementAction m && m.Movement.SkuCode == early);
        Assert.Equal(env.Sandbox.Wes.Get(Wh, early)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, early, Ct))!.OnHand);
    }

    private static async Task<SyncEnvironment> StartAsync()
    {
        var env = await SyncEnvironment.StartAsync(skus: 60, drift: 0);
        await env.Storage.LoadInventoryAsync(
            env.Items.Select(i => new InventoryPosition(Wh, i.SkuCode, env.Sandbox.Wes.Get(Wh, i.SkuCode)!.OnHand, 0, 0, null, 0, DateTimeOffset.UtcNow)).ToList(),
            Ct);
        return env;
    }

    private static async Task<JobLease> LeaseAsync(SyncEnvironment env) =>
        await env.Storage.JobLocks.TryAcquireAsync("reconciliation:" + Wh, "test", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow, Ct)
        ?? throw new InvalidOperationException("The lock is held.");

    private static IWesClient WesClient(SyncEnvironment env) => WesClientFactory.Create(
        new HttpClient(),
        new WesClientOptions { BaseAddress = env.Sandbox.Wes.BaseAddress, ApiKey = env.Sandbox.Wes.ApiKey, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10), RequestsPerSecond = 1_000, Burst = 1_000 });

    private static WesReconciliationWorkflow Reconciliation(SyncEnvironment env) => new(
        WesClient(env),
        new WesReconciliationStores(env.Storage.Inventory, env.Storage.DiscrepancyLog, env.Storage.ReconciliationTasks, env.Storage.AllocationPauses, env.Storage.PendingSync, env.Storage.SyncRuns),
        new WesReconciliationOptions { WarehouseId = Wh },
        alerts: env.Alerts);
}
