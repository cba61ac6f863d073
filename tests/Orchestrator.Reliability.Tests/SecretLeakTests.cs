using System.Net;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Warehouse;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// Runs everything the packages do against the sandbox with its credentials (Coupang keys, Naver and Cafe24 client secrets and
/// tokens, the WES API key, the Slack webhook secret, Kakao tokens), with faults that make them fail and bad answers that make
/// them throw, captures every log line at Trace and every exception and result, and looks for each secret in all of it.
/// </summary>
public sealed class SecretLeakTests
{
    [Fact]
    public async Task A_full_sandbox_run_with_faults_shows_no_secret_in_any_log_line_exception_or_result()
    {
        await using var rig = await Rig.StartAsync();
        BadInputCorpusTests.SeedOrders(rig);
        var texts = new List<string>();
        var ct = TestContext.Current.CancellationToken;

        // Failures everywhere, so error paths (which carry request details) run too.
        rig.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = 2 });
        rig.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 401, Times = 1, Skip = 5 });
        rig.Sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { Times = 2, RetryAfter = TimeSpan.FromMilliseconds(10) });
        rig.Sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { Times = 1 });
        rig.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = 1 });
        rig.Sandbox.Slack.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = 1 });

        var sync = rig.Workflow();
        for (var run = 0; run < 3; run++)
        {
            texts.Add((await sync.RunAsync("schedule", ct)).ToString());
        }

        var worker = new PendingSyncWorker(rig.Channels.Select(c => c.Adapter), rig.Storage.PendingSync, new PendingSyncWorkerOptions(), rig.Wes, logger: rig.Loggers.CreateLogger<PendingSyncWorker>());
        texts.Add((await worker.RunOnceAsync(ct)).ToString());
        texts.Add((await worker.PushToWesAsync(new WesStockUpdate("secret-scan-1", Rig.Warehouse, "SKU-00002", 11), ct)).ToString());

        var reconciliation = new WesReconciliationWorkflow(rig.Wes, new WesReconciliationStores(rig.Storage.Inventory, rig.Storage.DiscrepancyLog, rig.Storage.ReconciliationTasks, rig.Storage.AllocationPauses, rig.Storage.PendingSync, rig.Storage.SyncRuns),
            new WesReconciliationOptions { WarehouseId = Rig.Warehouse }, alerts: rig.Alerts, logger: rig.Loggers.CreateLogger<WesReconciliationWorkflow>());
        texts.Add((await reconciliation.RunAsync("schedule", ct)).ToString());

        foreach (var source in new IOrderSource[] { rig.Coupang, rig.Naver, rig.Cafe24 })
        {
            var pipeline = new OrderIntakePipeline(source, rig.Storage.OrderBuffer, rig.Storage.JobLocks, rig.Storage.Watermarks, new FlowA(), new OrderIntakeOptions { Owner = "scan", InitialLookBack = TimeSpan.FromHours(3) },
                logger: rig.Loggers.CreateLogger<OrderIntakePipeline>());
            texts.AddRange((await pipeline.PollAllAsync(ct)).Select(r => r.ToString()));
        }

        texts.Add((await rig.Alerts.DispatchAsync([new Alert(AlertKind.SyncFailure, AlertSeverity.High, "scan", "secret scan alert", DateTimeOffset.UtcNow)], ct)).ToString());

        // Every call once with a malformed answer: the exceptions quote what they received.
        foreach (var operation in Operation.All)
        {
            rig.Proxy.Rewrite = (method, path, body) => operation.Answers(method, path) ? BadBodies.All[0].Make(body) : null;
            var (_, error) = await Outcomes.RunAsync(rig, operation);
            rig.Proxy.Rewrite = null;
            texts.Add(error?.ToString() ?? string.Empty);
        }

        // Planting a secret on purpose (ORCHESTRATOR_PLANT_SECRET=1) must make this test fail.
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_PLANT_SECRET") == "1")
        {
            rig.Loggers.CreateLogger("plant").Log(LogLevel.Debug, default, rig.Sandbox.Coupang.SecretKey, null, (state, _) => "planted " + state);
        }

        var lines = rig.Capture.Lines.ToList();
        Assert.True(lines.Count > 30, $"only {lines.Count} log lines were captured; the scan would prove little");
        Assert.Contains(lines, l => l.StartsWith("Debug", StringComparison.Ordinal) || l.StartsWith("Trace", StringComparison.Ordinal));
        var leaks = Scan(rig.Secrets, lines.Concat(texts));
        TestContext.Current.TestOutputHelper?.WriteLine($"secret scan: {rig.Secrets.Count} secrets, {lines.Count} log lines, {texts.Count} results and exceptions, {leaks.Count} leaks");
        Assert.True(leaks.Count == 0, "secrets leaked:" + Environment.NewLine + string.Join(Environment.NewLine, leaks.Take(10)));
    }

    [Fact]
    public async Task The_dashboard_pages_and_api_of_a_host_configured_with_the_secrets_show_none()
    {
        await using var rig = await Rig.StartAsync();
        BadInputCorpusTests.SeedOrders(rig);
        var ct = TestContext.Current.CancellationToken;

        // Data for every page: sync runs (one failed), discrepancies and reconciliation tasks, buffered orders.
        rig.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 401, Times = 3 });
        for (var run = 0; run < 2; run++)
        {
            await rig.Workflow().RunAsync("schedule", ct);
        }

        await new WesReconciliationWorkflow(rig.Wes, new WesReconciliationStores(rig.Storage.Inventory, rig.Storage.DiscrepancyLog, rig.Storage.ReconciliationTasks, rig.Storage.AllocationPauses, rig.Storage.PendingSync, rig.Storage.SyncRuns),
            new WesReconciliationOptions { WarehouseId = Rig.Warehouse }, alerts: rig.Alerts, logger: rig.Loggers.CreateLogger<WesReconciliationWorkflow>()).RunAsync("schedule", ct);
        await new OrderIntakePipeline(rig.Coupang, rig.Storage.OrderBuffer, rig.Storage.JobLocks, rig.Storage.Watermarks, new FlowA(), new OrderIntakeOptions { Owner = "scan", InitialLookBack = TimeSpan.FromHours(3) }).PollAllAsync(ct);

        // Planting a secret on purpose (ORCHESTRATOR_PLANT_SECRET=1) puts the Coupang secret key into a run's error, which the pages show.
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_PLANT_SECRET") == "1")
        {
            var now = DateTimeOffset.UtcNow;
            await rig.Storage.SyncRuns.StartAsync(new SyncRun("planted-run", "channel-sync", "manual", SyncRunState.Collecting, now, now), ct);
            await rig.Storage.SyncRuns.SetStateAsync("planted-run", SyncRunState.Error, now, "planted " + rig.Sandbox.Coupang.SecretKey, ct);
        }

        // A host as a merchant configures it, with every credential of the run, on the same store.
        var configuration = ConfiguredHost.Valid(rig.Folder);
        configuration["Connections:Storage:ConnectionString"] = $"Data Source={Path.Combine(rig.Folder, "o.db")}";
        configuration["Connections:Wes:BaseAddress"] = rig.Proxy.Behind(rig.Sandbox.Wes.BaseAddress).ToString();
        configuration["Connections:Wes:ApiKey"] = rig.Sandbox.Wes.ApiKey;
        configuration["Connections:Channels:coupang:BaseAddress"] = rig.Proxy.Behind(rig.Sandbox.Coupang.BaseAddress).ToString();
        configuration["Connections:Channels:coupang:VendorId"] = rig.Sandbox.Coupang.VendorId;
        configuration["Connections:Channels:coupang:AccessKey"] = rig.Sandbox.Coupang.AccessKey;
        configuration["Connections:Channels:coupang:SecretKey"] = rig.Sandbox.Coupang.SecretKey;
        configuration["Connections:Channels:naver:BaseAddress"] = rig.Proxy.Behind(rig.Sandbox.Naver.BaseAddress).ToString();
        configuration["Connections:Channels:naver:ClientId"] = rig.Sandbox.Naver.ClientId;
        configuration["Connections:Channels:naver:ClientSecret"] = rig.Sandbox.Naver.ClientSecret;
        configuration["Connections:Channels:cafe24:BaseAddress"] = rig.Proxy.Behind(rig.Sandbox.Cafe24.BaseAddress).ToString();
        configuration["Connections:Channels:cafe24:MallId"] = rig.Sandbox.Cafe24.MallId;
        configuration["Connections:Channels:cafe24:ClientId"] = rig.Sandbox.Cafe24.ClientId;
        configuration["Connections:Channels:cafe24:ClientSecret"] = rig.Sandbox.Cafe24.ClientSecret;
        configuration["Connections:Channels:cafe24:TokenDirectory"] = Path.Combine(rig.Folder, "cafe24");
        configuration["Connections:Slack:WebhookUrl"] = rig.Proxy.Behind(rig.Sandbox.Slack.WebhookUrl).ToString();
        configuration["Connections:KakaoTalk:ApiBaseUrl"] = rig.Proxy.Behind(rig.Sandbox.Kakao.ApiBaseAddress).ToString();
        configuration["Connections:KakaoTalk:AuthBaseUrl"] = rig.Proxy.Behind(rig.Sandbox.Kakao.AuthBaseAddress).ToString();
        var secrets = rig.Secrets.Concat(ConfiguredHost.Secrets(configuration)).Append("kakao-access-token-1a2b3c4d").Append("kakao-refresh-token-5e6f7a8b").Distinct(StringComparer.Ordinal).ToList();

        var logs = new CapturingLoggerProvider();
        var listings = Path.Combine(rig.Folder, "listings.csv");
        await File.WriteAllTextAsync(listings, "sku_code,channel,listing_key\n", ct);
        await using var app = ConfiguredHost.Build(configuration, logs, listings);
        await app.StartAsync(ct);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ConfiguredHost.DashboardKey);

        var runs = await rig.Storage.SyncRuns.GetRecentAsync(50, ct);
        var paths = new List<string> { "/orchestrator/", "/orchestrator/api/overview", "/orchestrator/discrepancies", "/orchestrator/discrepancies?status=OPEN", "/orchestrator/discrepancies.csv", "/orchestrator/login", "/health" };
        paths.AddRange(runs.Select(r => "/orchestrator/runs/" + Uri.EscapeDataString(r.RunId)));
        var pages = new List<string>();
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{path}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            pages.Add($"{path} {response.Headers} {response.Content.Headers} {body}");
        }

        await app.StopAsync(ct);

        // The pages must show the data, or the scan proves little.
        Assert.True(runs.Count >= 3, $"only {runs.Count} runs");
        Assert.Contains(pages, p => p.StartsWith("/orchestrator/discrepancies.csv", StringComparison.Ordinal) && p.Contains("SKU-", StringComparison.Ordinal));
        Assert.Contains(pages, p => p.StartsWith("/orchestrator/runs/", StringComparison.Ordinal) && p.Contains("coupang", StringComparison.Ordinal));
        var lines = logs.Lines.ToList();
        var leaks = Scan(secrets, pages.Concat(lines));
        TestContext.Current.TestOutputHelper?.WriteLine($"dashboard secret scan: {secrets.Count} secrets, {pages.Count} pages and API answers ({pages.Sum(p => p.Length):N0} chars), {lines.Count} host log lines, {leaks.Count} leaks");
        Assert.True(leaks.Count == 0, "secrets leaked:" + Environment.NewLine + string.Join(Environment.NewLine, leaks.Take(10)));
    }

    [Fact]
    public void The_scan_finds_a_secret_wherever_it_is_in_a_line()
    {
        var leaks = Scan(["s3cr3t-value"], ["Information x[0] nothing here", "Debug y[1] header Authorization: s3cr3t-value-and-more"]);

        Assert.Single(leaks);
    }

    internal static List<string> Scan(IReadOnlyList<string> secrets, IEnumerable<string> texts)
    {
        var leaks = new List<string>();
        foreach (var text in texts)
        {
            foreach (var secret in secrets.Where(s => s.Length >= 6))
            {
                if (text.Contains(secret, StringComparison.Ordinal) || text.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal))
                {
                    leaks.Add($"secret {secret[..3]}… in: {(text.Length > 300 ? text[..300] + "…" : text)}");
                }
            }
        }

        return leaks;
    }

    private sealed class FlowA : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => FlowType.A;
    }
}
