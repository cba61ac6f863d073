using System.ComponentModel.DataAnnotations;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Tests.Reconciliation;

public class ReconciliationPolicyTests
{
    private static StockDiscrepancy D(string sku, int inventory, int wes, DiscrepancyType type = DiscrepancyType.Quantity, int explained = 0, string warehouse = "WH1") =>
        new($"run:{warehouse}:{sku}", type, sku, warehouse, inventory, wes, TestData.Now, ExplainedQuantity: explained);

    private static ReconciliationPlan Plan(ReconciliationOptions? options, params StockDiscrepancy[] discrepancies) =>
        new ReconciliationPolicy(options).Plan(discrepancies.Select(d => new DiscrepancyObservation(d)).ToList());

    [Fact]
    public void Plan_InventoryHasStockWesHasNone_PausesAllocationAndNotifiesInventory()
    {
        var decision = Assert.Single(Plan(null, D("A", 5, 0)).Decisions);

        Assert.Equal(ReconciliationCase.InventoryOnlyStock, decision.Case);
        Assert.Collection(
            decision.Actions,
            a => Assert.Equal("A", Assert.IsType<PauseAllocationAction>(a).ToPause(TestData.Now).SkuCode),
            a => Assert.Same(decision.Discrepancy, Assert.IsType<NotifyInventoryAction>(a).Discrepancy));
    }

    [Fact]
    public void Plan_InventoryOnlyWithOverwriteOption_AlsoSetsInventoryFromWesSnapshot()
    {
        var decision = Assert.Single(Plan(new ReconciliationOptions { OverwriteInventoryFromWes = true }, D("A", 5, 0)).Decisions);

        var set = Assert.IsType<SetInventoryFromWesAction>(decision.Actions[^1]);
        var adjustment = set.ToAdjustment();
        Assert.Equal((InventoryAdjustmentKind.SetOnHand, 0, "run:WH1:A:set"), (adjustment.Kind, adjustment.Quantity, adjustment.TransactionId));
    }

    [Fact]
    public void Plan_WesHasStockInventoryZero_AutoFixesInventory()
    {
        var decision = Assert.Single(Plan(null, D("A", 0, 7)).Decisions);

        Assert.Equal(ReconciliationCase.WesOnlyStock, decision.Case);
        var set = Assert.IsType<SetInventoryFromWesAction>(Assert.Single(decision.Actions));
        Assert.Equal(7, set.ToAdjustment().Quantity);
    }

    [Fact]
    public void Plan_ManySkusWithWesOnlyStock_SchedulesOneFullSyncPerWarehouse()
    {
        var options = new ReconciliationOptions { FullSyncSkuThreshold = 3 };
        var discrepancies = Enumerable.Range(0, 4).Select(i => D($"S{i}", 0, 1))
            .Concat(Enumerable.Range(0, 3).Select(i => D($"T{i}", 0, 1, warehouse: "WH2"))).ToArray();

        var plan = Plan(options, discrepancies);

        var fullSync = Assert.Single(plan.WarehouseActions.OfType<ScheduleFullSyncAction>());
        Assert.Equal(("WH1", 4), (fullSync.WarehouseId, fullSync.SkuCount));
        Assert.Equal(7, plan.Decisions.Count(d => d.Actions.OfType<SetInventoryFromWesAction>().Any()));
    }

    [Theory]
    [InlineData(100, 95, false)] // exactly 5 %: not above the threshold
    [InlineData(100, 94, true)]
    [InlineData(94, 100, true)]
    public void Plan_DivergenceAboveFivePercent_CreatesReconciliationTask(int inventory, int wes, bool expectTask)
    {
        var decision = Assert.Single(Plan(null, D("A", inventory, wes)).Decisions);

        Assert.Equal(expectTask ? ReconciliationCase.DivergenceOverThreshold : ReconciliationCase.WithinTolerance, decision.Case);
        Assert.Equal(expectTask, decision.Actions.OfType<CreateReconciliationTaskAction>().Any());
    }

    [Fact]
    public void Plan_DivergenceNotYetPersistent_WaitsForConsecutiveDetections()
    {
        var policy = new ReconciliationPolicy(new ReconciliationOptions { ConsecutiveDetectionsForTask = 3 });

        var first = policy.Plan([new DiscrepancyObservation(D("A", 100, 50), 2)]);
        var third = policy.Plan([new DiscrepancyObservation(D("A", 100, 50), 3)]);

        Assert.Empty(first.AllActions);
        Assert.IsType<CreateReconciliationTaskAction>(Assert.Single(third.AllActions));
    }

    [Fact]
    public void Plan_PickNotCommitted_AppliesWesCommitByItsTransactionIdAndNothingElse()
    {
        var movement = new WesMovement("wes-77", "WH1", "A", WesMovementKind.Commit, 4, TestData.Now);
        var discrepancy = D("A", 10, 6, DiscrepancyType.Task, explained: -4);

        var plan = new ReconciliationPolicy().Plan([new DiscrepancyObservation(discrepancy)], [movement]);

        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ReconciliationCase.PendingWesTask, decision.Case);
        var apply = Assert.IsType<ApplyWesMovementAction>(Assert.Single(decision.Actions));
        var adjustment = apply.ToAdjustment();
        Assert.Equal(("wes-77", InventoryAdjustmentKind.CommitReservation, 4), (adjustment.TransactionId, adjustment.Kind, adjustment.Quantity));
    }

    [Fact]
    public void Plan_MovementExplainsOnlyPart_RemainderJudgedByTheOtherCases()
    {
        var movement = new WesMovement("wes-1", "WH1", "A", WesMovementKind.Scrap, 2, TestData.Now);
        var discrepancy = D("A", 100, 50, DiscrepancyType.ReturnOrScrap, explained: -2);

        var plan = new ReconciliationPolicy().Plan([new DiscrepancyObservation(discrepancy)], [movement]);

        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ReconciliationCase.DivergenceOverThreshold, decision.Case);
        Assert.IsType<ApplyWesMovementAction>(decision.Actions[0]);
        var task = Assert.IsType<CreateReconciliationTaskAction>(decision.Actions[1]);
        Assert.Equal((98, 50), (task.InventoryQty, task.WesQty));
    }

    [Fact]
    public void Plan_LocationOnly_AlignsInventoryLocationToWes()
    {
        var d = new StockDiscrepancy("r:WH1:A", DiscrepancyType.Location, "A", "WH1", 3, 3, TestData.Now, "Z1", "Z9");

        var decision = Assert.Single(new ReconciliationPolicy().Plan([new DiscrepancyObservation(d)]).Decisions);

        Assert.Equal(ReconciliationCase.LocationOnly, decision.Case);
        Assert.Equal("Z9", Assert.IsType<AlignLocationAction>(Assert.Single(decision.Actions)).Location);
    }

    [Fact]
    public void Plan_TenSkusDiffer_RaisesMassMismatchAlert()
    {
        var plan = Plan(null, Enumerable.Range(0, 10).Select(i => D($"S{i}", 100, 99)).ToArray());

        Assert.Equal(10, Assert.Single(plan.WarehouseActions.OfType<MassMismatchAlertAction>()).SkuCount);
        Assert.Empty(Plan(null, Enumerable.Range(0, 9).Select(i => D($"S{i}", 100, 99)).ToArray()).WarehouseActions);
    }

    [Fact]
    public void Plan_SameInputTwice_GivesSameTransactionIds()
    {
        var input = new[] { D("A", 5, 0), D("B", 0, 3), D("C", 100, 50) };

        var first = Plan(null, input).AllActions.Select(a => a.TransactionId).ToList();
        var second = Plan(null, input).AllActions.Select(a => a.TransactionId).ToList();

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
    }

    [Fact]
    public void Ctor_OptionsOutOfRange_ThrowsValidation()
    {
        Assert.Throws<ValidationException>(() => new ReconciliationPolicy(new ReconciliationOptions { DivergenceThresholdPercent = 101 }));
        Assert.Throws<ValidationException>(() => new ReconciliationPolicy(new ReconciliationOptions { ConsecutiveDetectionsForTask = 0 }));
    }

    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new ReconciliationOptions();

        Assert.Equal((5m, 1, 10, 10, false, true), (options.DivergenceThresholdPercent, options.ConsecutiveDetectionsForTask, options.FullSyncSkuThreshold, options.MassMismatchSkuCount, options.OverwriteInventoryFromWes, options.AlignLocationsFromWes));
    }
}
