using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Events;
using Orchestrator.Hosting;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Spectre.Console;

/// <summary>
/// Drives the running host: streams orders into the sandbox channels and waits for the intake jobs to take them, triggers a
/// reconciliation and the channel syncs through <see cref="IOrchestratorTriggers"/> and waits for them via
/// <see cref="OrchestratorJobMonitor"/> and the stores, then prints the summary and checks that it adds up.
/// </summary>
internal sealed class SampleRun(
    SampleSettings settings,
    SandboxServer sandbox,
    IReadOnlyDictionary<string, bool> realChannel,
    OrchestratorJobMonitor monitor,
    IOrchestratorTriggers triggers,
    IServiceProvider services,
    Func<string?, string, long> intake)
{
    private static readonly string[] Channels = ["coupang", "naver", "cafe24"];
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, long> _delivered = Channels.ToDictionary(c => c, _ => 0L);
    private readonly List<(string Label, SyncRun Run, IReadOnlyList<SyncItemCount> Items)> _syncs = [];
    private readonly List<string> _problems = [];

    public async Task<int> ExecuteAsync(Stopwatch watch)
    {
        var sandboxChannels = Channels.Where(c => !realChannel[c]).ToList();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                // 1. Orders stream from the channels' order APIs; each cycle is polled at least twice (the look-back re-reads it).
                var intakeTask = ctx.AddTask("Order intake", maxValue: Math.Max(1, settings.Cycles * settings.Orders * sandboxChannels.Count));
                for (var cycle = 0; cycle < settings.Cycles; cycle++)
                {
                    var runsBefore = sandboxChannels.ToDictionary(c => c, c => monitor.Get("intake:" + c)?.Runs ?? 0);
                    var first = DateTimeOffset.UtcNow.AddSeconds(-settings.Orders - 60);
                    foreach (var channel in sandboxChannels)
                    {
                        _delivered[channel] += channel switch
                        {
                            "coupang" => sandbox.Coupang.AddOrders(settings.Orders, first, TimeSpan.FromSeconds(1)).Count,
                            "naver" => sandbox.Naver.AddOrders(settings.Orders, first, TimeSpan.FromSeconds(1)).Count,
                            _ => sandbox.Cafe24.AddOrders(settings.Orders, first, TimeSpan.FromSeconds(1)).Count,
                        };
                    }

                    var ok = await WaitAsync(() =>
                    {
                        intakeTask.Value = sandboxChannels.Sum(c => Math.Min(intake(c, "inserted"), _delivered[c]));
                        return sandboxChannels.All(c => intake(c, "inserted") >= _delivered[c] && (monitor.Get("intake:" + c)?.Runs ?? 0) >= runsBefore[c] + 1);
                    }, TimeSpan.FromMinutes(1));
                    if (!ok)
                    {
                        _problems.Add($"cycle {cycle + 1}: the intake jobs did not take every delivered order within a minute");
                    }
                }

                intakeTask.Value = intakeTask.MaxValue;
                intakeTask.StopTask();

                // 2. The Inventory ↔ WES reconciliation.
                var reconciliation = ctx.AddTask("Inventory ↔ WES reconciliation", maxValue: 1);
                await RunJobAsync("reconciliation", () => triggers.RequestReconciliationAsync("sample", CancellationToken.None), reconciliation, null);

                // 3. WF-INV-001: the first run pushes what drifted, the next must find nothing left (with faults: one more).
                if (settings.Faults)
                {
                    sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "GET", StatusCode = 503, Times = int.MaxValue });
                    sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { Method = "PUT", StatusCode = 503, Skip = 300, Times = int.MaxValue });
                }

                // With faults, Naver's circuit breaker stays open a while after the faults stop: sync again until a run compares
                // every listing and finds nothing to push (at most five runs).
                var runs = settings.Faults ? 5 : 2;
                for (var i = 1; i <= runs && !(settings.Faults && i > 2 && Converged()); i++)
                {
                    var task = ctx.AddTask($"WF-INV-001 run {i}", maxValue: 6);
                    var reason = $"sample-{i}";
                    await RunJobAsync("channel-sync", () => triggers.RequestChannelSyncAsync(reason, null, CancellationToken.None), task, reason);
                    if (settings.Faults && i == 1)
                    {
                        sandbox.Naver.Faults.Clear();
                        sandbox.Coupang.Faults.Clear();
                        var drain = ctx.AddTask("Pending-sync queue draining", maxValue: 1);
                        var drained = await WaitAsync(() => Waiting(services.GetRequiredService<IPendingSyncStore>()) == 0, TimeSpan.FromMinutes(2));
                        drain.Value = 1;
                        drain.StopTask();
                        if (!drained)
                        {
                            _problems.Add("the pending-sync queue did not drain within two minutes");
                        }
                    }
                }
            });

        return await SummarizeAsync(watch);
    }

    private bool Converged() =>
        _syncs.Count > 0 && _syncs[^1].Items.Sum(i => i.Count) == 0 && _syncs[^1].Run.Kpis?.TotalSkus == ListingPairs();

    private int ListingPairs() => sandbox.Coupang.Listings.Count + sandbox.Naver.Listings.Count + sandbox.Cafe24.Listings.Count(l => l.TracksInventory);

    private static long Waiting(IPendingSyncStore store)
    {
        var counts = store.CountByStateAsync(CancellationToken.None).GetAwaiter().GetResult();
        return counts.GetValueOrDefault(PendingSyncState.Pending) + counts.GetValueOrDefault(PendingSyncState.InFlight);
    }

    private async Task RunJobAsync(string job, Func<Task> trigger, ProgressTask task, string? reason)
    {
        var before = monitor.Get(job) is { } s ? s.Runs + s.Failures : 0;
        await trigger();
        var store = services.GetRequiredService<ISyncRunStore>();
        var ok = await WaitAsync(() =>
        {
            if (reason is not null && store.GetRecentAsync(5, CancellationToken.None).GetAwaiter().GetResult().FirstOrDefault(r => r.Trigger == reason) is { } run)
            {
                task.Value = Math.Min(6, (int)run.State + 1);
                task.Description = $"WF-INV-001 {reason["sample-".Length..]}: {run.State}";
            }

            var now = monitor.Get(job);
            return now is not null && now.Runs + now.Failures > before && now.State != OrchestratorJobState.Running;
        }, RunTimeout);
        var status = monitor.Get(job);
        if (!ok || status?.LastOutcome is not OrchestratorRunOutcome.Succeeded)
        {
            _problems.Add($"{job} {reason}: {(ok ? status?.LastOutcome + " " + status?.LastError : "did not finish in time")}");
        }

        if (reason is not null && (await store.GetRecentAsync(10, CancellationToken.None)).FirstOrDefault(r => r.Trigger == reason) is { } done)
        {
            _syncs.Add((reason, done, await store.CountItemsAsync(done.RunId, CancellationToken.None)));
        }

        task.Value = task.MaxValue;
        task.StopTask();
    }

    private static async Task<bool> WaitAsync(Func<bool> done, TimeSpan timeout)
    {
        var until = Stopwatch.StartNew();
        while (!done())
        {
            if (until.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }

    private async Task<int> SummarizeAsync(Stopwatch watch)
    {
        var orders = services.GetRequiredService<IOrderBufferStore>();

        // Orders.
        var intakeTable = new Table().Title("Order intake").AddColumns("channel", "delivered by simulator", "fetched", "taken (in store)", "duplicates ignored", "rejected");
        long delivered = 0, fetched = 0, taken = 0, duplicates = 0, rejected = 0, inserted = 0;
        foreach (var channel in Channels)
        {
            var stored = (await orders.CountByStatusAsync(channel, CancellationToken.None)).Values.Sum();
            var ins = intake(channel, "inserted");
            var dup = intake(channel, "duplicate");
            var rej = intake(channel, "rejected");
            delivered += _delivered[channel];
            fetched += ins + dup + rej;
            taken += stored;
            inserted += ins;
            duplicates += dup;
            rejected += rej;
            intakeTable.AddRow(channel + (realChannel[channel] ? " (real)" : string.Empty), N(_delivered[channel]), N(ins + dup + rej), N(stored), N(dup), N(rej));
        }

        AnsiConsole.Write(intakeTable);

        // Reconciliation.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var discrepancies = await services.GetRequiredService<IDiscrepancyLogStore>().SummarizeByDayAsync(today.AddDays(-1), today.AddDays(1), null, CancellationToken.None);
        var discrepancyTable = new Table().Title("Inventory ↔ WES discrepancies").AddColumns("type", "detected", "open", "units");
        foreach (var type in discrepancies.GroupBy(d => d.Type).OrderBy(g => g.Key))
        {
            discrepancyTable.AddRow(type.Key.ToString(), N(type.Sum(d => d.Detected)), N(type.Sum(d => d.Open)), N(type.Sum(d => d.AbsoluteUnits)));
        }

        if (discrepancies.Count == 0)
        {
            discrepancyTable.AddRow("(none)", "0", "0", "0");
        }

        AnsiConsole.Write(discrepancyTable);

        // WF-INV-001.
        var syncTable = new Table().Title("WF-INV-001").AddColumns("run", "state", "pairs compared", "mismatched", "pushed", "queued", "failed", "accuracy", "stockout", "API success", "duration");
        foreach (var (label, run, items) in _syncs)
        {
            var k = run.Kpis;
            syncTable.AddRow(label, run.State.ToString(), N(k?.TotalSkus ?? 0), N(items.Sum(i => i.Count)), N(Count(items, SyncItemStatus.Succeeded)), N(Count(items, SyncItemStatus.Queued)),
                N(Count(items, SyncItemStatus.Failed)), P(k?.SyncAccuracy), P(k?.StockoutRate), P(k?.ApiSuccessRate), k is null ? "-" : $"{k.Duration.TotalSeconds:0.0} s");
        }

        AnsiConsole.Write(syncTable);
        foreach (var (label, run, items) in _syncs)
        {
            foreach (var channel in items.GroupBy(i => i.Channel))
            {
                AnsiConsole.MarkupLine(Markup.Escape($"  {label} {channel.Key}: " + string.Join(", ", channel.Select(i => $"{i.Status} {i.Count:N0}"))));
            }

            if (run.Error is { Length: > 0 } error)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"  {label} error: {error}"));
            }
        }

        var pending = await services.GetRequiredService<IPendingSyncStore>().CountByStateAsync(CancellationToken.None);
        AnsiConsole.MarkupLine(Markup.Escape("Pending-sync queue: " + string.Join(", ", Enum.GetValues<PendingSyncState>().Select(s => $"{s} {pending.GetValueOrDefault(s):N0}"))));
        AnsiConsole.MarkupLine(Markup.Escape($"Alerts received by the sandbox: Slack {sandbox.Slack.Messages.Count:N0} messages, KakaoTalk {sandbox.Kakao.Memos.Count:N0} memos."));
        foreach (var job in monitor.GetJobs())
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  job {job.Name}: {job.Runs} runs, {job.Failures} failed, last {job.LastOutcome}, period {job.Period}"));
        }

        // Does it add up?
        var allSandbox = !realChannel.Values.Any(r => r);
        var last = _syncs.Count > 0 ? _syncs[^1] : default;
        var checks = new List<(string What, bool Ok)>
        {
            ($"fetched {fetched:N0} = taken {inserted:N0} + duplicates {duplicates:N0} + rejected {rejected:N0}", fetched == inserted + duplicates + rejected),
            ($"orders in the store {taken:N0} = taken by intake {inserted:N0}", taken == inserted),
            ($"duplicates were re-read and ignored ({duplicates:N0} > 0)", duplicates > 0 || settings.Orders == 0),
            ($"the last sync run found 0 mismatches ({(last.Items is null ? "-" : N(last.Items.Sum(i => i.Count)))}) and completed", last.Items is not null && last.Items.Sum(i => i.Count) == 0 && last.Run.State == SyncRunState.Completed),
            ($"pending-sync queue empty (pending {pending.GetValueOrDefault(PendingSyncState.Pending):N0}, dead-lettered {pending.GetValueOrDefault(PendingSyncState.DeadLettered):N0})",
                pending.GetValueOrDefault(PendingSyncState.Pending) + pending.GetValueOrDefault(PendingSyncState.InFlight) + pending.GetValueOrDefault(PendingSyncState.DeadLettered) == 0),
        };
        if (allSandbox)
        {
            checks.Insert(1, ($"taken {inserted:N0} = delivered by the simulators {delivered:N0}", inserted == delivered));
        }

        if (allSandbox && last.Run is not null)
        {
            var pairs = ListingPairs();
            checks.Add(($"the last sync compared every listing on the three channels ({N(last.Run.Kpis?.TotalSkus ?? 0)} of {N(pairs)} pairs)", (last.Run.Kpis?.TotalSkus ?? 0) == pairs));
        }

        if (!settings.Faults && _syncs.Count >= 2)
        {
            checks.Add(("the second sync converged (0 mismatches)", _syncs[1].Items.Sum(i => i.Count) == 0));
        }

        checks.AddRange(_problems.Select(p => (p, false)));
        foreach (var (what, ok) in checks)
        {
            AnsiConsole.MarkupLine((ok ? "[green]✓[/] " : "[red]✗[/] ") + Markup.Escape(what));
        }

        var allOk = checks.All(c => c.Ok);
        AnsiConsole.MarkupLine(allOk
            ? $"[green]The summary adds up: every order taken once, every channel converged[/] ({watch.Elapsed.TotalSeconds:0.0} s)."
            : "[red]The summary does not add up; see the lines marked ✗ and the log above.[/]");
        return allOk ? 0 : 1;
    }

    private static long Count(IReadOnlyList<SyncItemCount> items, SyncItemStatus status) => items.Where(i => i.Status == status).Sum(i => i.Count);

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string P(double? value) => value is { } v ? v.ToString("P2", CultureInfo.InvariantCulture) : "-";
}
