using System.Globalization;
using Microsoft.Playwright;
using Orchestrator.Dashboard.Tests.Infrastructure;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The dashboard in real headless Chromium against a real Kestrel port and a seeded SQLite store.</summary>
public sealed class BrowserTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operator_LogsIn_ReadsEveryPage_AndResolvesADiscrepancy()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var app = await DashboardTestApp.CreateAsync();
        var (web, baseAddress) = await app.StartKestrelAsync();
        await using var ___ = web;
        var shots = Browser.ScreenshotFolder();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        var scriptErrors = new List<string>();
        page.PageError += (_, error) => scriptErrors.Add(error);

        // 1. Login: an unauthenticated visit lands on the login page.
        await page.GotoAsync("/orchestrator/");
        Assert.Contains("/orchestrator/login", page.Url, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-login.png"), FullPage = true });
        await page.FillAsync("#apiKey", DashboardTestApp.ApiKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/orchestrator/");

        // 2. Overview: the figures are the store's.
        var summary = await app.Storage.DiscrepancyLog.SummarizeByDayAsync(
            DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-6), DateOnly.FromDateTime(DateTime.UtcNow), null, Ct);
        foreach (var wh in new[] { "WH1", "WH2" })
        {
            var rows = summary.Where(s => s.WarehouseId == wh).ToList();
            await Expect(page.Locator($"[data-live='disc.{wh}.total.open']")).ToHaveTextAsync(N(rows.Sum(r => r.Open)));
            await Expect(page.Locator($"[data-live='disc.{wh}.total.detected']")).ToHaveTextAsync(N(rows.Sum(r => r.Detected)));
            await Expect(page.Locator($"[data-live='disc.{wh}.total.units']")).ToHaveTextAsync(N(rows.Sum(r => r.AbsoluteUnits)));
        }

        Assert.Equal(N(KnownData.Wh1Open), await page.Locator("[data-live='disc.WH1.total.open']").TextContentAsync());
        var queue = await app.Storage.PendingSync.CountByStateAsync(Ct);
        await Expect(page.Locator("[data-live='queue.Pending']")).ToHaveTextAsync(N(queue[PendingSyncState.Pending]));
        await Expect(page.Locator("[data-live='queue.DeadLettered']")).ToHaveTextAsync(N(queue[PendingSyncState.DeadLettered]));
        await Expect(page.Locator("[data-live='orders.New']")).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-live='tasks.open']")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-live='pauses.count']")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-live='run.run-good.accuracy']")).ToHaveClassAsync("num kpi-ok");
        await Expect(page.Locator("[data-live='run.run-bad.accuracy']")).ToHaveClassAsync("num kpi-bad");
        await Expect(page.Locator("[data-live='run.run-bad.duration']")).ToHaveTextAsync("4 min 00 s");
        await Expect(page.Locator("[data-live='run.run-error.state']")).ToHaveTextAsync("Error");
        var channels = await app.Storage.SyncRuns.CountItemsAsync("run-bad", Ct);
        foreach (var c in channels)
        {
            await Expect(page.Locator($"[data-live='chan.{c.Channel}.{c.Status}']")).ToHaveTextAsync(N(c.Count));
        }

        Assert.Equal(3, channels.Sum(c => c.Count));

        // The figures update without a reload: a new detection in WH1 shows within a few polls.
        await app.Storage.DiscrepancyLog.AppendAsync([new StockDiscrepancy("tx-live", DiscrepancyType.Quantity, "SKU-L", "WH1", 1, 3, DateTimeOffset.UtcNow)], Ct);
        await Expect(page.Locator("[data-live='disc.WH1.total.open']")).ToHaveTextAsync(N(KnownData.Wh1Open + 1), new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-overview.png"), FullPage = true });

        // 3. Run detail: how each target was computed.
        await page.ClickAsync("a[href$='/runs/run-good']");
        await page.WaitForURLAsync("**/runs/run-good");
        await Expect(page.Locator("#items")).ToContainTextAsync("on hand 10 − reserved 3 = 7");
        await Expect(page.Locator("#items")).ToContainTextAsync("paused <b>SKU</b>");
        await Expect(page.Locator("#items tbody tr")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-run-detail.png"), FullPage = true });

        // 4. Report: day over day and rows; resolve SKU-B through the page.
        await page.GotoAsync("/orchestrator/discrepancies?warehouse=WH1");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var yesterday = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Expect(page.Locator($"tr[data-day='{yesterday}'] [data-col=detected]")).ToHaveTextAsync("1");
        await Expect(page.Locator($"tr[data-day='{today}'] [data-col=detected]")).ToHaveTextAsync("6");
        await Expect(page.Locator($"tr[data-day='{today}'] [data-col=delta]").First).ToHaveTextAsync("+5 (+500%)");
        var skuB = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-B"), Ct)).Items.Single();
        var row = page.Locator($"tr[data-discrepancy='{skuB.Id}']");
        await row.Locator("input[name=note]").FillAsync("recounted: WES right");
        await row.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-notice=resolved]")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-discrepancy='{skuB.Id}']")).ToContainTextAsync("by " + DashboardTestApp.User);
        var stored = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-B"), Ct)).Items.Single();
        Assert.Equal(DiscrepancyStatus.Resolved, stored.Status);
        Assert.Equal(DashboardTestApp.User, stored.ResolvedBy);
        Assert.Equal("recounted: WES right", stored.Note);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-report.png"), FullPage = true });

        // The SKU holding a script tag is shown as text in WH2's report, never run.
        await page.GotoAsync("/orchestrator/discrepancies?warehouse=WH2");
        await Expect(page.Locator("#rows")).ToContainTextAsync(KnownData.XssSku);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "dashboard-report-wh2.png"), FullPage = true });

        Assert.Equal(0, dialogs);
        Assert.Empty(scriptErrors);
    }

    [Fact]
    public async Task Operator_RecordsACount_AndResumesASku_ThroughTheOverview()
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var app = await DashboardTestApp.CreateAsync();
        var (web, baseAddress) = await app.StartKestrelAsync();
        await using var ___ = web;
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseAddress.ToString() });
        await page.GotoAsync("/orchestrator/login");
        await page.FillAsync("#apiKey", DashboardTestApp.ApiKey);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync("**/orchestrator/");

        var task = page.Locator($"tr[data-task='{app.TaskId}']");
        await task.Locator("input[name=counted]").FillAsync("8");
        await task.Locator("button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-notice=counted]")).ToBeVisibleAsync();
        await page.Locator("#pauses button[type=submit]").ClickAsync();
        await Expect(page.Locator("[data-notice=resumed]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder(), "dashboard-after-actions.png"), FullPage = true });

        var stored = await app.Storage.ReconciliationTasks.GetAsync(app.TaskId, Ct);
        Assert.Equal((ReconciliationTaskStatus.Counted, 8, DashboardTestApp.User), (stored!.Status, stored.CountedQty, stored.CountedBy));
        Assert.Equal(["count-recorded"], app.Triggers!.Reconciliations);
        Assert.Empty(await app.Storage.AllocationPauses.ListAsync(null, Ct));
        Assert.Equal(("resume", "SKU-B"), app.Triggers.ChannelSyncs.Select(s => (s.Reason, s.Skus!.Single())).Single());
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
