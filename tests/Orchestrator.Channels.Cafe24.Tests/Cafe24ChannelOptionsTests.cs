using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Orchestrator.Channels.Cafe24.Tests;

public sealed class Cafe24ChannelOptionsTests
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new Cafe24ChannelOptions();

        Assert.Null(options.BaseAddress);
        Assert.Equal("2025-12-01", options.ApiVersion);
        Assert.Equal(1, options.ShopNo);
        Assert.Equal(2, options.RequestsPerSecond);
        Assert.Equal(10, options.Burst);
        Assert.Equal(100, options.ProductPageSize);
        Assert.Equal("N10", options.OrderStatuses);
        Assert.Equal("prepare", options.ReceivedProcessStatus);
    }

    [Fact]
    public void Cafe24Channel_MissingCredentials_ThrowsClearErrorBeforeAnyCall()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new Cafe24Channel("cafe24-main", http, new Cafe24ChannelOptions { MallId = "shop" }, new RecordingTokenStore()));

        Assert.Contains("ClientId and ClientSecret are required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cafe24Channel_NoStoreAndNoTokenDirectory_Throws()
    {
        using var http = new HttpClient();

        var ex = Assert.Throws<OptionsValidationException>(() => new Cafe24Channel("c", http, new Cafe24ChannelOptions { MallId = "shop", ClientId = "id", ClientSecret = "secret" }));

        Assert.Contains("TokenDirectory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cafe24Channel_RateAboveLeakyBucket_Throws()
    {
        using var http = new HttpClient();

        Assert.Throws<OptionsValidationException>(() => new Cafe24Channel("c", http, new Cafe24ChannelOptions { MallId = "shop", ClientId = "id", ClientSecret = "secret", RequestsPerSecond = 3 }, new RecordingTokenStore()));
    }

    [Fact]
    public void AddCafe24Channel_WithKeyedStore_RegistersKeyedAdapter()
    {
        var services = new ServiceCollection();
        services.AddKeyedSingleton<ICafe24TokenStore>("cafe24-main", new RecordingTokenStore());
        services.AddCafe24Channel("cafe24-main", o =>
        {
            o.MallId = "shop";
            o.ClientId = "id";
            o.ClientSecret = "secret";
        });
        using var provider = services.BuildServiceProvider();

        var adapter = provider.GetRequiredKeyedService<IChannelAdapter>("cafe24-main");

        Assert.Equal(ChannelKind.Cafe24, adapter.Kind);
        Assert.Same(adapter, provider.GetRequiredKeyedService<Orchestrator.Intake.IOrderSource>("cafe24-main"));
    }

    [Fact]
    public async Task FileCafe24TokenStore_SaveThenLoad_RoundTrips()
    {
        var folder = Path.Combine(Path.GetTempPath(), "orch-cafe24-" + Guid.NewGuid().ToString("N"));
        using var store = new FileCafe24TokenStore(folder);
        var tokens = new Cafe24TokenSet("a", new DateTimeOffset(2026, 1, 1, 2, 0, 0, TimeSpan.Zero), "r", new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero));
        try
        {
            Assert.Null(await store.LoadAsync("shop", TestContext.Current.CancellationToken));

            await store.SaveAsync("shop", tokens, TestContext.Current.CancellationToken);

            Assert.Equal(tokens, await store.LoadAsync("shop", TestContext.Current.CancellationToken));
            Assert.False(File.Exists(store.GetPath("shop") + ".tmp"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FileCafe24TokenStore_PathTraversalMallId_Throws()
    {
        using var store = new FileCafe24TokenStore(Path.GetTempPath());

        Assert.Throws<ArgumentException>(() => store.GetPath("../etc"));
    }

    [Fact]
    public void Cafe24TokenSet_ToString_HidesTheTokens()
    {
        var tokens = new Cafe24TokenSet("secret-access", DateTimeOffset.UnixEpoch, "secret-refresh", DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("secret", tokens.ToString(), StringComparison.Ordinal);
    }
}
