using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Events;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;

namespace Orchestrator.Dashboard.Tests.Infrastructure;

/// <summary>Records the stock events the endpoints hand over (the real sink lives in Orchestrator.Hosting).</summary>
public sealed class RecordingSink : IStockEventSink
{
    public ConcurrentQueue<StockEvent> Accepted { get; } = new();

    public Task<StockEventReceipt> AcceptAsync(StockEvent stockEvent, CancellationToken cancellationToken)
    {
        Accepted.Enqueue(stockEvent);
        return Task.FromResult(new StockEventReceipt(stockEvent.EventId, false, stockEvent.Lines.Count));
    }
}

/// <summary>Records the workflow requests of operator actions.</summary>
public sealed class RecordingTriggers : IOrchestratorTriggers
{
    public ConcurrentQueue<(string Reason, IReadOnlyCollection<string>? Skus)> ChannelSyncs { get; } = new();

    public ConcurrentQueue<string> Reconciliations { get; } = new();

    public Task RequestChannelSyncAsync(string reason, IReadOnlyCollection<string>? skuCodes, CancellationToken cancellationToken)
    {
        ChannelSyncs.Enqueue((reason, skuCodes));
        return Task.CompletedTask;
    }

    public Task RequestReconciliationAsync(string reason, CancellationToken cancellationToken)
    {
        Reconciliations.Enqueue(reason);
        return Task.CompletedTask;
    }
}

/// <summary>The dashboard over a real SQLite file seeded with <see cref="KnownData"/>, as a host would wire it.</summary>
public sealed class DashboardTestApp : IAsyncDisposable
{
    public const string User = "alice";
    public const string ApiKey = "alice-key-0123456789abcdef";
    public const string Secret = "event-secret-0123456789abcdef0123456789";

    private readonly string _dir;

    private DashboardTestApp(string dir, SqliteOrchestratorStorage storage, long taskId, bool withTriggers)
    {
        _dir = dir;
        Storage = storage;
        TaskId = taskId;
        Triggers = withTriggers ? new RecordingTriggers() : null;
    }

    public SqliteOrchestratorStorage Storage { get; }

    public long TaskId { get; }

    public RecordingSink Sink { get; } = new();

    public RecordingTriggers? Triggers { get; }

    public static async Task<DashboardTestApp> CreateAsync(bool withTriggers = true)
    {
        var dir = Path.Combine(Path.GetTempPath(), "orchestrator-dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(dir, "orchestrator.db")}" });
        var seeded = await KnownData.SeedAsync(storage, TimeProvider.System.GetUtcNow(), CancellationToken.None);
        return new DashboardTestApp(dir, storage, seeded.TaskId, withTriggers);
    }

    /// <summary>Registers what a host registers: the stores, the event sink, the triggers (optional) and the dashboard.</summary>
    public void ConfigureServices(IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        services.AddSingleton<IDiscrepancyLogStore>(Storage.DiscrepancyLog);
        services.AddSingleton<ISyncRunStore>(Storage.SyncRuns);
        services.AddSingleton<IPendingSyncStore>(Storage.PendingSync);
        services.AddSingleton<IReconciliationTaskStore>(Storage.ReconciliationTasks);
        services.AddSingleton<IAllocationPauseStore>(Storage.AllocationPauses);
        services.AddSingleton<IOrderBufferStore>(Storage.OrderBuffer);
        services.AddSingleton<IStockEventSink>(Sink);
        if (Triggers is not null)
        {
            services.AddSingleton<IOrchestratorTriggers>(Triggers);
        }

        services.AddHealthChecks();
        services.AddRouting();
        services.AddOrchestratorDashboard(o =>
        {
            o.ApiKeys[User] = ApiKey;
            o.EventSigningSecret = Secret;
            o.RefreshInterval = TimeSpan.FromSeconds(1);
            configure?.Invoke(o);
        });
    }

    public static void ConfigureApp(IApplicationBuilder app)
    {
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(e =>
        {
            e.MapHealthChecks("/health").AllowAnonymous();
            e.MapOrchestratorDashboard();
        });
    }

    /// <summary>An in-memory test server (WebApplicationFactory) for the API tests.</summary>
    public WebApplicationFactory<DashboardTestApp> Factory() => new TestFactory(this);

    /// <summary>A real Kestrel server on a loopback port, for the browser.</summary>
    public async Task<(WebApplication App, Uri BaseAddress)> StartKestrelAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        ConfigureServices(builder.Services);
        var app = builder.Build();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapOrchestratorDashboard();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a reader still holds the file on some platforms; the temp folder is cleaned by the OS
        }
    }

    private sealed class TestFactory(DashboardTestApp app) : WebApplicationFactory<DashboardTestApp>
    {
        protected override IHostBuilder CreateHostBuilder()
            => Host.CreateDefaultBuilder()
                .ConfigureLogging(l => l.ClearProviders())
                .ConfigureWebHost(web => web
                    .UseContentRoot(AppContext.BaseDirectory)
                    .ConfigureServices(s => app.ConfigureServices(s))
                    .Configure(ConfigureApp));

        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseContentRoot(AppContext.BaseDirectory);
    }
}
