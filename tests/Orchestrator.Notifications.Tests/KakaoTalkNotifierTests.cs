using Orchestrator.Alerts;
using Orchestrator.Notifications.Internal;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Kakao;
using Orchestrator.Testing;

namespace Orchestrator.Notifications.Tests;

public sealed class KakaoTalkNotifierTests : IAsyncLifetime
{
    private readonly DrivenClock _clock = new() { AutoAdvanceLimit = TimeSpan.FromSeconds(5) };
    private readonly ListLogger<KakaoTalkNotifier> _log = new();
    private readonly HttpClient _http = new();
    private SandboxServer _sandbox = null!;

    private KakaoSandbox Kakao => _sandbox.Kakao;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = _clock }, TestContext.Current.CancellationToken);
        Kakao.IssueRefreshToken("refresh-1");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _clock.Dispose();
        await _sandbox.DisposeAsync();
    }

    private KakaoTalkNotifier Create(IKakaoTokenStore store) => new(
        AlertRoutes.KakaoTalk,
        () => _http,
        new KakaoTalkNotifierOptions { ApiBaseUrl = Kakao.ApiBaseAddress, AuthBaseUrl = Kakao.AuthBaseAddress, ClientId = Kakao.ClientId, LinkUrl = new Uri("https://ops.example.com/"), RetryDelay = TimeSpan.FromMilliseconds(100) },
        store,
        _clock,
        _log);

    [Fact]
    public async Task SendAsync_ManyCriticalAlerts_OneTextMemoWithin200Chars()
    {
        Kakao.IssueAccessToken("access-1", _clock.GetUtcNow().AddHours(6));
        using var notifier = Create(new InMemoryKakaoTokenStore(new KakaoTokens("access-1", "refresh-1", _clock.GetUtcNow().AddHours(6))));
        var alerts = Enumerable.Range(0, 40).Select(i => TestAlerts.Critical($"SKU-{i:D3}")).ToList();

        var result = await _clock.RunAsync(() => notifier.SendAsync(alerts, CancellationToken.None));

        Assert.Equal(new NotificationResult(40, 0, 1), result);
        var memo = Assert.Single(Kakao.Memos);
        var text = memo.GetProperty("text").GetString()!;
        Assert.InRange(text.Length, 20, 200);
        Assert.StartsWith("[HIGH] 재고 Critical 40건", text, StringComparison.Ordinal);
        Assert.Contains("외", text, StringComparison.Ordinal);
        Assert.Equal("https://ops.example.com/", memo.GetProperty("link").GetProperty("web_url").GetString());
    }

    [Fact]
    public async Task SendAsync_TokenRejectedWithMinus401_RefreshesOnceSavesAndDelivers()
    {
        // The store believes the token is good for hours; Kakao has already expired it.
        var start = _clock.GetUtcNow();
        var store = new InMemoryKakaoTokenStore(new KakaoTokens("access-stale", "refresh-1", _clock.GetUtcNow().AddHours(6)));
        using var notifier = Create(store);

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(new NotificationResult(1, 0, 1), result);
        Assert.Equal(1, Kakao.Refreshes);
        var saved = await store.GetAsync(CancellationToken.None);
        Assert.NotNull(saved);
        Assert.StartsWith("sandbox-kakao-access-", saved.AccessToken, StringComparison.Ordinal);
        Assert.Equal("refresh-1", saved.RefreshToken);
        Assert.InRange(saved.AccessTokenExpiresAt!.Value, start.AddHours(12), _clock.GetUtcNow().AddHours(12));
        Assert.DoesNotContain(_log.Lines, l => l.Contains("sandbox-kakao-access-", StringComparison.Ordinal) || l.Contains("refresh-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_TokenAboutToExpire_RefreshedBeforeSending()
    {
        Kakao.IssueAccessToken("access-1", _clock.GetUtcNow().AddMinutes(2));
        var store = new InMemoryKakaoTokenStore(new KakaoTokens("access-1", "refresh-1", _clock.GetUtcNow().AddMinutes(2)));
        using var notifier = Create(store);

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(1, result.Delivered);
        Assert.Equal(1, Kakao.Refreshes);
        Assert.NotEqual("access-1", (await store.GetAsync(CancellationToken.None))!.AccessToken);
    }

    [Fact]
    public async Task SendAsync_RefreshTokenRefused_ReportsFailureWithoutThrowing()
    {
        using var notifier = Create(new InMemoryKakaoTokenStore(new KakaoTokens("access-stale", "refresh-unknown")));

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A"), TestAlerts.Critical("B")], CancellationToken.None));

        Assert.Equal(0, result.Delivered);
        Assert.Equal(2, result.Failed);
        Assert.Contains("code -401", result.Error, StringComparison.Ordinal);
        Assert.Contains(_log.Lines, l => l.Contains("invalid_grant KOE322", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_NoTokensStored_ReportsFailure()
    {
        using var notifier = Create(new InMemoryKakaoTokenStore());

        var result = await notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None);

        Assert.Equal(new NotificationResult(0, 1, 0, "no Kakao tokens are stored"), result);
    }

    [Fact]
    public async Task SendAsync_ServerErrorThenOk_Retried()
    {
        Kakao.IssueAccessToken("access-1", _clock.GetUtcNow().AddHours(6));
        Kakao.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = 2 });
        using var notifier = Create(new InMemoryKakaoTokenStore(new KakaoTokens("access-1", "refresh-1")));

        var result = await _clock.RunAsync(() => notifier.SendAsync([TestAlerts.Critical("A")], CancellationToken.None));

        Assert.Equal(new NotificationResult(1, 0, 1), result);
    }

    [Fact]
    public void KakaoTokens_ToString_HidesTokens()
    {
        var text = new KakaoTokens("access-secret", "refresh-secret").ToString();

        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }
}
