using Orchestrator.Alerts;
using Orchestrator.Notifications.Internal;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Slack;
using Orchestrator.Testing;

namespace Orchestrator.Notifications.Tests;

public sealed class SlackNotifierTests : IAsyncLifetime
{
    private readonly DrivenClock _clock = new() { AutoAdvanceLimit = TimeSpan.FromSeconds(5) };
    private readonly ListLogger<SlackNotifier> _log = new();
    private readonly HttpClient _http = new();
    private SandboxServer _sandbox = null!;

    private SlackSandbox Slack => _sandbox.Slack;

    public async ValueTask InitializeAsync() => _sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = _clock }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _clock.Dispose();
        await _sandbox.DisposeAsync();
    }

    private Uri Webhook => Slack.WebhookUrl;

    private SlackNotifier Create(Action<SlackNotifierOptions>? configure = null, Uri? webhook = null)
    {
        var options = new SlackNotifierOptions { WebhookUrl = webhook ?? Webhook };
        configure?.Invoke(options);
        return new SlackNotifier(AlertRoutes.Slack, () => _http, options, _clock, _log);
    }

    [Fact]
    public async Task SendAsync_BurstOf500LowStockAlerts_FewMessagesWithinSlackLimits()
    {
        using var notifier = Create();

        var result = await _clock.RunAsync(() => notifier.SendAsync(TestAlerts.LowBurst(500), CancellationToken.None));

        Assert.Equal(new NotificationResult(500, 0, 5), result);
        Assert.Equal(5, Slack.Messages.Count);
        Assert.Equal(0, Slack.RateLimit.RefusedCount);
        var times = Slack.AcceptedAt;
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1)));
        var lines = 0;
        foreach (var message in Slack.Messages)
        {
            var blocks = message.GetProperty("blocks");
            Assert.InRange(blocks.GetArrayLength(), 3, 50);
            foreach (var section in blocks.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "section"))
            {
                var text = section.GetProperty("text").GetProperty("text").GetString()!;
                Assert.InRange(text.Length, 1, 3000);
                lines += text.Split('\n').Length;
            }
        }

        Assert.Equal(500, lines);
    }

    [Fact]
    public async Task SendAsync_AlertsLongerThanASection_SplitIntoSectionsUnder3000Chars()
    {
        using var notifier = Create(o => o.MaxAlertsPerMessage = 500);
        var alerts = Enumerable.Range(0, 300)
            .Select(i => TestAlerts.Low($"SKU-{i}") with { Message = new string('x', 400) })
            .ToList();

        var result = await _clock.RunAsync(() => notifier.SendAsync(alerts, CancellationToken.None));

        Assert.Equal(300, result.Delivered);
        Assert.All(Slack.Messages, m => Assert.InRange(m.GetProperty("blocks").GetArrayLength(), 3, 50));

        // ~430 chars a line: 6 lines fit a 3,000-char section, 48 sections a message, so 288 lines a message.
        Assert.Equal(2, result.Messages);
        Assert.Equal(48, Slack.Messages[0].GetProperty("blocks").GetArrayLength() - 2);
    }

    [Fact]
    public async Task SendAsync_RateLimitedWith429_WaitsRetryAfterAndDelivers()
    {
        using var notifier = Create(o => o.MinInterval = TimeSpan.Zero);
        var alerts = new List<Alert> { TestAlerts.Critical("A"), TestAlerts.Low("B"), TestAlerts.Of(AlertKind.SyncFailure, null) };

        var result = await _clock.RunAsync(() => notifier.SendAsync(alerts, CancellationToken.None));

        Assert.Equal(new NotificationResult(3, 0, 3), result);
        Assert.True(Slack.RateLimit.RefusedCount >= 2);
        var times = Slack.AcceptedAt;
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task SendAsync_ServerErrorsThenOk_RetriedAndDelivered()
    {
        using var notifier = Create(o => o.RetryDelay = TimeSpan.FromMilliseconds(100));
        Slack.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = 2 });

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(new NotificationResult(1, 0, 1), result);
        Assert.Equal(3, Slack.Requests);
    }

    [Fact]
    public async Task SendAsync_WebhookHangs_TimesOutOnTheClockRetriesAndDelivers()
    {
        using var notifier = Create(o => o.RetryDelay = TimeSpan.FromMilliseconds(100));
        Slack.Faults.Add(new FaultRule(SandboxFaultKind.Hang) { Delay = TimeSpan.FromMinutes(10) });

        var call = _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));
        await Slack.RequestArrived.WaitAsync(TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var result = await call;

        Assert.Equal(new NotificationResult(1, 0, 1), result);
        Assert.Equal(2, Slack.Requests);
    }

    [Fact]
    public async Task SendAsync_WebhookKeepsFailing_ReportsFailureWithoutThrowingOrLeakingTheUrl()
    {
        using var notifier = Create(o =>
        {
            o.MaxRetries = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
        });
        Slack.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = int.MaxValue });

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A"), TestAlerts.Low("B")], CancellationToken.None));

        Assert.Equal(0, result.Delivered);
        Assert.Equal(2, result.Failed);
        Assert.Contains("500", result.Error, StringComparison.Ordinal);
        Assert.Equal(6, Slack.Requests);
        AssertNoSecret(result.Error);
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanAllowed_FailsWithoutWaiting()
    {
        using var notifier = Create(o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));
        Slack.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { RetryAfter = TimeSpan.FromMinutes(5) });

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(new NotificationResult(0, 1, 0, "Slack answered 429 rate_limited"), result);
        Assert.Equal(1, Slack.Requests);
        Assert.Equal(TimeSpan.Zero, _clock.Waited);
    }

    [Fact]
    public async Task SendAsync_RevokedWebhook_ReportsMisconfigurationAndStopsSending()
    {
        using var notifier = Create(webhook: new Uri(_sandbox.BaseAddress, "slack/services/T0/B0/revoked"));
        var alerts = new List<Alert> { TestAlerts.Critical("A"), TestAlerts.Low("B"), TestAlerts.Of(AlertKind.Overstock) };

        var result = await _clock.RunAsync(() => notifier.SendAsync(alerts, CancellationToken.None));

        Assert.Equal(new NotificationResult(0, 3, 0, "Slack answered 404 no_service"), result);
        Assert.Equal(1, Slack.Requests);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_NothingListening_ReportsFailureWithoutThrowing()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePort()}/slack/services/T0SANDBOX/B0SANDBOX/sandboxWebhookSecret0001");
        using var notifier = Create(
            o =>
            {
                o.MaxRetries = 1;
                o.RetryDelay = TimeSpan.FromMilliseconds(100);
            },
            closed);

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(1, result.Failed);
        Assert.StartsWith("post a Slack message: connection failed", result.Error, StringComparison.Ordinal);
        AssertNoSecret(result.Error);
    }

    [Fact]
    public async Task SendAsync_Message_IsBlockKitWithHeaderSectionAndFallbackText()
    {
        using var notifier = Create(o => o.DashboardUrl = new Uri("https://ops.example.com/dashboard"));

        await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A<1>")], CancellationToken.None));

        var message = Assert.Single(Slack.Messages);
        Assert.Contains("HIGH", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = message.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["header", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Contains("A&lt;1&gt;", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("https://ops.example.com/dashboard", blocks[2].GetRawText(), StringComparison.Ordinal);
    }

    private void AssertNoSecret(string? error)
    {
        Assert.DoesNotContain("sandboxWebhookSecret0001", error ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("sandboxWebhookSecret0001", StringComparison.Ordinal));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
