using Orchestrator.Catalog;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Wes;
using Orchestrator.Stock;
using Orchestrator.Testing;
using Orchestrator.Wes.Internal;

namespace Orchestrator.Wes.Tests;

/// <summary>A WES simulator on loopback, a driven clock and a client pointed at them.</summary>
public abstract class WesTestContext : IAsyncLifetime
{
    protected const string Warehouse = "WH-SEOUL-1";

    protected DrivenClock Clock { get; } = new() { AutoAdvanceLimit = TimeSpan.FromSeconds(10) };

    private protected ListLogger<RestWesClient> Logs { get; } = new();

    protected SandboxServer Sandbox { get; private set; } = null!;

    protected WesSandbox Wes => Sandbox.Wes;

    protected HttpClient Http { get; } = new() { Timeout = Timeout.InfiniteTimeSpan };

    public virtual async ValueTask InitializeAsync()
    {
        Sandbox = await SandboxServer.StartAsync(new SandboxOptions { TimeProvider = Clock }, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
        Clock.Dispose();
        GC.SuppressFinalize(this);
    }

    protected WesClientOptions Options(Action<WesClientOptions>? configure = null)
    {
        var options = new WesClientOptions
        {
            BaseAddress = Wes.BaseAddress,
            ApiKey = Wes.ApiKey,
            RequestsPerSecond = 1000,
            Burst = 1000,
            AttemptTimeout = TimeSpan.FromMinutes(1),
        };
        configure?.Invoke(options);
        return options;
    }

    private protected RestWesClient Client(Action<WesClientOptions>? configure = null) => new(() => Http, Options(configure), Clock, Logs);

    protected StockSnapshotBuilder Builder(SkuCatalog? catalog = null) =>
        new(catalog ?? new SkuCatalog(), "wes", StockSourceKind.Warehouse, Warehouse, Clock.GetUtcNow());

    protected void Seed(int count) =>
        Wes.Seed(Warehouse, Enumerable.Range(0, count).Select(i => ($"SKU-{i:D6}", i % 500, i % 7, (string?)$"A-{i % 40:D2}-{i % 13:D2}")));
}
