using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Channels.Coupang.Tests;

public sealed class CoupangChannelOptionsTests
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new CoupangChannelOptions();

        Assert.Equal(new Uri("https://api-gateway.coupang.com"), options.BaseAddress);
        Assert.Equal(5, options.RequestsPerSecond);
        Assert.Equal(5, options.Burst);
        Assert.Equal(TimeSpan.FromDays(180), options.KeyLifetime);
        Assert.Equal(TimeSpan.FromDays(14), options.KeyExpiryWarning);
        Assert.Equal("ACCEPT", options.OrderStatus);
        Assert.Equal("PUT", options.AcknowledgementMethod);
        Assert.Equal(3, options.MaxRetryAttempts);
    }

    [Fact]
    public void CoupangChannel_MissingCredentials_ThrowsClearErrorBeforeAnyCall()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new CoupangChannel("coupang-main", http, new CoupangChannelOptions { VendorId = "A00012345" }));

        Assert.Contains("AccessKey and SecretKey are required", ex.Message, StringComparison.Ordinal);
        Assert.Contains("coupang-main", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://api-gateway.coupang.com")]
    [InlineData("ftp://127.0.0.1")]
    public void CoupangChannel_NonHttpsRemoteAddress_Throws(string address)
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new CoupangChannel("c", http, Valid(o => o.BaseAddress = new Uri(address))));

        Assert.Contains("HTTPS", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoupangChannel_RateAboveDocumentedLimit_Throws()
    {
        using var http = new HttpClient();

        Assert.Throws<OptionsValidationException>(() => new CoupangChannel("c", http, Valid(o => o.RequestsPerSecond = 11)));
    }

    [Fact]
    public void AddCoupangChannel_MissingCredentials_FailsWhenOptionsAreValidated()
    {
        var services = new ServiceCollection();
        services.AddCoupangChannel("coupang-main", o => o.VendorId = "A00012345");
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<CoupangChannelOptions>>().Get("coupang-main"));

        Assert.Contains("AccessKey", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCoupangChannel_Valid_RegistersKeyedAdapterAndOrderSource()
    {
        var services = new ServiceCollection();
        services.AddCoupangChannel("coupang-main", o => Configure(o));
        using var provider = services.BuildServiceProvider();

        var adapter = provider.GetRequiredKeyedService<IChannelAdapter>("coupang-main");
        var source = provider.GetRequiredKeyedService<Orchestrator.Intake.IOrderSource>("coupang-main");

        Assert.Same(adapter, source);
        Assert.Equal(ChannelKind.Coupang, adapter.Kind);
        Assert.Equal("coupang-main", adapter.Name);
    }

    [Fact]
    public void AddCoupangChannel_DuplicateName_Throws()
    {
        var services = new ServiceCollection();
        services.AddCoupangChannel("coupang-main", o => Configure(o));

        Assert.Throws<InvalidOperationException>(() => services.AddCoupangChannel("coupang-main", o => Configure(o)));
    }

    private static CoupangChannelOptions Valid(Action<CoupangChannelOptions>? change = null)
    {
        var options = new CoupangChannelOptions();
        Configure(options);
        change?.Invoke(options);
        return options;
    }

    private static void Configure(CoupangChannelOptions o)
    {
        o.VendorId = "A00012345";
        o.AccessKey = "access-key-1";
        o.SecretKey = "secret-key-1";
    }
}
