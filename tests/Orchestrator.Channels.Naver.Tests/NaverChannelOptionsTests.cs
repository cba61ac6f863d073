using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Channels.Naver.Tests;

public sealed class NaverChannelOptionsTests
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new NaverChannelOptions();

        Assert.Equal(new Uri("https://api.commerce.naver.com/external"), options.BaseAddress);
        Assert.Equal("SELF", options.TokenType);
        Assert.Equal(TimeSpan.FromMinutes(30), options.TokenRenewBefore);
        Assert.Equal(2, options.RequestsPerSecond);
        Assert.Equal(1, options.Burst);
    }

    [Fact]
    public void NaverChannel_MissingCredentials_ThrowsClearErrorBeforeAnyCall()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new NaverChannel("naver-main", http, new NaverChannelOptions()));

        Assert.Contains("ClientId and ClientSecret are required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaverChannel_SecretNotABcryptSalt_Throws()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new NaverChannel("n", http, Valid(o => o.ClientSecret = "plain-secret")));

        Assert.Contains("bcrypt salt string", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaverChannel_SellerTokenWithoutAccount_Throws()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new NaverChannel("n", http, Valid(o => o.TokenType = "SELLER")));

        Assert.Contains("AccountId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NaverChannel_RateAboveBucket_Throws()
    {
        using var http = new HttpClient();

        Assert.Throws<OptionsValidationException>(() => new NaverChannel("n", http, Valid(o => o.RequestsPerSecond = 5)));
    }

    [Fact]
    public void AddNaverChannel_Valid_RegistersKeyedAdapterAndOrderSource()
    {
        var services = new ServiceCollection();
        services.AddNaverChannel("naver-main", o => Configure(o));
        using var provider = services.BuildServiceProvider();

        var adapter = provider.GetRequiredKeyedService<IChannelAdapter>("naver-main");

        Assert.Same(adapter, provider.GetRequiredKeyedService<Orchestrator.Intake.IOrderSource>("naver-main"));
        Assert.Equal(ChannelKind.Naver, adapter.Kind);
    }

    private static NaverChannelOptions Valid(Action<NaverChannelOptions>? change = null)
    {
        var options = new NaverChannelOptions();
        Configure(options);
        change?.Invoke(options);
        return options;
    }

    private static void Configure(NaverChannelOptions o)
    {
        o.ClientId = "client";
        o.ClientSecret = "$2a$04$abcdefghijklmnopqrstuO";
    }
}
