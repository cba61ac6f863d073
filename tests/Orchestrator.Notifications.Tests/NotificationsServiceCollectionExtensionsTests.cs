using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Alerts;
using Orchestrator.Sandbox;
using Orchestrator.Testing;

namespace Orchestrator.Notifications.Tests;

public sealed class NotificationsServiceCollectionExtensionsTests
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var slack = new SlackNotifierOptions();
        var kakao = new KakaoTalkNotifierOptions();
        var dispatcher = new AlertDispatcherOptions();

        Assert.Equal(TimeSpan.FromSeconds(1), slack.MinInterval);
        Assert.Equal(100, slack.MaxAlertsPerMessage);
        Assert.Equal(3, slack.MaxRetries);
        Assert.Equal(new Uri("https://kapi.kakao.com"), kakao.ApiBaseUrl);
        Assert.Equal(new Uri("https://kauth.kakao.com"), kakao.AuthBaseUrl);
        Assert.Same(AlertRoutes.Default, dispatcher.Routes);
        Assert.Equal(TimeSpan.FromHours(6), dispatcher.QuietPeriod);
    }

    [Fact]
    public void AddSlackNotifier_NoWebhook_FailsValidation()
    {
        using var sp = new ServiceCollection().AddSlackNotifier(_ => { }).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(AlertRoutes.Slack));

        Assert.Contains("WebhookUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlackNotifier_PlainHttpWebhook_FailsValidationWithoutEchoingTheUrl()
    {
        using var sp = new ServiceCollection()
            .AddSlackNotifier(o => o.WebhookUrl = new Uri("http://hooks.slack.com/services/T1/B1/SECRETPART"))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(AlertRoutes.Slack));

        Assert.Contains("must use HTTPS", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRETPART", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlackNotifier_OutOfRangeValues_FailValidation()
    {
        using var sp = new ServiceCollection()
            .AddSlackNotifier(o =>
            {
                o.WebhookUrl = new Uri("https://hooks.slack.com/services/T1/B1/X");
                o.MaxAlertsPerMessage = 0;
                o.MaxRetries = 11;
            })
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(AlertRoutes.Slack));

        Assert.Contains("MaxAlertsPerMessage", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSlackNotifier_DuplicateTarget_Throws()
    {
        var services = new ServiceCollection().AddSlackNotifier(o => o.WebhookUrl = new Uri("https://hooks.slack.com/services/T1/B1/X"));

        Assert.Throws<InvalidOperationException>(() => services.AddSlackNotifier(o => o.WebhookUrl = new Uri("https://hooks.slack.com/services/T1/B1/Y")));
    }

    [Fact]
    public void AddSlackNotifier_UnknownConfigurationKey_FailsBinding()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:WebhookUrl"] = "https://hooks.slack.com/services/T1/B1/X",
            ["Slack:MinIntervall"] = "00:00:02",
        }).Build();
        using var sp = new ServiceCollection().AddSlackNotifier(config.GetSection("Slack")).BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(AlertRoutes.Slack));
    }

    [Fact]
    public void AddSlackNotifier_MissingSection_Throws()
    {
        var config = new ConfigurationBuilder().Build();

        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddSlackNotifier(config.GetSection("Slack")));
    }

    [Fact]
    public void AddAlertDispatcher_DuplicateRoute_FailsValidation()
    {
        using var sp = new ServiceCollection()
            .AddAlertDispatcher(o => o.Routes = [AlertRoutes.For(AlertKind.LowStock), AlertRoutes.For(AlertKind.LowStock)])
            .BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<AlertDispatcherOptions>>().Value);
    }

    [Fact]
    public async Task AddAlertDispatcher_WithSlackAndKakaoOverLoopback_RoutesCriticalToBothAndLowToSlackOnly()
    {
        using var clock = new DrivenClock { AutoAdvanceLimit = TimeSpan.FromSeconds(5) };
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = clock }, TestContext.Current.CancellationToken);
        var slack = sandbox.Slack;
        var kakao = sandbox.Kakao;
        kakao.IssueAccessToken("access-1", clock.GetUtcNow().AddHours(6));
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("access-1", "refresh-1", clock.GetUtcNow().AddHours(6))))
            .AddSlackNotifier(o => o.WebhookUrl = slack.WebhookUrl)
            .AddKakaoTalkNotifier(o =>
            {
                o.ApiBaseUrl = kakao.ApiBaseAddress;
                o.AuthBaseUrl = kakao.AuthBaseAddress;
                o.ClientId = kakao.ClientId;
                o.LinkUrl = new Uri("https://ops.example.com/");
            })
            .AddAlertDispatcher();
        await using var sp = services.BuildServiceProvider();
        var dispatcher = sp.GetRequiredService<IAlertDispatcher>();
        var alerts = new List<Alert> { TestAlerts.Critical("A"), TestAlerts.Critical("B") };
        alerts.AddRange(TestAlerts.LowBurst(300));

        var result = await clock.RunAsync(() => dispatcher.DispatchAsync(alerts, CancellationToken.None));

        Assert.True(result.AllDelivered);
        Assert.Equal(new NotificationResult(302, 0, 4), result.Targets[AlertRoutes.Slack]);
        Assert.Equal(new NotificationResult(2, 0, 1), result.Targets[AlertRoutes.KakaoTalk]);
        Assert.Equal(4, slack.Messages.Count);
        Assert.Single(kakao.Memos);
        Assert.Equal(0, slack.RateLimit.RefusedCount);
    }
}
