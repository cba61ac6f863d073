using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Diagnostics;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Counts of one warehouse and discrepancy type over the statistics window.</summary>
internal sealed record TypeStats(long Detected, long Open, long Units);

/// <summary>Discrepancy statistics of one warehouse.</summary>
internal sealed record WarehouseStats(string WarehouseId, IReadOnlyDictionary<DiscrepancyType, TypeStats> ByType)
{
    public TypeStats Total => new(ByType.Values.Sum(s => s.Detected), ByType.Values.Sum(s => s.Open), ByType.Values.Sum(s => s.Units));
}

/// <summary>Everything the overview shows; a <see langword="null"/> part means its store is not registered.</summary>
internal sealed record OverviewModel(
    DateTimeOffset GeneratedAt,
    DateOnly FirstDay,
    DateOnly LastDay,
    IReadOnlyList<WarehouseStats>? Warehouses,
    IReadOnlyList<SyncRun>? Runs,
    SyncRun? ChannelRun,
    IReadOnlyList<SyncItemCount>? ChannelCounts,
    IReadOnlyDictionary<PendingSyncState, long>? Queue,
    IReadOnlyList<PendingSyncRecord>? DeadLetters,
    IReadOnlyList<ReconciliationTask>? Tasks,
    IReadOnlyList<AllocationPause>? Pauses,
    IReadOnlyDictionary<OrderStatus, long>? Orders)
{
    public static readonly DiscrepancyType[] Types = Enum.GetValues<DiscrepancyType>();

    public static async Task<OverviewModel> LoadAsync(IServiceProvider services, DashboardOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var lastDay = DateOnly.FromDateTime(now.UtcDateTime);
        var firstDay = lastDay.AddDays(1 - options.StatisticsDays);
        IReadOnlyList<WarehouseStats>? warehouses = null;
        if (services.GetService<IDiscrepancyLogStore>() is { } log)
        {
            var rows = await log.SummarizeByDayAsync(firstDay, lastDay, null, ct).ConfigureAwait(false);
            warehouses = Aggregate(rows);
        }

        var runStore = services.GetService<ISyncRunStore>();
        var runs = runStore is null ? null : await runStore.GetRecentAsync(options.RecentRuns, ct).ConfigureAwait(false);
        var channelRun = runs?.FirstOrDefault(r => r.State == SyncRunState.Completed && r.Workflow == "WF-INV-001") ?? runs?.FirstOrDefault(r => r.State == SyncRunState.Completed);
        var channelCounts = channelRun is null ? null : await runStore!.CountItemsAsync(channelRun.RunId, ct).ConfigureAwait(false);
        var pending = services.GetService<IPendingSyncStore>();
        var queue = pending is null ? null : await pending.CountByStateAsync(ct).ConfigureAwait(false);
        var dead = pending is null ? null : await pending.GetDeadLetteredAsync(20, ct).ConfigureAwait(false);
        var tasks = services.GetService<IReconciliationTaskStore>() is { } taskStore ? await taskStore.ListAsync(null, null, 200, ct).ConfigureAwait(false) : null;
        var pauses = services.GetService<IAllocationPauseStore>() is { } pauseStore ? await pauseStore.ListAsync(null, ct).ConfigureAwait(false) : null;
        var orders = services.GetService<IOrderBufferStore>() is { } orderStore ? await orderStore.CountByStatusAsync(null, ct).ConfigureAwait(false) : null;
        return new OverviewModel(now, firstDay, lastDay, warehouses, runs, channelRun, channelCounts, queue, dead, tasks, pauses, orders);
    }

    public static IReadOnlyList<WarehouseStats> Aggregate(IEnumerable<DiscrepancyDailySummary> rows)
        => rows.GroupBy(r => r.WarehouseId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WarehouseStats(g.Key, Types.ToDictionary(
                t => t,
                t => new TypeStats(g.Where(r => r.Type == t).Sum(r => r.Detected), g.Where(r => r.Type == t).Sum(r => r.Open), g.Where(r => r.Type == t).Sum(r => r.AbsoluteUnits)))))
            .ToList();

    public TypeStats TypeTotal(DiscrepancyType type)
        => new(Warehouses!.Sum(w => w.ByType[type].Detected), Warehouses!.Sum(w => w.ByType[type].Open), Warehouses!.Sum(w => w.ByType[type].Units));

    /// <summary>The figures the overview page updates while open: element key → text and, for KPI cells, CSS class.</summary>
    public Dictionary<string, LiveValue> LiveValues(KpiThresholds thresholds)
    {
        var live = new Dictionary<string, LiveValue>(StringComparer.Ordinal);
        if (Warehouses is not null)
        {
            foreach (var w in Warehouses)
            {
                foreach (var t in Types)
                {
                    live[$"disc.{w.WarehouseId}.{t}.open"] = new(Format.N(w.ByType[t].Open));
                    live[$"disc.{w.WarehouseId}.{t}.detected"] = new(Format.N(w.ByType[t].Detected));
                }

                live[$"disc.{w.WarehouseId}.total.open"] = new(Format.N(w.Total.Open));
                live[$"disc.{w.WarehouseId}.total.detected"] = new(Format.N(w.Total.Detected));
                live[$"disc.{w.WarehouseId}.total.units"] = new(Format.N(w.Total.Units));
            }

            foreach (var t in Types)
            {
                live[$"disc.all.{t}.open"] = new(Format.N(TypeTotal(t).Open));
                live[$"disc.all.{t}.detected"] = new(Format.N(TypeTotal(t).Detected));
            }
        }

        foreach (var run in Runs ?? [])
        {
            live[$"run.{run.RunId}.state"] = new(run.State.ToString(), "badge state-" + run.State);
            if (run.Kpis is { } k)
            {
                foreach (var cell in KpiCell.For(k, thresholds))
                {
                    live[$"run.{run.RunId}.{cell.Name}"] = new(cell.Text, cell.Css);
                }
            }
        }

        foreach (var c in ChannelCounts ?? [])
        {
            live[$"chan.{c.Channel}.{c.Status}"] = new(Format.N(c.Count));
        }

        foreach (var s in Enum.GetValues<PendingSyncState>())
        {
            if (Queue is not null)
            {
                live[$"queue.{s}"] = new(Format.N(Queue.GetValueOrDefault(s)));
            }
        }

        foreach (var s in Enum.GetValues<OrderStatus>())
        {
            if (Orders is not null)
            {
                live[$"orders.{s}"] = new(Format.N(Orders.GetValueOrDefault(s)));
            }
        }

        if (Tasks is not null)
        {
            live["tasks.open"] = new(Format.N(Tasks.Count(t => t.Status == ReconciliationTaskStatus.Open)));
            live["tasks.counted"] = new(Format.N(Tasks.Count(t => t.Status == ReconciliationTaskStatus.Counted)));
        }

        if (Pauses is not null)
        {
            live["pauses.count"] = new(Format.N(Pauses.Count));
        }

        return live;
    }
}

/// <summary>A live figure: its text and, when it changes colour, its CSS class.</summary>
internal sealed record LiveValue(string Text, string? Css = null);

/// <summary>One KPI of a run, formatted and coloured against the seed 002 thresholds.</summary>
internal sealed record KpiCell(string Name, string Label, string Text, string Css, string Threshold)
{
    public static IReadOnlyList<KpiCell> For(SyncKpis kpis, KpiThresholds t)
    {
        var breaches = kpis.Evaluate(t).Select(b => b.Kpi).ToHashSet();
        string Css(KpiName k) => breaches.Contains(k) ? "num kpi-bad" : "num kpi-ok";
        return
        [
            new("accuracy", "Accuracy", Format.P(kpis.SyncAccuracy), Css(KpiName.SyncAccuracy), "≥ " + Format.P(t.MinSyncAccuracy)),
            new("duration", "Duration", Format.Duration(kpis.Duration), Css(KpiName.SyncDuration), "≤ " + Format.Duration(t.MaxSyncDuration)),
            new("stockout", "Stockout", Format.P(kpis.StockoutRate), Css(KpiName.StockoutRate), "≤ " + Format.P(t.MaxStockoutRate)),
            new("api", "API success", Format.P(kpis.ApiSuccessRate), Css(KpiName.ApiSuccessRate), "≥ " + Format.P(t.MinApiSuccessRate)),
        ];
    }
}

/// <summary>Formats figures the same way on pages, in the live JSON and in tests (invariant culture).</summary>
internal static class Format
{
    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string P(double value) => value.ToString("0.00%", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? value) => value is { } v ? Time(v) : string.Empty;

    public static string Duration(TimeSpan value) => value.TotalSeconds < 60
        ? value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : ((int)value.TotalMinutes).ToString(CultureInfo.InvariantCulture) + " min " + value.Seconds.ToString("00", CultureInfo.InvariantCulture) + " s";
}
