using Orchestrator.Diagnostics;

namespace Orchestrator.Storage.Compliance;

/// <summary>Sync-run history (WF-INV-001 record step): runs, their persisted states, items and KPIs.</summary>
public abstract class SyncRunStoreComplianceTests : StorageComplianceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 1, 0, 0, TimeSpan.Zero);

    private static SyncRun Run(string id, DateTimeOffset at) => new(id, "WF-INV-001", "schedule", SyncRunState.Collecting, at, at);

    /// <summary>A started run is readable at once, so a restart knows a run was under way.</summary>
    [Fact]
    public async Task StartAsync_NewRun_ReadBackAsStarted()
    {
        await Storage.SyncRuns.StartAsync(Run("run-1", T0), Ct);

        var run = await Storage.SyncRuns.GetAsync("run-1", Ct);

        Assert.Equal(Run("run-1", T0), run);
        Assert.Null(await Storage.SyncRuns.GetAsync("missing", Ct));
    }

    /// <summary>Each state move is persisted with its time and error (ERROR → RETRY), so the dashboard and a restart see where a run stopped.</summary>
    [Fact]
    public async Task SetStateAsync_Error_PersistsStateTimeAndError()
    {
        await Storage.SyncRuns.StartAsync(Run("run-1", T0), Ct);

        await Storage.SyncRuns.SetStateAsync("run-1", SyncRunState.Analyzing, T0.AddSeconds(5), null, Ct);
        await Storage.SyncRuns.SetStateAsync("run-1", SyncRunState.Error, T0.AddSeconds(9), "ERR-INV-004 WES down", Ct);

        var run = await Storage.SyncRuns.GetAsync("run-1", Ct);
        Assert.Equal(SyncRunState.Error, run!.State);
        Assert.Equal(T0.AddSeconds(9), run.UpdatedAt);
        Assert.Equal("ERR-INV-004 WES down", run.Error);
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => Storage.SyncRuns.SetStateAsync("missing", SyncRunState.Syncing, T0, null, Ct));
    }

    /// <summary>Item results are appended in batches and read back in pages, in the order they were appended, with every field ("why does Coupang show 7?").</summary>
    [Fact]
    public async Task AppendItemsAsync_SeveralBatches_PagedInAppendOrder()
    {
        await Storage.SyncRuns.StartAsync(Run("run-1", T0), Ct);
        var items = Enumerable.Range(0, 25)
            .Select(i => new SyncRunItem("coupang-main", "SKU-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), i % 3 == 0 ? null : i, i + 1, (SyncItemStatus)(i % 4), "tx-" + i, i % 2 == 0 ? "err" : null, "onHand 10 - reserved 3"))
            .ToList();

        await Storage.SyncRuns.AppendItemsAsync("run-1", items.Take(10).ToList(), Ct);
        await Storage.SyncRuns.AppendItemsAsync("run-1", items.Skip(10).ToList(), Ct);

        Assert.Equal(items.Skip(20), await Storage.SyncRuns.GetItemsAsync("run-1", 20, 10, Ct));
        Assert.Equal(items.Take(5), await Storage.SyncRuns.GetItemsAsync("run-1", 0, 5, Ct));
        Assert.Empty(await Storage.SyncRuns.GetItemsAsync("other", 0, 5, Ct));
    }

    /// <summary>The dashboard shows each channel's outcome of a run without reading every item.</summary>
    [Fact]
    public async Task CountItemsAsync_GroupsByChannelAndStatus()
    {
        await Storage.SyncRuns.StartAsync(Run("run-1", T0), Ct);
        await Storage.SyncRuns.StartAsync(Run("run-2", T0), Ct);
        await Storage.SyncRuns.AppendItemsAsync("run-1",
        [
            new SyncRunItem("naver", "A", 1, 2, SyncItemStatus.Succeeded, "t1"),
            new SyncRunItem("coupang", "A", 1, 2, SyncItemStatus.Failed, "t2", "timeout"),
            new SyncRunItem("coupang", "B", 1, 2, SyncItemStatus.Succeeded, "t3"),
            new SyncRunItem("coupang", "C", 1, 2, SyncItemStatus.Succeeded, "t4"),
        ], Ct);
        await Storage.SyncRuns.AppendItemsAsync("run-2", [new SyncRunItem("coupang", "A", 1, 2, SyncItemStatus.Skipped, null)], Ct);

        var counts = await Storage.SyncRuns.CountItemsAsync("run-1", Ct);

        Assert.Equal(
            [new SyncItemCount("coupang", SyncItemStatus.Succeeded, 2), new SyncItemCount("coupang", SyncItemStatus.Failed, 1), new SyncItemCount("naver", SyncItemStatus.Succeeded, 1)],
            counts);
        Assert.Empty(await Storage.SyncRuns.CountItemsAsync("missing", Ct));
    }

    /// <summary>The KPIs and stage timings of a finished run (seed 002) must come back exactly, for alerts and reports.</summary>
    [Fact]
    public async Task CompleteAsync_KpisAndStages_RoundTrip()
    {
        await Storage.SyncRuns.StartAsync(Run("run-1", T0), Ct);
        var kpis = new SyncKpis(1000, 990, 12, 500, 40, 39, TimeSpan.FromTicks(1_234_567_891));
        var stages = new Dictionary<string, TimeSpan> { ["collect"] = TimeSpan.FromTicks(12_345_678), ["sync"] = TimeSpan.FromSeconds(3) };

        await Storage.SyncRuns.CompleteAsync("run-1", SyncRunState.Completed, kpis, stages, T0.AddMinutes(2), Ct);

        var run = await Storage.SyncRuns.GetAsync("run-1", Ct);
        Assert.Equal(SyncRunState.Completed, run!.State);
        Assert.Equal(T0.AddMinutes(2), run.CompletedAt);
        Assert.Equal(kpis, run.Kpis);
        Assert.Equal(stages, run.Stages);
    }

    /// <summary>The history page lists the most recent runs first.</summary>
    [Fact]
    public async Task GetRecentAsync_SeveralRuns_NewestFirst()
    {
        await Storage.SyncRuns.StartAsync(Run("old", T0), Ct);
        await Storage.SyncRuns.StartAsync(Run("new", T0.AddMinutes(20)), Ct);
        await Storage.SyncRuns.StartAsync(Run("mid", T0.AddMinutes(10)), Ct);

        Assert.Equal(["new", "mid"], (await Storage.SyncRuns.GetRecentAsync(2, Ct)).Select(r => r.RunId));
    }
}
