using Orchestrator.Diagnostics;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;

namespace Orchestrator.Dashboard.Tests.Infrastructure;

/// <summary>Known data seeded into a real SQLite store; the expected figures below are worked out by hand from it.</summary>
internal static class KnownData
{
    public const string XssSku = "<script>alert(\"x\")</script>";
    public const string FormulaSku = "=1+2,\"x\"";

    // WH1 over the statistics window: Quantity 3 open / 4 detected, Location 1/1, Task 1/1; total 5 open / 6 detected, 13 units.
    // WH2: Quantity 2/2, ReturnOrScrap 1/1; total 3 open / 3 detected, 4 units.
    public const int Wh1Open = 5;
    public const int Wh1Detected = 6;
    public const int Wh1Units = 13;
    public const int Wh2Open = 3;
    public const int Wh2Detected = 3;
    public const int Wh2Units = 4;
    public const int TodayDetected = 8;
    public const int YesterdayDetected = 1;

    public static async Task<Seeded> SeedAsync(SqliteOrchestratorStorage storage, DateTimeOffset now, CancellationToken ct)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var yesterday = today.AddDays(-1);
        var i = 0;
        StockDiscrepancy D(string wh, string sku, DiscrepancyType type, int inv, int wes, DateTimeOffset day, string? invLoc = null, string? wesLoc = null)
            => new($"tx-{++i}", type, sku, wh, inv, wes, day.AddSeconds(i), invLoc, wesLoc);

        await storage.DiscrepancyLog.AppendAsync(
        [
            D("WH1", "SKU-A", DiscrepancyType.Quantity, 10, 8, yesterday),
            D("WH1", "SKU-A", DiscrepancyType.Quantity, 10, 7, today),
            D("WH1", "SKU-B", DiscrepancyType.Quantity, 5, 9, today),
            D("WH1", "SKU-C", DiscrepancyType.Quantity, 0, 2, today),
            D("WH1", "SKU-D", DiscrepancyType.Location, 4, 4, today, "A-01", "B-02"),
            D("WH1", "SKU-E", DiscrepancyType.Task, 8, 6, today),
            D("WH2", "SKU-F", DiscrepancyType.ReturnOrScrap, 3, 5, today),
            D("WH2", XssSku, DiscrepancyType.Quantity, 1, 2, today),
            D("WH2", FormulaSku, DiscrepancyType.Quantity, 3, 4, today),
        ], ct);
        var skuC = (await storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-C"), ct)).Items.Single();
        await storage.DiscrepancyLog.ResolveAsync(skuC.Id, "bob", "=cmd|' /C calc'!A0", now, ct);

        // Runs: one within every threshold, one past all four, one failed.
        await storage.SyncRuns.StartAsync(new SyncRun("run-good", "WF-INV-001", "schedule", SyncRunState.Collecting, now.AddMinutes(-20), now.AddMinutes(-20)), ct);
        await storage.SyncRuns.AppendItemsAsync("run-good",
        [
            new SyncRunItem("coupang", "SKU-A", 9, 7, SyncItemStatus.Succeeded, "push-1", Explanation: "on hand 10 − reserved 3 = 7"),
            new SyncRunItem("naver", XssSku, null, 0, SyncItemStatus.Skipped, null, Explanation: "paused <b>SKU</b>"),
            new SyncRunItem("cafe24", "SKU-B", 4, 5, SyncItemStatus.Queued, "push-3", "timeout", "on hand 5"),
        ], ct);
        await storage.SyncRuns.CompleteAsync("run-good", SyncRunState.Completed, new SyncKpis(100, 99, 2, 100, 50, 50, TimeSpan.FromSeconds(40)),
            new Dictionary<string, TimeSpan> { ["Collecting"] = TimeSpan.FromSeconds(20), ["Syncing"] = TimeSpan.FromSeconds(15) }, now.AddMinutes(-19), ct);
        await storage.SyncRuns.StartAsync(new SyncRun("run-bad", "WF-INV-001", "manual", SyncRunState.Collecting, now.AddMinutes(-10), now.AddMinutes(-10)), ct);
        await storage.SyncRuns.AppendItemsAsync("run-bad",
        [
            new SyncRunItem("coupang", "SKU-A", 9, 7, SyncItemStatus.Failed, "push-4", "ERR-INV-002 refused"),
            new SyncRunItem("coupang", "SKU-B", 4, 5, SyncItemStatus.Succeeded, "push-5"),
            new SyncRunItem("naver", "SKU-A", 9, 7, SyncItemStatus.Succeeded, "push-6"),
        ], ct);
        await storage.SyncRuns.CompleteAsync("run-bad", SyncRunState.Completed, new SyncKpis(100, 90, 10, 100, 100, 80, TimeSpan.FromMinutes(4)),
            new Dictionary<string, TimeSpan> { ["Collecting"] = TimeSpan.FromMinutes(3) }, now.AddMinutes(-6), ct);
        await storage.SyncRuns.StartAsync(new SyncRun("run-error", "WF-INV-001", "inventory.received", SyncRunState.Collecting, now.AddMinutes(-5), now.AddMinutes(-5)), ct);
        await storage.SyncRuns.SetStateAsync("run-error", SyncRunState.Error, now.AddMinutes(-4), "WES did not answer", ct);

        // Queue: 2 pending, 1 dead-lettered.
        await storage.PendingSync.EnqueueAsync(
        [
            new PendingSyncItem("q-1", "coupang", "channel-stock", "coupang:SKU-A", "{}", 1, now.AddMinutes(-1)),
            new PendingSyncItem("q-2", "naver", "channel-stock", "naver:SKU-A", "{}", 1, now.AddMinutes(-1)),
            new PendingSyncItem("q-3", "wes", "wes-set-stock", "wes:SKU-Z", "{}", 9, now.AddMinutes(-1)),
        ], ct);
        var claim = (await storage.PendingSync.ClaimAsync("wes", 1, TimeSpan.FromMinutes(1), now, ct)).Single();
        await storage.PendingSync.FailAsync(claim, "WES refused: SKU unknown", now, 1, ct);

        // Orders: 3 new.
        await storage.OrderBuffer.InsertAsync(
            [.. Enumerable.Range(1, 3).Select(n => new SourceOrder("coupang", $"O-{n}", now.AddMinutes(-30), now.AddMinutes(-30), "ACCEPT", "WH1", [new OrderLine("SKU-A", 1)]))],
            now, ct);

        var task = await storage.ReconciliationTasks.CreateAsync(new ReconciliationTask("WH1", "SKU-A", 10, 7, "tx-2", now.AddMinutes(-3)), ct);
        await storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-B", "held by an operator <i>check</i>", "orchestrator", now.AddMinutes(-2)), ct);
        return new Seeded(task.Id);
    }

    public sealed record Seeded(long TaskId);
}
