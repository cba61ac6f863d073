using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Alerts;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Notifications;
using Orchestrator.Wes;

namespace Orchestrator.Reliability.Tests;

/// <summary>Every adapter refuses a plain-HTTP address that is not loopback with a typed configuration error, and takes loopback (the sandbox).</summary>
public sealed class PlainHttpTests
{
    public static TheoryData<string> Addresses => new() { "http://api.example.com/", "http://10.0.0.5/", "ftp://api.example.com/" };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Adapters_refuse_a_non_loopback_plain_address(string address)
    {
        var uri = new Uri(address);
        using var http = new HttpClient();
        Assert.Throws<OptionsValidationException>(() => new CoupangChannel("c", http, new CoupangChannelOptions { BaseAddress = uri, VendorId = "A00012345", AccessKey = "access-key-0000", SecretKey = "secret-key-0000" }));
        Assert.Throws<OptionsValidationException>(() => new NaverChannel("n", http, new NaverChannelOptions { BaseAddress = uri, ClientId = "client-id", ClientSecret = "$2a$04$abcdefghijklmnopqrstuu" }));
        Assert.Throws<OptionsValidationException>(() => new Cafe24Channel("f", http, new Cafe24ChannelOptions { BaseAddress = uri, MallId = "mall", ClientId = "client-id", ClientSecret = "client-secret" }, new FileCafe24TokenStore(Path.Combine(Path.GetTempPath(), "cafe24-plain-" + Guid.NewGuid().ToString("N")))));
        Assert.Throws<OptionsValidationException>(() => WesClientFactory.Create(http, new WesClientOptions { BaseAddress = uri, ApiKey = "wes-api-key-0000" }));
        using var provider = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("a", "r", DateTimeOffset.UtcNow.AddHours(1))))
            .AddSlackNotifier(o => o.WebhookUrl = new Uri(uri, "services/T/B/x"))
            .AddKakaoTalkNotifier(o =>
            {
                o.ApiBaseUrl = uri;
                o.AuthBaseUrl = uri;
                o.ClientId = "kakao-client";
            })
            .BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<SlackNotifierOptions>>().Get(AlertRoutes.Slack));
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<KakaoTalkNotifierOptions>>().Get(AlertRoutes.KakaoTalk));
    }

    [Fact]
    public void Adapters_take_plain_http_on_loopback()
    {
        var uri = new Uri("http://127.0.0.1:5000/");
        using var http = new HttpClient();
        using var coupang = new CoupangChannel("c", http, new CoupangChannelOptions { BaseAddress = uri, VendorId = "A00012345", AccessKey = "access-key-0000", SecretKey = "secret-key-0000" });
        Assert.NotNull(WesClientFactory.Create(http, new WesClientOptions { BaseAddress = uri, ApiKey = "wes-api-key-0000" }));
    }
}
