using Orchestrator.Alerts;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Warehouse;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// WF-RECON-WES end to end: the real WES client over loopback HTTP to the WES simulator, the SQLite store as the inventory
/// system, one test per seed 000 case.
/// </summary>
public sealed class WesReconciliationWorkflowTests
{
    private const string Wh = SyncEnvironment.Warehouse;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_InventoryHasStockWesHasNone_PausesSkuAlertsAndChannelsSellZero()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var listing = env.Sandbox.Coupang.Listings.First(l => env.Sellable(l.SkuCode) > 0);
        var sku = listing.SkuCode;
        var inventoryBefore = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand;
        env.Sandbox.Wes.Seed(Wh, [(sku, 0, 0, null)]);

        var result = await env.Reconciliation().RunAsync("manual", Ct);

        Assert.Equal(SyncRunState.Completed, result.State);
        Assert.Equal(1, result.ByCase[ReconciliationCase.InventoryOnlyStock]);
        var pause = Assert.Single(await env.Storage.AllocationPauses.ListAsync(Wh, Ct));
        Assert.Equal(sku, pause.SkuCode);
        var alert = Assert.Single(result.Alerts, a => a.Kind == AlertKind.Discrepancy);
        Assert.Equal(sku, alert.SkuCode);
        Assert.Contains("ERR-INV-003", alert.Message, StringComparison.Ordinal);
        Assert.True(result.Dispatch!.AllDelivered);
        Assert.True(env.Sandbox.Slack.Messages.Count > 0);

        // The book is left for a person (OverwriteInventoryFromWes is off) and the discrepancy stays open.
        Assert.Equal(inventoryBefore, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.NotNull(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));

        var sync = await env.Workflow().RunAsync("manual", Ct);
        Assert.Equal(SyncRunState.Completed, sync.State);
        Assert.Equal(0, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));

        var run = await env.Storage.SyncRuns.GetAsync(result.RunId, Ct);
        Assert.Equal(WesReconciliationWorkflow.WorkflowId, run!.Workflow);
        Assert.Equal(SyncRunState.Completed, run.State);
    }

    [Fact]
    public async Task RunAsync_WesHasStockInventoryHasNone_FixesInventoryAndSchedulesFullSyncPastThreshold()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync(zeroInInventory: 12);
        var zeroed = env.Items.Where(i => i.Quantity > 0).Take(12).Select(i => i.SkuCode).ToList();

        var result = await env.Reconciliation().RunAsync("schedule", Ct);

        Assert.Equal(SyncRunState.Completed, result.State);
        Assert.Equal(12, result.ByCase[ReconciliationCase.WesOnlyStock]);
        Assert.Equal(12, result.ByType[DiscrepancyType.Quantity]);
        foreach (var sku in zeroed)
        {
            Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
            Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
        }

        Assert.Equal(12, result.Resolved);
        Assert.True(result.FullSyncScheduled);
        var claimed = await env.Storage.PendingSync.ClaimAsync(WesReconciliationWorkflow.FullSyncTarget, 10, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, Ct);
        var job = Assert.Single(claimed);
        Assert.Equal(WesReconciliationWorkflow.FullSyncKind, job.Item.Kind);
        Assert.Contains(result.Alerts, a => a.Kind == AlertKind.MassMismatch && a.Message.Contains("ERR-INV-003", StringComparison.Ordinal));

        var again = await env.Reconciliation().RunAsync("schedule", Ct);
        Assert.Empty(again.Discrepancies);
    }

    [Fact]
    public async Task FullSyncJob_ScheduledByMassWesOnlyCase_RunsFromQueueSetsInventoryToWesWithoutDoubleCountingAndReplaysNothing()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync(zeroInInventory: 12);
        var zeroed = env.Items.Where(i => i.Quantity > 0).Take(12).Select(i => i.SkuCode).ToHashSet(StringComparer.Ordinal);
        var others = env.Items.Select(i => i.SkuCode).Where(s => !zeroed.Contains(s) && env.Sandbox.Wes.Get(Wh, s)!.OnHand > 0).ToList();

        // Three SKUs the book shows one more than the shelf: the reconciliation logs them but does not overwrite them.
        var drifted = others.Take(3).ToList();
        foreach (var sku in drifted)
        {
            var onHand = env.Sandbox.Wes.Get(Wh, sku)!.OnHand;
            await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, onHand + 1, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        }

        var workflow = env.Reconciliation();
        var result = await workflow.RunAsync("schedule", Ct);
        Assert.True(result.FullSyncScheduled);
        foreach (var sku in drifted)
        {
            Assert.NotEqual(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        }

        // An operator adds 3 at the shelf before the job runs: a WES movement the inventory has not applied yet.
        var moved = others[5];
        var movedBefore = (await env.Storage.Inventory.GetPositionAsync(Wh, moved, Ct))!.OnHand;
        env.Sandbox.Wes.Adjust(Wh, moved, env.Sandbox.Wes.Get(Wh, moved)!.OnHand + 3);

        var worker = new PendingSyncWorker(
            [],
            env.Storage.PendingSync,
            new PendingSyncWorkerOptions { Target = WesReconciliationWorkflow.FullSyncTarget },
            env.WesClient(),
            handlers: new Dictionary<string, PendingSyncItemHandler> { [WesReconciliationWorkflow.FullSyncKind] = workflow.HandleFullSyncItemAsync });
        var pass = await worker.RunOnceAsync(Ct);

        Assert.Equal((1, 1, 0, 0), (pass.Claimed, pass.Delivered, pass.DeadLettered, pass.Retried));
        var states = await env.Storage.PendingSync.CountByStateAsync(Ct);
        Assert.Equal(1, states.GetValueOrDefault(PendingSyncState.Delivered));
        Assert.Equal(0, states.GetValueOrDefault(PendingSyncState.DeadLettered));
        foreach (var sku in env.Items.Select(i => i.SkuCode).Where(s => s != moved))
        {
            Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        }

        // The moved SKU was skipped: its movement is still to be applied by its WES transaction id.
        Assert.Equal(movedBefore, (await env.Storage.Inventory.GetPositionAsync(Wh, moved, Ct))!.OnHand);

        // A replay of the job changes nothing, even where the book moved since: every change had its transaction id.
        var tx = Assert.Single(result.Actions, a => a.Action is ScheduleFullSyncAction).Action.TransactionId;
        var drift = drifted[0];
        var wesOfDrift = env.Sandbox.Wes.Get(Wh, drift)!.OnHand;
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, drift, wesOfDrift + 7, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        var replay = await workflow.RunFullSyncAsync(tx, Ct);
        Assert.Equal(0, replay.Set);
        Assert.Equal(1, replay.Replayed);
        Assert.Equal(1, replay.SkippedWithUnappliedMovements);
        Assert.Equal(wesOfDrift + 7, (await env.Storage.Inventory.GetPositionAsync(Wh, drift, Ct))!.OnHand);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, drift, wesOfDrift, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);

        // The next reconciliation reads the movement and applies it once: the book equals the shelf everywhere, nothing counted twice.
        var after = await workflow.RunAsync("schedule", Ct);
        Assert.Equal(SyncRunState.Completed, after.State);
        Assert.Contains(after.Actions, a => a.Action is ApplyWesMovementAction && a.Status == ReconciliationActionStatus.Applied);
        foreach (var sku in env.Items.Select(i => i.SkuCode))
        {
            Assert.Equal(env.Sandbox.Wes.Get(Wh, sku)!.OnHand, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        }

        Assert.Equal(movedBefore + 3, (await env.Storage.Inventory.GetPositionAsync(Wh, moved, Ct))!.OnHand);
        var last = await workflow.RunAsync("schedule", Ct);
        Assert.Empty(last.Discrepancies);
        Assert.False(last.FullSyncScheduled);
    }

    [Fact]
    public async Task PendingSyncWorker_FullSyncItemWhileWesDown_RetriesWithBackoffNotDeadLettered()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync(zeroInInventory: 12);
        var workflow = env.Reconciliation();
        Assert.True((await workflow.RunAsync("schedule", Ct)).FullSyncScheduled);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });

        var worker = new PendingSyncWorker(
            [],
            env.Storage.PendingSync,
            new PendingSyncWorkerOptions { Target = WesReconciliationWorkflow.FullSyncTarget },
            handlers: new Dictionary<string, PendingSyncItemHandler> { [WesReconciliationWorkflow.FullSyncKind] = workflow.HandleFullSyncItemAsync });
        var pass = await worker.RunOnceAsync(Ct);

        Assert.Equal((1, 0, 1, 0), (pass.Claimed, pass.Delivered, pass.Retried, pass.DeadLettered));
        Assert.Equal(1, (await env.Storage.PendingSync.CountByStateAsync(Ct)).GetValueOrDefault(PendingSyncState.Pending));
    }

    [Fact]
    public async Task RunAsync_FewWesOnlySkus_FixesThemWithoutFullSync()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync(zeroInInventory: 2);

        var result = await env.Reconciliation().RunAsync("schedule", Ct);

        Assert.Equal(2, result.ByCase[ReconciliationCase.WesOnlyStock]);
        Assert.False(result.FullSyncScheduled);
        Assert.Empty(await env.Storage.PendingSync.ClaimAsync(WesReconciliationWorkflow.FullSyncTarget, 10, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow, Ct));
    }

    [Fact]
    public async Task RunAsync_DivergenceOverFivePercent_CreatesTaskAndCountResyncsBothSides()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-DIV";
        env.Sandbox.Wes.Seed(Wh, [(sku, 80, 0, null)]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 100, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        var workflow = env.Reconciliation();

        var result = await workflow.RunAsync("schedule", Ct);

        Assert.Equal(1, result.ByCase[ReconciliationCase.DivergenceOverThreshold]);
        var taskOutcome = Assert.Single(result.Actions, a => a.Action is CreateReconciliationTaskAction);
        var task = await env.Storage.ReconciliationTasks.GetAsync(taskOutcome.TaskId!.Value, Ct);
        Assert.Equal(ReconciliationTaskStatus.Open, task!.Status);
        Assert.Equal((sku, 100, 80), (task.SkuCode, task.InventoryQty, task.WesQty));
        Assert.NotNull(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));

        var count = await workflow.ApplyCountAsync(task.Id, 90, "operator-kim", Ct);

        Assert.True(count.Resynced, count.Error);
        Assert.Equal(90, env.Sandbox.Wes.Get(Wh, sku)!.OnHand);
        Assert.Equal(90, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Equal(ReconciliationTaskStatus.Resynced, (await env.Storage.ReconciliationTasks.GetAsync(task.Id, Ct))!.Status);
        Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
        var logged = await env.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(Wh, sku), Ct);
        var row = Assert.Single(logged.Items);
        Assert.Equal(DiscrepancyStatus.Resolved, row.Status);
        Assert.Equal(ReconciliationPolicy.Actor, row.ResolvedBy);

        // The WES adjust movement the count made carries the inventory's transaction id: the next run sees nothing to do.
        var next = await workflow.RunAsync("schedule", Ct);
        Assert.DoesNotContain(next.Discrepancies, d => d.SkuCode == sku);
        Assert.Empty(await workflow.ResyncCountedTasksAsync(Ct));
    }

    [Fact]
    public async Task ResyncCountedTasksAsync_TaskCountedElsewhere_SetsBothSidesToTheCount()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-CNT";
        env.Sandbox.Wes.Seed(Wh, [(sku, 40, 0, null)]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 50, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        var workflow = env.Reconciliation();
        var result = await workflow.RunAsync("schedule", Ct);
        var taskId = Assert.Single(result.Actions, a => a.Action is CreateReconciliationTaskAction).TaskId!.Value;
        await env.Storage.ReconciliationTasks.RecordCountAsync(taskId, 45, "handheld", DateTimeOffset.UtcNow, Ct);

        var resynced = Assert.Single(await workflow.ResyncCountedTasksAsync(Ct));

        Assert.True(resynced.Resynced);
        Assert.Equal(45, env.Sandbox.Wes.Get(Wh, sku)!.OnHand);
        Assert.Equal(45, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
    }

    [Fact]
    public async Task ApplyCountAsync_WesDownDuringResync_TaskStaysCountedAndNextResyncFinishes()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-RETRY";
        env.Sandbox.Wes.Seed(Wh, [(sku, 20, 0, null)]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 30, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        var workflow = env.Reconciliation();
        var taskId = Assert.Single((await workflow.RunAsync("schedule", Ct)).Actions, a => a.Action is CreateReconciliationTaskAction).TaskId!.Value;
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Method = "PUT", Times = int.MaxValue });

        var failed = await workflow.ApplyCountAsync(taskId, 25, "operator-lee", Ct);

        Assert.False(failed.Resynced);
        Assert.Contains("ERR-INV-004", failed.Error, StringComparison.Ordinal);
        Assert.Equal(ReconciliationTaskStatus.Counted, (await env.Storage.ReconciliationTasks.GetAsync(taskId, Ct))!.Status);
        Assert.NotNull(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));

        env.Sandbox.Wes.Faults.Clear();
        var retried = Assert.Single(await workflow.ResyncCountedTasksAsync(Ct));

        Assert.True(retried.Resynced, retried.Error);
        Assert.Equal(25, env.Sandbox.Wes.Get(Wh, sku)!.OnHand);
        Assert.Equal(25, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Equal(ReconciliationTaskStatus.Resynced, (await env.Storage.ReconciliationTasks.GetAsync(taskId, Ct))!.Status);
        Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
    }

    [Fact]
    public async Task RunAsync_WesCommitNotApplied_CommitsReservationOnceAndSecondRunChangesNothing()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-COMMIT";
        env.Sandbox.Wes.Seed(Wh, [(sku, 10, 3, "A-01-01")]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 10, 3, 0, "A-01-01", 0, DateTimeOffset.UtcNow)], Ct);
        var wes = env.WesClient();
        await wes.CommitAsync(new WesStockOperation("wes-pick-0001", Wh, [new WesLine(sku, 3)], "ORDER-1"), Ct);
        var workflow = env.Reconciliation();

        var first = await workflow.RunAsync("schedule", Ct);

        var discrepancy = Assert.Single(first.Discrepancies);
        Assert.Equal(DiscrepancyType.Task, discrepancy.Type);
        Assert.Equal(1, first.ByCase[ReconciliationCase.PendingWesTask]);
        var apply = Assert.Single(first.Actions);
        Assert.Equal("wes-pick-0001", apply.Action.TransactionId);
        Assert.Equal(ReconciliationActionStatus.Applied, apply.Status);
        var position = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!;
        Assert.Equal((7, 0, 3), (position.OnHand, position.Reserved, position.Committed));
        Assert.Contains("wes-pick-0001", await env.Storage.Inventory.GetAppliedAsync(["wes-pick-0001"], Ct));
        Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));

        var second = await workflow.RunAsync("schedule", Ct);

        Assert.Equal(SyncRunState.Completed, second.State);
        Assert.Empty(second.Discrepancies);
        Assert.Empty(second.Actions);
        Assert.Equal(0, second.Logged);
        Assert.Equal(position.Version, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.Version);
        var logged = await env.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(Wh, sku), Ct);
        Assert.Equal(DiscrepancyStatus.Resolved, Assert.Single(logged.Items).Status);
    }

    [Fact]
    public async Task RunAsync_LocationDiffers_RecordsTheWesLocationInInventory()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-LOC";
        env.Sandbox.Wes.Seed(Wh, [(sku, 5, 0, "B-02-03")]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 5, 0, 0, "A-01-01", 0, DateTimeOffset.UtcNow)], Ct);

        var result = await env.Reconciliation().RunAsync("schedule", Ct);

        Assert.Equal(1, result.ByCase[ReconciliationCase.LocationOnly]);
        var position = (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!;
        Assert.Equal(("B-02-03", 5), (position.Location, position.OnHand));
        Assert.Null(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
    }

    [Fact]
    public async Task RunAsync_WesDown_EndsInErrorWithAlertAndChangesNothing()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync(zeroInInventory: 3);
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });

        var result = await env.Reconciliation().RunAsync("schedule", Ct);

        Assert.Equal(SyncRunState.Error, result.State);
        Assert.Contains("ERR-INV-004", result.Error, StringComparison.Ordinal);
        Assert.Contains(result.Alerts, a => a.Kind == AlertKind.SyncFailure && a.Level == "ERR-INV-004");
        Assert.Equal(SyncRunState.Error, (await env.Storage.SyncRuns.GetAsync(result.RunId, Ct))!.State);
        Assert.Empty((await env.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(Wh), Ct)).Items);
    }

    [Fact]
    public async Task RunAsync_LoggedDiscrepancy_IsAppendedOncePerDetection()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var sku = env.Items.First(i => i.Quantity > 0).SkuCode;
        env.Sandbox.Wes.Seed(Wh, [(sku, 0, 0, null)]);
        var workflow = env.Reconciliation();

        var first = await workflow.RunAsync("schedule", Ct);
        var second = await workflow.RunAsync("schedule", Ct);

        Assert.Equal(1, first.Logged);
        Assert.Equal(1, second.Logged);
        Assert.NotEqual(first.Discrepancies.Single().TransactionId, second.Discrepancies.Single().TransactionId);
        var appendedAgain = await env.Storage.DiscrepancyLog.AppendAsync(first.Discrepancies, Ct);
        Assert.Equal(0, appendedAgain);
        Assert.Equal(2, (await env.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(Wh, sku), Ct)).Items.Count);
        Assert.Equal(2, await env.Storage.DiscrepancyLog.CountOpenAsync(Wh, sku, Ct));
        Assert.Single(await env.Storage.AllocationPauses.ListAsync(Wh, Ct));
    }

    [Fact]
    public async Task RunAsync_WesCommitWithoutReservationInInventory_IsRefusedAlertedAndLeftOpen()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        const string sku = "SKU-RECON-NORES";
        env.Sandbox.Wes.Seed(Wh, [(sku, 10, 3, null)]);
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 10, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        await env.WesClient().CommitAsync(new WesStockOperation("wes-pick-0002", Wh, [new WesLine(sku, 3)], "ORDER-2"), Ct);

        var result = await env.Reconciliation().RunAsync("schedule", Ct);

        Assert.Equal(SyncRunState.Completed, result.State);
        var refused = Assert.Single(result.Actions);
        Assert.Equal(ReconciliationActionStatus.Failed, refused.Status);
        Assert.Equal(10, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);
        Assert.Empty(await env.Storage.Inventory.GetAppliedAsync(["wes-pick-0002"], Ct));
        Assert.NotNull(await env.Storage.DiscrepancyLog.GetOpenAsync(Wh, sku, Ct));
        Assert.Contains(result.Alerts, a => a.Kind == AlertKind.Discrepancy && a.SkuCode == sku && a.Message.Contains("ERR-INV-003", StringComparison.Ordinal));
        var item = Assert.Single(await env.Storage.SyncRuns.GetItemsAsync(result.RunId, 0, 100, Ct));
        Assert.Equal(SyncItemStatus.Failed, item.Status);
    }

    [Fact]
    public async Task RunAsync_SkuMovedWhileSnapshotIsRead_IsDeferredAndNeverOverstated()
    {
        await using var env = await SyncEnvironment.StartWithInventoryAsync();
        var sku = env.Items.Where(i => i.Quantity > 0).Select(i => i.SkuCode).Order(StringComparer.Ordinal).Last();
        var wesBefore = env.Sandbox.Wes.Get(Wh, sku)!.OnHand;
        await env.Storage.LoadInventoryAsync([new InventoryPosition(Wh, sku, 0, 0, 0, null, 0, DateTimeOffset.UtcNow)], Ct);
        var moved = 0;
        env.Sandbox.Wes.AfterSnapshotPage = page =>
        {
            if (Interlocked.Exchange(ref moved, 1) == 0)
            {
                // An operator restocks 5 at the shelf after the first page: the SKU's later page includes it.
                env.Sandbox.Wes.Adjust(Wh, sku, wesBefore + 5);
            }
        };
        var workflow = env.Reconciliation(pageSize: 10);

        var first = await workflow.RunAsync("schedule", Ct);

        Assert.Equal(1, first.Deferred);
        Assert.DoesNotContain(first.Discrepancies, d => d.SkuCode == sku);
        Assert.Equal(0, (await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand);

        env.Sandbox.Wes.AfterSnapshotPage = null;
        var second = await workflow.RunAsync("schedule", Ct);

        // The restock movement is applied under its WES id; the book never shows more than the shelf.
        Assert.Equal(0, second.Deferred);
        Assert.Contains(second.Actions, a => a.Action is ApplyWesMovementAction && a.Status == ReconciliationActionStatus.Applied);
        Assert.True((await env.Storage.Inventory.GetPositionAsync(Wh, sku, Ct))!.OnHand <= env.Sandbox.Wes.Get(Wh, sku)!.OnHand);
    }
}
