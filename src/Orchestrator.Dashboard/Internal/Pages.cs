using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Renders the dashboard's pages. Every value from a store passes through <see cref="HtmlWriter"/>'s encoding.</summary>
internal static class Pages
{
    public static readonly IReadOnlyDictionary<string, (string Text, bool Error)> Notices = new Dictionary<string, (string, bool)>(StringComparer.Ordinal)
    {
        ["resolved"] = ("Discrepancy resolved.", false),
        ["not-open"] = ("The discrepancy was already resolved, or does not exist.", true),
        ["counted"] = ("Count recorded; a reconciliation was requested to resync the SKU.", false),
        ["counted-no-trigger"] = ("Count recorded. This host registers no IOrchestratorTriggers, so the resync waits for the next scheduled reconciliation.", true),
        ["counted-trigger-failed"] = ("Count recorded, but requesting the reconciliation failed; the resync waits for the next scheduled reconciliation.", true),
        ["task-not-open"] = ("The reconciliation task is not open (already counted or closed), or does not exist.", true),
        ["resumed"] = ("SKU resumed; a channel sync was requested for it.", false),
        ["resumed-no-trigger"] = ("SKU resumed. This host registers no IOrchestratorTriggers, so its channels are updated at the next scheduled sync.", true),
        ["resumed-trigger-failed"] = ("SKU resumed, but requesting the channel sync failed; its channels are updated at the next scheduled sync.", true),
        ["not-paused"] = ("The SKU was not paused.", true),
        ["sync-requested"] = ("Channel sync requested.", false),
        ["no-triggers"] = ("Cannot trigger a sync: this host registers no IOrchestratorTriggers.", true),
        ["trigger-failed"] = ("Requesting the sync failed; see the host's log.", true),
        ["invalid-form"] = ("The form was not valid; nothing was changed.", true),
        ["no-store"] = ("The store this action needs is not registered in this host.", true),
    };

    public static string Layout(DashboardRequest r, string title, string active, HtmlWriter body, Markup mainAttributes = default)
    {
        var w = new HtmlWriter();
        w.Add($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Add($"<title>{title} · Orchestrator</title><link rel=\"stylesheet\" href=\"{r.Base}/assets/dashboard.css\"></head><body>");
        w.Add($"<header class=\"top\"><span class=\"brand\">Orchestrator</span>");
        Nav(w, r.Base + "/", "Consistency", active == "overview");
        Nav(w, r.Base + "/discrepancies", "Discrepancy report", active == "report");
        w.Add($"<span class=\"user\"><span id=\"live-status\"></span>");
        if (r.User is { } user)
        {
            w.Add($"<span>{user}</span>");
            if (r.UsesBuiltInLogin)
            {
                w.Add($"<form class=\"inline\" method=\"post\" action=\"{r.Base}/logout\">{r.AntiforgeryField()}<button class=\"secondary\" type=\"submit\">Log out</button></form>");
            }
        }

        w.Add($"</span></header><main{mainAttributes}>");
        var notice = r.Http.Request.Query["notice"].ToString();
        if (Notices.TryGetValue(notice, out var n))
        {
            w.Add($"<div class=\"notice{new Markup(n.Error ? " error" : string.Empty)}\" role=\"status\" data-notice=\"{notice}\">{n.Text}</div>");
        }

        w.Raw(new Markup(body.ToString()));
        w.Add($"</main><script src=\"{r.Base}/assets/dashboard.js\"></script></body></html>");
        return w.ToString();
    }

    private static void Nav(HtmlWriter w, string href, string text, bool active)
        => w.Add($"<a href=\"{href}\"{new Markup(active ? " class=\"active\"" : string.Empty)}>{text}</a>");

    public static string Login(DashboardRequest r, string returnUrl, bool failed)
    {
        var w = new HtmlWriter();
        w.Add($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Add($"<title>Log in · Orchestrator</title><style>{new Markup(Assets.Css)}</style></head><body><main>");
        w.Add($"<section class=\"card login\"><h1>Orchestrator dashboard</h1>");
        if (failed)
        {
            w.Add($"<div class=\"notice error\" role=\"alert\">That API key is not valid.</div>");
        }

        w.Add($"<form method=\"post\" action=\"{r.Base}/login\">{r.AntiforgeryField()}<input type=\"hidden\" name=\"returnUrl\" value=\"{returnUrl}\">");
        w.Add($"<label for=\"apiKey\">API key</label><input id=\"apiKey\" name=\"apiKey\" type=\"password\" autocomplete=\"off\" required>");
        w.Add($"<button type=\"submit\">Log in</button></form></section></main></body></html>");
        return w.ToString();
    }

    public static string Overview(DashboardRequest r, OverviewModel m)
    {
        var w = new HtmlWriter();
        var here = r.Base + "/";
        w.Add($"<div id=\"stale\" class=\"notice\">New runs or warehouses appeared: <a href=\"{here}\">reload the page</a>.</div>");
        w.Add($"<h1>Inventory consistency</h1>");

        // Discrepancies per warehouse and type.
        w.Add($"<section class=\"card\" id=\"discrepancies\"><h2>Discrepancies, {m.FirstDay:yyyy-MM-dd} to {m.LastDay:yyyy-MM-dd} (UTC)</h2>");
        if (m.Warehouses is null)
        {
            NotRegistered(w, "IDiscrepancyLogStore");
        }
        else if (m.Warehouses.Count == 0)
        {
            w.Add($"<p class=\"muted\">No discrepancy detected in this period.</p>");
        }
        else
        {
            w.Add($"<p class=\"muted small\">Each cell: still open / detected in the period. Units: the sum of |WES − inventory| over the detections.</p>");
            w.Add($"<table><thead><tr><th>Warehouse</th>");
            foreach (var t in OverviewModel.Types)
            {
                w.Add($"<th class=\"num\">{t}</th>");
            }

            w.Add($"<th class=\"num\">Open</th><th class=\"num\">Detected</th><th class=\"num\">Units</th></tr></thead><tbody>");
            foreach (var wh in m.Warehouses)
            {
                var key = "disc." + wh.WarehouseId;
                w.Add($"<tr><td><a href=\"{r.Base}/discrepancies?warehouse={Uri.EscapeDataString(wh.WarehouseId)}\">{wh.WarehouseId}</a></td>");
                foreach (var t in OverviewModel.Types)
                {
                    w.Add($"<td class=\"num\"><span data-live=\"{key}.{t}.open\">{Format.N(wh.ByType[t].Open)}</span> / <span data-live=\"{key}.{t}.detected\">{Format.N(wh.ByType[t].Detected)}</span></td>");
                }

                w.Add($"<td class=\"num\" data-live=\"{key}.total.open\">{Format.N(wh.Total.Open)}</td><td class=\"num\" data-live=\"{key}.total.detected\">{Format.N(wh.Total.Detected)}</td><td class=\"num\" data-live=\"{key}.total.units\">{Format.N(wh.Total.Units)}</td></tr>");
            }

            w.Add($"</tbody><tfoot><tr><td>All warehouses</td>");
            foreach (var t in OverviewModel.Types)
            {
                w.Add($"<td class=\"num\"><span data-live=\"disc.all.{t}.open\">{Format.N(m.TypeTotal(t).Open)}</span> / <span data-live=\"disc.all.{t}.detected\">{Format.N(m.TypeTotal(t).Detected)}</span></td>");
            }

            w.Add($"<td class=\"num\">{Format.N(m.Warehouses.Sum(x => x.Total.Open))}</td><td class=\"num\">{Format.N(m.Warehouses.Sum(x => x.Total.Detected))}</td><td class=\"num\">{Format.N(m.Warehouses.Sum(x => x.Total.Units))}</td></tr></tfoot></table>");
        }

        w.Add($"</section>");

        // Sync runs.
        w.Add($"<section class=\"card\" id=\"runs\"><h2>Recent sync runs</h2>");
        w.Add($"<form class=\"inline\" method=\"post\" action=\"{r.Base}/sync\">{r.AntiforgeryField()}<input type=\"hidden\" name=\"returnUrl\" value=\"{here}\"><button type=\"submit\">Trigger channel sync</button></form>");
        if (m.Runs is null)
        {
            NotRegistered(w, "ISyncRunStore");
        }
        else if (m.Runs.Count == 0)
        {
            w.Add($"<p class=\"muted\">No run yet.</p>");
        }
        else
        {
            w.Add($"<table><thead><tr><th>Run</th><th>Workflow</th><th>Trigger</th><th>State</th><th>Started</th>");
            w.Add($"<th class=\"num\">Accuracy ≥ {Format.P(r.Thresholds.MinSyncAccuracy)}</th><th class=\"num\">Duration ≤ {Format.Duration(r.Thresholds.MaxSyncDuration)}</th><th class=\"num\">Stockout ≤ {Format.P(r.Thresholds.MaxStockoutRate)}</th><th class=\"num\">API success ≥ {Format.P(r.Thresholds.MinApiSuccessRate)}</th><th>Stages</th></tr></thead><tbody>");
            foreach (var run in m.Runs)
            {
                var key = "run." + run.RunId;
                w.Add($"<tr><td class=\"mono\"><a href=\"{r.Base}/runs/{Uri.EscapeDataString(run.RunId)}\">{run.RunId}</a></td><td>{run.Workflow}</td><td>{run.Trigger}</td>");
                w.Add($"<td><span class=\"badge state-{run.State}\" data-live=\"{key}.state\">{run.State}</span>");
                if (run.Error is { } error)
                {
                    w.Add($"<div class=\"small muted\">{error}</div>");
                }

                w.Add($"</td><td>{Format.Time(run.StartedAt)}</td>");
                if (run.Kpis is { } kpis)
                {
                    foreach (var cell in KpiCell.For(kpis, r.Thresholds))
                    {
                        w.Add($"<td class=\"{cell.Css}\" data-live=\"{key}.{cell.Name}\" title=\"{cell.Label} threshold {cell.Threshold}\">{cell.Text}</td>");
                    }
                }
                else
                {
                    w.Add($"<td colspan=\"4\" class=\"muted\">{(run.State is SyncRunState.Error or SyncRunState.Completed ? "no KPIs: the run ended early" : "running")}</td>");
                }

                w.Add($"<td class=\"small\">{StageText(run)}</td></tr>");
            }

            w.Add($"</tbody></table>");
        }

        if (m.ChannelRun is { } channelRun && m.ChannelCounts is { Count: > 0 } counts)
        {
            w.Add($"<h2 style=\"margin-top:16px\" id=\"channels\">By channel, run <a class=\"mono\" href=\"{r.Base}/runs/{Uri.EscapeDataString(channelRun.RunId)}\">{channelRun.RunId}</a></h2>");
            ChannelTable(w, counts);
        }

        w.Add($"</section><div class=\"grid\">");

        // Queue and orders.
        w.Add($"<section class=\"card\" id=\"queue\"><h2>Pending-sync queue</h2>");
        if (m.Queue is null)
        {
            NotRegistered(w, "IPendingSyncStore");
        }
        else
        {
            w.Add($"<table><tbody>");
            foreach (var s in Enum.GetValues<PendingSyncState>())
            {
                w.Add($"<tr><td>{s}</td><td class=\"num\" data-live=\"queue.{s}\">{Format.N(m.Queue.GetValueOrDefault(s))}</td></tr>");
            }

            w.Add($"</tbody></table>");
            if (m.DeadLetters is { Count: > 0 })
            {
                w.Add($"<h2 style=\"margin-top:12px\">Dead letters (newest {m.DeadLetters.Count})</h2><table><thead><tr><th>Target</th><th>Kind</th><th>Key</th><th class=\"num\">Attempts</th><th>Last error</th><th>Updated</th></tr></thead><tbody>");
                foreach (var d in m.DeadLetters)
                {
                    w.Add($"<tr><td>{d.Item.Target}</td><td>{d.Item.Kind}</td><td class=\"mono\">{d.Item.CoalescingKey}</td><td class=\"num\">{d.Attempts}</td><td class=\"small\">{d.LastError}</td><td>{Format.Time(d.UpdatedAt)}</td></tr>");
                }

                w.Add($"</tbody></table>");
            }
        }

        w.Add($"</section><section class=\"card\" id=\"orders\"><h2>Order buffer</h2>");
        if (m.Orders is null)
        {
            NotRegistered(w, "IOrderBufferStore");
        }
        else
        {
            w.Add($"<table><tbody>");
            foreach (var s in Enum.GetValues<OrderStatus>())
            {
                w.Add($"<tr><td>{s}</td><td class=\"num\" data-live=\"orders.{s}\">{Format.N(m.Orders.GetValueOrDefault(s))}</td></tr>");
            }

            w.Add($"</tbody></table>");
        }

        w.Add($"</section></div>");

        // Reconciliation tasks.
        w.Add($"<section class=\"card\" id=\"tasks\"><h2>Reconciliation tasks</h2>");
        if (m.Tasks is null)
        {
            NotRegistered(w, "IReconciliationTaskStore");
        }
        else
        {
            w.Add($"<p class=\"small muted\"><span data-live=\"tasks.open\">{Format.N(m.Tasks.Count(t => t.Status == ReconciliationTaskStatus.Open))}</span> waiting for a count, <span data-live=\"tasks.counted\">{Format.N(m.Tasks.Count(t => t.Status == ReconciliationTaskStatus.Counted))}</span> counted and waiting for the resync.</p>");
            if (m.Tasks.Count > 0)
            {
                w.Add($"<table><thead><tr><th>Task</th><th>Warehouse</th><th>SKU</th><th class=\"num\">Inventory</th><th class=\"num\">WES</th><th>Raised</th><th>Status</th><th>Count</th></tr></thead><tbody>");
                foreach (var t in m.Tasks)
                {
                    w.Add($"<tr data-task=\"{t.Id}\"><td>{t.Id}</td><td>{t.WarehouseId}</td><td class=\"mono\">{t.SkuCode}</td><td class=\"num\">{Format.N(t.InventoryQty)}</td><td class=\"num\">{Format.N(t.WesQty)}</td><td>{Format.Time(t.CreatedAt)}</td><td>{t.Status}</td><td>");
                    if (t.Status == ReconciliationTaskStatus.Open)
                    {
                        w.Add($"<form class=\"inline\" method=\"post\" action=\"{r.Base}/tasks/{t.Id}/count\">{r.AntiforgeryField()}<input type=\"hidden\" name=\"returnUrl\" value=\"{here}\"><input name=\"counted\" type=\"number\" min=\"0\" step=\"1\" required style=\"width:7em\" aria-label=\"Counted quantity of {t.SkuCode}\"><button type=\"submit\">Record count</button></form>");
                    }
                    else
                    {
                        w.Add($"<span class=\"small\">{Format.N(t.CountedQty ?? 0)} by {t.CountedBy} at {Format.Time(t.CountedAt)}</span>");
                    }

                    w.Add($"</td></tr>");
                }

                w.Add($"</tbody></table>");
            }
        }

        w.Add($"</section>");

        // Paused SKUs.
        w.Add($"<section class=\"card\" id=\"pauses\"><h2>Paused SKUs (<span data-live=\"pauses.count\">{Format.N(m.Pauses?.Count ?? 0)}</span>)</h2>");
        if (m.Pauses is null)
        {
            NotRegistered(w, "IAllocationPauseStore");
        }
        else if (m.Pauses.Count == 0)
        {
            w.Add($"<p class=\"muted\">No SKU is paused.</p>");
        }
        else
        {
            w.Add($"<p class=\"small muted\">A paused SKU is sold as 0 on every channel until resumed.</p><table><thead><tr><th>Warehouse</th><th>SKU</th><th>Reason</th><th>Paused by</th><th>Since</th><th></th></tr></thead><tbody>");
            foreach (var p in m.Pauses)
            {
                w.Add($"<tr><td>{p.WarehouseId}</td><td class=\"mono\">{p.SkuCode}</td><td>{p.Reason}</td><td>{p.PausedBy}</td><td>{Format.Time(p.PausedAt)}</td><td>");
                w.Add($"<form class=\"inline\" method=\"post\" action=\"{r.Base}/pauses/resume\">{r.AntiforgeryField()}<input type=\"hidden\" name=\"returnUrl\" value=\"{here}\"><input type=\"hidden\" name=\"warehouse\" value=\"{p.WarehouseId}\"><input type=\"hidden\" name=\"sku\" value=\"{p.SkuCode}\"><button type=\"submit\">Resume</button></form></td></tr>");
            }

            w.Add($"</tbody></table>");
        }

        w.Add($"</section>");
        var attrs = new Markup($" data-live-url=\"{HtmlWriter.Encode(r.Base + "/api/overview")}\" data-live-every=\"{(int)r.Options.RefreshInterval.TotalMilliseconds}\"");
        return Layout(r, "Consistency", "overview", w, attrs);
    }

    private static void ChannelTable(HtmlWriter w, IReadOnlyList<SyncItemCount> counts)
    {
        var statuses = Enum.GetValues<SyncItemStatus>();
        w.Add($"<table><thead><tr><th>Channel</th>");
        foreach (var s in statuses)
        {
            w.Add($"<th class=\"num\">{s}</th>");
        }

        w.Add($"</tr></thead><tbody>");
        foreach (var channel in counts.Select(c => c.Channel).Distinct(StringComparer.Ordinal))
        {
            w.Add($"<tr><td>{channel}</td>");
            foreach (var s in statuses)
            {
                var n = counts.Where(c => c.Channel == channel && c.Status == s).Sum(c => c.Count);
                w.Add($"<td class=\"num{new Markup(s == SyncItemStatus.Failed && n > 0 ? " kpi-bad" : string.Empty)}\" data-live=\"chan.{channel}.{s}\">{Format.N(n)}</td>");
            }

            w.Add($"</tr>");
        }

        w.Add($"</tbody></table>");
    }

    private static string StageText(SyncRun run)
        => run.Stages is null ? string.Empty : string.Join(" · ", run.Stages.Select(s => s.Key + " " + Format.Duration(s.Value)));

    private static void NotRegistered(HtmlWriter w, string store)
        => w.Add($"<p class=\"muted\">{store} is not registered in this host.</p>");

    public static string RunDetail(DashboardRequest r, SyncRun run, IReadOnlyList<SyncItemCount> counts, IReadOnlyList<SyncRunItem> items, int offset, int pageSize)
    {
        var w = new HtmlWriter();
        w.Add($"<h1>Sync run <span class=\"mono\">{run.RunId}</span></h1><section class=\"card\"><table><tbody>");
        w.Add($"<tr><th>Workflow</th><td>{run.Workflow}</td></tr><tr><th>Trigger</th><td>{run.Trigger}</td></tr>");
        w.Add($"<tr><th>State</th><td><span class=\"badge state-{run.State}\">{run.State}</span> {run.Error}</td></tr>");
        w.Add($"<tr><th>Started</th><td>{Format.Time(run.StartedAt)}</td></tr><tr><th>Completed</th><td>{Format.Time(run.CompletedAt)}</td></tr>");
        w.Add($"<tr><th>Stages</th><td>{StageText(run)}</td></tr></tbody></table>");
        if (run.Kpis is { } k)
        {
            w.Add($"<h2 style=\"margin-top:12px\">KPIs</h2><table><thead><tr><th>KPI</th><th class=\"num\">Value</th><th>Threshold</th><th>Basis</th></tr></thead><tbody>");
            var basis = new[]
            {
                $"{Format.N(k.MatchedSkus)} of {Format.N(k.TotalSkus)} SKU × channel pairs agree",
                $"start to finish",
                $"{Format.N(k.StockedOutSkus)} of {Format.N(k.CatalogSkus)} SKUs sell 0",
                $"{Format.N(k.ApiCallsSucceeded)} of {Format.N(k.ApiCalls)} calls succeeded",
            };
            var cells = KpiCell.For(k, r.Thresholds);
            for (var i = 0; i < cells.Count; i++)
            {
                w.Add($"<tr><td>{cells[i].Label}</td><td class=\"{cells[i].Css}\" data-kpi=\"{cells[i].Name}\">{cells[i].Text}</td><td>{cells[i].Threshold}</td><td class=\"small\">{basis[i]}</td></tr>");
            }

            w.Add($"</tbody></table>");
        }

        if (counts.Count > 0)
        {
            w.Add($"<h2 style=\"margin-top:12px\">Items by channel</h2>");
            ChannelTable(w, counts);
        }

        w.Add($"</section><section class=\"card\" id=\"items\"><h2>Items {Format.N(offset + 1)}–{Format.N(offset + items.Count)}</h2>");
        if (items.Count == 0)
        {
            w.Add($"<p class=\"muted\">No item on this page.</p>");
        }
        else
        {
            w.Add($"<table><thead><tr><th>Channel</th><th>SKU</th><th class=\"num\">Channel qty</th><th class=\"num\">Target</th><th>Status</th><th>How the target was computed</th><th>Transaction</th><th>Error</th></tr></thead><tbody>");
            foreach (var item in items)
            {
                w.Add($"<tr><td>{item.Channel}</td><td class=\"mono\">{item.SkuCode}</td><td class=\"num\">{(item.ChannelQty is { } q ? Format.N(q) : "—")}</td><td class=\"num\">{Format.N(item.TargetQty)}</td><td>{item.Status}</td><td class=\"small\">{item.Explanation}</td><td class=\"mono\">{item.TransactionId}</td><td class=\"small\">{item.Error}</td></tr>");
            }

            w.Add($"</tbody></table>");
        }

        var self = r.Base + "/runs/" + Uri.EscapeDataString(run.RunId);
        w.Add($"<div class=\"pager\">");
        if (offset > 0)
        {
            w.Add($"<a href=\"{self}?offset={Math.Max(0, offset - pageSize)}\">← Previous</a>");
        }

        if (items.Count == pageSize)
        {
            w.Add($"<a href=\"{self}?offset={offset + pageSize}\">Next →</a>");
        }

        w.Add($"</div></section>");
        return Layout(r, "Run " + run.RunId, "overview", w);
    }

    public static string Report(DashboardRequest r, ReportFilter f, DiscrepancyPage? page, IReadOnlyList<DiscrepancyDailySummary>? days, string? error)
    {
        var w = new HtmlWriter();
        w.Add($"<h1>Discrepancy report</h1><section class=\"card\"><form class=\"filters\" method=\"get\" action=\"{r.Base}/discrepancies\">");
        w.Add($"<label>Warehouse<input name=\"warehouse\" value=\"{f.WarehouseId}\"></label><label>SKU<input name=\"sku\" value=\"{f.SkuCode}\"></label>");
        w.Add($"<label>From (UTC day)<input type=\"date\" name=\"from\" value=\"{f.FirstDay:yyyy-MM-dd}\"></label><label>To (UTC day)<input type=\"date\" name=\"to\" value=\"{f.LastDay:yyyy-MM-dd}\"></label>");
        w.Add($"<label>Status<select name=\"status\"><option value=\"\">any</option>");
        foreach (var s in Enum.GetValues<DiscrepancyStatus>())
        {
            w.Add($"<option{new Markup(f.Status == s ? " selected" : string.Empty)}>{s}</option>");
        }

        w.Add($"</select></label><label>Type<select name=\"type\"><option value=\"\">any</option>");
        foreach (var t in Enum.GetValues<DiscrepancyType>())
        {
            w.Add($"<option{new Markup(f.Type == t ? " selected" : string.Empty)}>{t}</option>");
        }

        w.Add($"</select></label><button type=\"submit\">Show</button><a href=\"{r.Base}/discrepancies.csv{f.QueryString(null)}\" download>Export CSV</a></form></section>");
        if (error is not null)
        {
            w.Add($"<div class=\"notice error\" role=\"alert\">{error}</div>");
            return Layout(r, "Discrepancy report", "report", w);
        }

        // Day over day.
        w.Add($"<section class=\"card\" id=\"days\"><h2>Day over day, {f.FirstDay:yyyy-MM-dd} to {f.LastDay:yyyy-MM-dd}{(f.WarehouseId is null ? string.Empty : ", " + f.WarehouseId)}</h2>");
        if (days is null)
        {
            NotRegistered(w, "IDiscrepancyLogStore");
        }
        else
        {
            if (f.SkuCode is not null || f.Type is not null || f.Status is not null)
            {
                w.Add($"<p class=\"small muted\">The daily snapshot is by warehouse and type; the SKU, type and status filters apply to the rows below only.</p>");
            }

            w.Add($"<table><thead><tr><th>Day</th>");
            foreach (var t in OverviewModel.Types)
            {
                w.Add($"<th class=\"num\">{t}</th>");
            }

            w.Add($"<th class=\"num\">Detected</th><th class=\"num\">vs previous day</th><th class=\"num\">Still open</th><th class=\"num\">Units</th><th class=\"num\">vs previous day</th></tr></thead><tbody>");
            long? previousDetected = null, previousUnits = null;
            for (var day = f.FirstDay; day <= f.LastDay; day = day.AddDays(1))
            {
                var rows = days.Where(d => d.Day == day).ToList();
                var detected = rows.Sum(d => d.Detected);
                var units = rows.Sum(d => d.AbsoluteUnits);
                w.Add($"<tr data-day=\"{day:yyyy-MM-dd}\"><td>{day:yyyy-MM-dd}</td>");
                foreach (var t in OverviewModel.Types)
                {
                    w.Add($"<td class=\"num\">{Format.N(rows.Where(d => d.Type == t).Sum(d => d.Detected))}</td>");
                }

                w.Add($"<td class=\"num\" data-col=\"detected\">{Format.N(detected)}</td>{Delta(previousDetected, detected)}<td class=\"num\" data-col=\"open\">{Format.N(rows.Sum(d => d.Open))}</td><td class=\"num\" data-col=\"units\">{Format.N(units)}</td>{Delta(previousUnits, units)}</tr>");
                previousDetected = detected;
                previousUnits = units;
            }

            w.Add($"</tbody></table>");
        }

        w.Add($"</section>");

        // Rows.
        w.Add($"<section class=\"card\" id=\"rows\"><h2>Discrepancies</h2>");
        if (page is null)
        {
            NotRegistered(w, "IDiscrepancyLogStore");
        }
        else if (page.Items.Count == 0)
        {
            w.Add($"<p class=\"muted\">No discrepancy matches.</p>");
        }
        else
        {
            w.Add($"<table><thead><tr><th>Id</th><th>Detected</th><th>Warehouse</th><th>SKU</th><th>Type</th><th class=\"num\">Inventory</th><th class=\"num\">WES</th><th class=\"num\">Difference</th><th class=\"num\">%</th><th>Locations</th><th>Status</th><th>Resolution</th></tr></thead><tbody>");
            var self = r.Base + "/discrepancies" + f.QueryString(f.BeforeId);
            foreach (var d in page.Items)
            {
                w.Add($"<tr data-discrepancy=\"{d.Id}\"><td>{d.Id}</td><td>{Format.Time(d.DetectedAt)}</td><td>{d.WarehouseId}</td><td class=\"mono\">{d.SkuCode}</td><td>{d.Type}</td>");
                w.Add($"<td class=\"num\">{Format.N(d.InventoryQty)}</td><td class=\"num\">{Format.N(d.WesQty)}</td><td class=\"num\">{d.Discrepancy:+#,0;-#,0;0}</td><td class=\"num\">{d.DiscrepancyPercent:0.##}</td>");
                w.Add($"<td class=\"small\">{d.InventoryLocation}{(d.InventoryLocation != d.WesLocation ? " → " + d.WesLocation : string.Empty)}</td><td>{d.Status}</td><td>");
                if (d.Status == DiscrepancyStatus.Open)
                {
                    w.Add($"<form class=\"inline\" method=\"post\" action=\"{r.Base}/discrepancies/{d.Id}/resolve\">{r.AntiforgeryField()}<input type=\"hidden\" name=\"returnUrl\" value=\"{self}\"><input name=\"note\" maxlength=\"500\" placeholder=\"note\" aria-label=\"Note for discrepancy {d.Id}\"><button type=\"submit\">Resolve</button></form>");
                }
                else
                {
                    w.Add($"<span class=\"small\">by {d.ResolvedBy} at {Format.Time(d.ResolvedAt)}</span>");
                    if (d.Note is { Length: > 0 })
                    {
                        w.Add($"<div class=\"small muted note\">{d.Note}</div>");
                    }
                }

                w.Add($"</td></tr>");
            }

            w.Add($"</tbody></table><div class=\"pager\">");
            if (f.BeforeId is not null)
            {
                w.Add($"<a href=\"{r.Base}/discrepancies{f.QueryString(null)}\">← Newest</a>");
            }

            if (page.NextBeforeId is { } next)
            {
                w.Add($"<a href=\"{r.Base}/discrepancies{f.QueryString(next)}\">Older →</a>");
            }

            w.Add($"</div>");
        }

        w.Add($"</section>");
        return Layout(r, "Discrepancy report", "report", w);
    }

    private static Markup Delta(long? previous, long current)
    {
        if (previous is not { } p)
        {
            return new Markup("<td class=\"num muted\">—</td>");
        }

        var diff = current - p;
        var css = diff > 0 ? "delta-up" : diff < 0 ? "delta-down" : "muted";
        var pct = p == 0 ? (diff == 0 ? "0%" : "new") : ((double)diff / p).ToString("+0%;-0%;0%", System.Globalization.CultureInfo.InvariantCulture);
        var text = diff.ToString("+#,0;-#,0;0", System.Globalization.CultureInfo.InvariantCulture) + " (" + pct + ")";
        return new Markup($"<td class=\"num {css}\" data-col=\"delta\">{HtmlWriter.Encode(text)}</td>");
    }
}
