using Orchestrator.Reconciliation;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Warehouse;

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
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var lease = await LeaseAsync(env);
        var first = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        Assert.Equal(IncrementalSyncMode.Full, first.Mode);
        Assert.True(first.WatermarkAdvanced);
        Assert.Equal(env.Items.Length, first.Run!.Compared);

        var sku = env.Items[5].SkuCode;
        var before = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand;
        await env.WesClient().RestockAsync(new WesStockOperation("return-77", Wh, [new WesLine(sku, 4)], "customer return"), Ct);

        var result = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(IncrementalSyncMode.Incremental, result.Mode);
        Assert.True(result.Succeeded);
        Assert.Equal(1, result.ChangedSkus);
        Assert.Equal(1, result.Run!.Compared);
        Assert.Equal(before + 4, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Contains("return-77", await env.Storage.Inventory.GetAppliedAsync(["return-77"], Ct));
        Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.Version, (await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct))!.Value.UtcTicks);

        var idle = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(IncrementalSyncMode.NoChanges, idle.Mode);
        Assert.Null(idle.Run);
    }

    [Fact]
    public async Task RunIncrementalAsync_MovementsFeedDown_KeepsTheWatermarkAndTheNextRunAppliesTheChange()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var lease = await LeaseAsync(env);
        await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        var watermark = await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct);
        var sku = env.Items[9].SkuCode;
        var before = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand;
        await env.WesClient().RestockAsync(new WesStockOperation("return-78", Wh, [new WesLine(sku, 2)], "customer return"), Ct);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "GET", PathContains = "/movements", Times = int.MaxValue, StatusCode = 503 });

        var failed = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.False(failed.Succeeded);
        Assert.False(failed.WatermarkAdvanced);
        Assert.Equal(SyncRunState.Error, failed.Run!.State);
        Assert.Equal(watermark, await env.Storage.Watermarks.GetAsync(WesReconciliationWorkflow.IncrementalVersionSource, Wh, Ct));
        Assert.Equal(before, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);

        env.Sandbox.Wes.Faults.Clear();
        var retried = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.True(retried.Succeeded);
        Assert.Equal(watermark!.Value.UtcTicks, retried.FromVersion);
        Assert.Equal(before + 2, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
    }

    [Fact]
    public async Task RunIncrementalAsync_WesChangeCommittedAfterAHigherVersion_IsComparedOnTheNextRun()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var lease = await LeaseAsync(env);
        await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        var (early, late) = (env.Items[3].SkuCode, env.Items[4].SkuCode);
        var open = env.Sandbox.Wes.BeginAdjust(Wh, early, env.Sandbox.Wes.Get(Wh, early)!.OnHand + 6);
        env.Sandbox.Wes.Adjust(Wh, late, env.Sandbox.Wes.Get(Wh, late)!.OnHand + 1);

        var first = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);
        open.Commit();
        var second = await env.Reconciliation().RunIncrementalAsync("incremental", env.Storage.Watermarks, lease, Ct);

        Assert.Equal(1, first.ChangedSkus);
        Assert.Equal(open.Version - 1, first.ToVersion);
        Assert.True(second.Succeeded);
        Assert.Contains(second.Run!.Actions, a => a.Action is ApplyWesMovementAction m && m.Movement.SkuCode == early);
        Assert.Equal(env.Sandbox.Wes.Get(Wh, early)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, early, Ct))!.OnHand);
    }

    private static async Task<JobLease> LeaseAsync(SyncEnvironment env) =>
        await env.Storage.JobLocks.TryAcquireAsync("reconciliation:" + Wh, "test", TimeSpan.FromMinutes(10), DateTimeOffset.UtcNow, Ct)
        ?? throw new InvalidOperationException("The lock is held.");
}
