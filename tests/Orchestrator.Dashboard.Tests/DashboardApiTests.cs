using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Dashboard.Tests.Infrastructure;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;

namespace Orchestrator.Dashboard.Tests;

public sealed class DashboardApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OverviewJson_ReportsTheStoreFigures()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var json = JsonDocument.Parse(await client.GetStringAsync("/orchestrator/api/overview", Ct));
        var live = json.RootElement.GetProperty("live");
        string Live(string key) => live.GetProperty(key).GetProperty("text").GetString()!;

        Assert.Equal(KnownData.Wh1Open.ToString(System.Globalization.CultureInfo.InvariantCulture), Live("disc.WH1.total.open"));
        Assert.Equal(KnownData.Wh1Detected.ToString(System.Globalization.CultureInfo.InvariantCulture), Live("disc.WH1.total.detected"));
        Assert.Equal(KnownData.Wh1Units.ToString(System.Globalization.CultureInfo.InvariantCulture), Live("disc.WH1.total.units"));
        Assert.Equal("3", Live("disc.WH1.Quantity.open"));
        Assert.Equal("4", Live("disc.WH1.Quantity.detected"));
        Assert.Equal(KnownData.Wh2Units.ToString(System.Globalization.CultureInfo.InvariantCulture), Live("disc.WH2.total.units"));
        Assert.Equal("2", Live("queue.Pending"));
        Assert.Equal("1", Live("queue.DeadLettered"));
        Assert.Equal("3", Live("orders.New"));
        Assert.Equal("1", Live("tasks.open"));
        Assert.Equal("1", Live("pauses.count"));
        Assert.Equal("99.00%", Live("run.run-good.accuracy"));
        Assert.Equal("num kpi-ok", live.GetProperty("run.run-good.accuracy").GetProperty("css").GetString());
        Assert.Equal("num kpi-bad", live.GetProperty("run.run-bad.accuracy").GetProperty("css").GetString());
        Assert.Equal("num kpi-bad", live.GetProperty("run.run-bad.duration").GetProperty("css").GetString());
        Assert.Equal("num kpi-bad", live.GetProperty("run.run-bad.stockout").GetProperty("css").GetString());
        Assert.Equal("num kpi-bad", live.GetProperty("run.run-bad.api").GetProperty("css").GetString());
        Assert.Equal("Error", Live("run.run-error.state"));
        Assert.Equal("run-bad", json.RootElement.GetProperty("channelRun").GetString());
        Assert.Equal("1", Live("chan.coupang.Failed"));
        Assert.Equal("1", Live("chan.coupang.Succeeded"));
        Assert.Equal("1", Live("chan.naver.Succeeded"));
        Assert.Equal(4, json.RootElement.GetProperty("runs")[1].GetProperty("breaches").GetArrayLength());
    }

    [Fact]
    public async Task Pages_EncodeStoreText()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        var report = await client.GetStringAsync("/orchestrator/discrepancies?warehouse=WH2", Ct);
        var run = await client.GetStringAsync("/orchestrator/runs/run-good", Ct);
        var overview = await client.GetStringAsync("/orchestrator/", Ct);

        Assert.DoesNotContain("<script>alert", report, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", report, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", run, StringComparison.Ordinal);
        Assert.DoesNotContain("paused <b>SKU</b>", run, StringComparison.Ordinal);
        Assert.Contains("paused &lt;b&gt;SKU&lt;/b&gt;", run, StringComparison.Ordinal);
        Assert.Contains("on hand 10 − reserved 3 = 7", System.Net.WebUtility.HtmlDecode(run), StringComparison.Ordinal);
        Assert.DoesNotContain("<i>check</i>", overview, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunDetail_OfAnUnknownRun_Is404()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.GetAsync("/orchestrator/runs/%3Cnope%3E", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("&lt;nope&gt;", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_WithABadFilter_Is400WithTheReason()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.GetAsync("/orchestrator/discrepancies?from=yesterday&type=Nope", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("must be a date written yyyy-MM-dd", html, StringComparison.Ordinal);
        Assert.Contains("&#x27;type&#x27; must be one of", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_StreamsEveryMatchingRow_EscapedAndFormulaSafe()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.GetAsync("/orchestrator/discrepancies.csv", Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment;", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,transaction_id,type,warehouse_id,sku_code,inventory_qty,wes_qty,discrepancy,discrepancy_percent,explained_qty,inventory_location,wes_location,detected_at,status,resolved_by,resolved_at,note", lines[0]);
        Assert.Equal(KnownData.Wh1Detected + KnownData.Wh2Detected, lines.Length - 1);

        // The SKU "=1+2,"x"" is quoted (comma and quotes) and prefixed with an apostrophe, so a spreadsheet shows it as text.
        var formula = Assert.Single(lines, l => l.Contains("tx-9", StringComparison.Ordinal));
        Assert.Contains(",\"'=1+2,\"\"x\"\"\",3,4,1,", formula, StringComparison.Ordinal);
        var resolved = Assert.Single(lines, l => l.Contains(",SKU-C,", StringComparison.Ordinal));
        Assert.Contains(",Resolved,bob,", resolved, StringComparison.Ordinal);
        Assert.EndsWith(",'=cmd|' /C calc'!A0", resolved, StringComparison.Ordinal);
        Assert.Contains(",tx-2,Quantity,WH1,SKU-A,10,7,-3,30,0,,,", Assert.Single(lines, l => l.Contains(",tx-2,", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CsvExport_AppliesTheFilters()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        var csv = await client.GetStringAsync("/orchestrator/discrepancies.csv?warehouse=WH1&status=Open&type=Quantity", Ct);

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Contains(",Quantity,WH1,", r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains(",Open,", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_RecordsTheUserAndNoteInTheStore()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);
        var open = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-B"), Ct)).Items.Single();

        using var response = await client.PostAsync($"/orchestrator/discrepancies/{open.Id}/resolve", Form(("note", "recounted, WES right")), Ct);
        using var again = await client.PostAsync($"/orchestrator/discrepancies/{open.Id}/resolve", Form(("note", "twice")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var stored = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-B"), Ct)).Items.Single();
        Assert.Equal(DiscrepancyStatus.Resolved, stored.Status);
        Assert.Equal(DashboardTestApp.User, stored.ResolvedBy);
        Assert.Equal("recounted, WES right", stored.Note);
    }

    [Fact]
    public async Task RecordCount_StoresTheCount_AndRequestsAReconciliation()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.PostAsync($"/orchestrator/tasks/{app.TaskId}/count", Form(("counted", "8")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var task = await app.Storage.ReconciliationTasks.GetAsync(app.TaskId, Ct);
        Assert.Equal(ReconciliationTaskStatus.Counted, task!.Status);
        Assert.Equal(8, task.CountedQty);
        Assert.Equal(DashboardTestApp.User, task.CountedBy);
        Assert.Equal(["count-recorded"], app.Triggers!.Reconciliations);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task RecordCount_WithABadQuantity_Is400_AndChangesNothing(string counted)
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.PostAsync($"/orchestrator/tasks/{app.TaskId}/count", Form(("counted", counted)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ReconciliationTaskStatus.Open, (await app.Storage.ReconciliationTasks.GetAsync(app.TaskId, Ct))!.Status);
        Assert.Empty(app.Triggers!.Reconciliations);
    }

    [Fact]
    public async Task Resume_RemovesThePause_AndRequestsASyncOfThatSku()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.PostAsync("/orchestrator/pauses/resume", Form(("warehouse", "WH1"), ("sku", "SKU-B")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await app.Storage.AllocationPauses.ListAsync("WH1", Ct));
        var (reason, skus) = Assert.Single(app.Triggers!.ChannelSyncs);
        Assert.Equal("resume", reason);
        Assert.Equal(["SKU-B"], skus!);
    }

    [Fact]
    public async Task TriggerSync_RequestsAManualSync()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var response = await client.PostAsync("/orchestrator/sync", Form(), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("manual", (IReadOnlyCollection<string>?)null), Assert.Single(app.Triggers!.ChannelSyncs));
    }

    [Fact]
    public async Task WithoutTriggers_ActionsSaySo_AndTheStoreChangeStillHappens()
    {
        await using var app = await DashboardTestApp.CreateAsync(withTriggers: false);
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory);

        using var sync = await client.PostAsync("/orchestrator/sync", Form(), Ct);
        using var count = await client.PostAsync($"/orchestrator/tasks/{app.TaskId}/count", Form(("counted", "7")), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, sync.StatusCode);
        using (var json = JsonDocument.Parse(await sync.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal("no-triggers", json.RootElement.GetProperty("notice").GetString());
            Assert.Contains("IOrchestratorTriggers", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var json = JsonDocument.Parse(await count.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal("counted-no-trigger", json.RootElement.GetProperty("notice").GetString());
        }

        Assert.Equal(ReconciliationTaskStatus.Counted, (await app.Storage.ReconciliationTasks.GetAsync(app.TaskId, Ct))!.Status);
    }

    [Fact]
    public async Task BrowserFormPost_RedirectsBackWithANotice()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = await Clients.LoggedInAsync(factory, Ct);
        var page = await client.GetStringAsync("/orchestrator/", Ct);

        using var response = await client.PostAsync("/orchestrator/pauses/resume", Form(("__RequestVerificationToken", Clients.Token(page)), ("warehouse", "WH1"), ("sku", "SKU-B"), ("returnUrl", "https://evil.example/")), Ct);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/orchestrator/?notice=resumed", response.Headers.Location?.OriginalString);
        Assert.Empty(await app.Storage.AllocationPauses.ListAsync(null, Ct));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields)
        => new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
