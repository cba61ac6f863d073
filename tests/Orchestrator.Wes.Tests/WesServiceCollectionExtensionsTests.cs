using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Warehouse;

namespace Orchestrator.Wes.Tests;

public sealed class WesServiceCollectionExtensionsTests : WesTestContext
{
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new WesClientOptions();

        Assert.Null(options.BaseAddress);
        Assert.Equal(1000, options.PageSize);
        Assert.Equal(100, options.MaxSkusPerRequest);
        Assert.Equal(20, options.RequestsPerSecond);
        Assert.Equal(40, options.Burst);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AttemptTimeout);
        Assert.Equal(3, options.MaxRetries);
    }

    [Fact]
    public void AddWesClient_PlainHttpOffLoopback_FailsValidation()
    {
        using var sp = new ServiceCollection()
            .AddWesClient(o =>
            {
                o.BaseAddress = new Uri("http://wes.example.com");
                o.ApiKey = "key-1234";
            })
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<WesClientOptions>>().Value);

        Assert.Contains("HTTPS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWesClient_MissingApiKeyAndBadPageSize_FailsValidationNamingBoth()
    {
        using var sp = new ServiceCollection()
            .AddWesClient(o =>
            {
                o.BaseAddress = new Uri("https://wes.example.com");
                o.PageSize = 5000;
            })
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<WesClientOptions>>().Value);

        Assert.Contains("ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("PageSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWesClient_Twice_Throws()
    {
        var services = new ServiceCollection().AddWesClient(o => o.ApiKey = "k");

        Assert.Throws<InvalidOperationException>(() => services.AddWesClient(o => o.ApiKey = "k"));
    }

    [Fact]
    public void AddWesClient_UnknownConfigurationKey_FailsBinding()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Wes:BaseAddress"] = "https://wes.example.com",
            ["Wes:ApiKey"] = "key-1234",
            ["Wes:PageSise"] = "10",
        }).Build();
        using var sp = new ServiceCollection().AddWesClient(config.GetSection("Wes")).BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => sp.GetRequiredService<IOptions<WesClientOptions>>().Value);
    }

    [Fact]
    public async Task AddWesClient_OverLoopback_ResolvesAWorkingClient()
    {
        Wes.Seed(Warehouse, [("SKU-A", 3, 1, "A-01")]);
        await using var sp = new ServiceCollection()
            .AddSingleton<TimeProvider>(Clock)
            .AddWesClient(o =>
            {
                o.BaseAddress = Wes.BaseAddress;
                o.ApiKey = Wes.ApiKey;
            })
            .BuildServiceProvider();
        var client = sp.GetRequiredService<IWesClient>();
        var builder = Builder();

        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, WesSnapshotRequest.All, CancellationToken.None));

        Assert.Equal(1, info.Pages);
        Assert.Equal(3, builder.Build().GetQuantity("SKU-A"));
    }

    [Fact]
    public void Create_InvalidOptions_Throws()
    {
        using var http = new HttpClient();

        Assert.Throws<OptionsValidationException>(() => WesClientFactory.Create(http, new WesClientOptions { BaseAddress = new Uri("https://wes.example.com") }));
    }
}
