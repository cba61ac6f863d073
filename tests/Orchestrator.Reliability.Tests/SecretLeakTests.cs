using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox.Faults;
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
