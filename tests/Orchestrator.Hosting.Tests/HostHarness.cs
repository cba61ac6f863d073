using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

/// <summary>The sandbox simulators with the three channels listing the same SKUs and a WES holding them with a share drifted.</summary>
internal sealed class SandboxWorld : IAsyncDisposable
{
    public const string Warehouse = "WH1";

    public required SandboxServer Sandbox { get; init; }

    public required SandboxItem[] Items { get; init; }

    public required string Folder { get; init; }

    public HashSet<string> Drifted { get; } = new(StringComparer.Ordinal);

    /// <summary>The listings, built once from the simulators.</summary>
    public ListingCatalog Listings { get; private set; } = null!;

    public static async Task<SandboxWorld> StartAsync(int skus, double drift, int seed = 7)
    {
        var options = new SandboxOptions();
        options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = skus;
        options.Coupang.SkuPrefix = options.Naver.SkuPrefix = options.Cafe24.SkuPrefix = "SKU-";
        options.Coupang.Seed = options.Naver.Seed = options.Cafe24.Seed = seed;
        options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = 5_000;
        options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = 5_000;
        var sandbox = await SandboxServer.StartAsync(options);
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-hosting-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var world = new SandboxWorld { Sandbox = sandbox, Items = SandboxCatalog.Generate(skus, seed, "SKU-"), Folder = folder };
        var random = new Random(seed);
        sandbox.Wes.Seed(Warehouse, world.Items.Select(item =>
        {
            var onHand = item.Quantity;
            if (random.NextDouble() < drift)
            {
                world.Drifted.Add(item.SkuCode);
                onHand = item.Quantity >= 10 ? item.Quantity - random.Next(1, 10) : item.Quantity + random.Next(1, 10);
            }

            return (item.SkuCode, onHand, 0, (string?)null);
        }).ToList());

        var catalog = new SkuCatalog(skus);
        var coupang = new ChannelListingMap("coupang", catalog);
        foreach (var l in sandbox.Coupang.Listings)
        {
            coupang.Add(ListingKey.Coupang(l.VendorItemId), l.SkuCode);
        }

        var naver = new ChannelListingMap("naver", catalog);
        foreach (var l in sandbox.Naver.Listings)
        {
            naver.Add(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode);
        }

        var cafe24 = new ChannelListingMap("cafe24", catalog);
        foreach (var l in sandbox.Cafe24.Listings.Where(l => l.TracksInventory))
        {
            cafe24.Add(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode);
        }

        world.Listings = new ListingCatalog(catalog, [coupang, naver, cafe24], "sandbox");
        return world;
    }

    /// <summary>What a channel must show for a SKU: WES on hand − reserved (no buffers).</summary>
    public int Sellable(string sku)
    {
        var row = Sandbox.Wes.Get(Warehouse, sku)!;
        return Math.Max(0, row.OnHand - row.Reserved);
    }

    /// <summary>Counts listings on every channel that do not show the sellable quantity.</summary>
    public int CountOff()
    {
        var off = Sandbox.Coupang.Listings.Count(l => Sellable(l.SkuCode) != Sandbox.Coupang.GetQuantity(l.VendorItemId));
        off += Sandbox.Naver.Listings.Count(l => Sellable(l.SkuCode) != Sandbox.Naver.GetStock(l.OriginProductNo, l.OptionCombinationId));
        off += Sandbox.Cafe24.Listings.Where(l => l.TracksInventory).Count(l => Sellable(l.SkuCode) != Sandbox.Cafe24.GetQuantity(l.VariantCode));
        return off;
    }

    public int ChannelWrites => Sandbox.Coupang.QuantityWrites + Sandbox.Naver.StockWrites + Sandbox.Cafe24.InventoryWrites;

    public async ValueTask DisposeAsync()
    {
        await Sandbox.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>A generic host built with AddOrchestrator over a <see cref="SandboxWorld"/>, its schedules on a manual clock.</summary>
internal sealed class HostHarness : IAsyncDisposable
{
    private HostHarness(IHost host, ManualTimeProvider clock)
    {
        Host = host;
        Clock = clock;
    }

    public IHost Host { get; }

    public ManualTimeProvider Clock { get; }

    public IServiceProvider Services => Host.Services;

    public OrchestratorJobMonitor Monitor => Services.GetRequiredService<OrchestratorJobMonitor>();

    /// <summary>Builds (does not start) a host.</summary>
    public static async Task<HostHarness> BuildAsync(
        SandboxWorld world,
        ManualTimeProvider clock,
        Action<IOrchestratorBuilder>? storage = null,
        Action<OrchestratorHostingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string instance = "test-host")
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Orchestrator", LogLevel.Information);
        builder.Services.AddKeyedSingleton<TimeProvider>(OrchestratorServiceCollectionExtensions.SchedulerClockKey, clock);
        var tokens = new FileCafe24TokenStore(Path.Combine(world.Folder, "cafe24-" + instance));
        var granted = world.Sandbox.Cafe24.Authorize();
        await tokens.SaveAsync(world.Sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
        builder.Services.AddKeyedSingleton<ICafe24TokenStore>("cafe24", tokens);
        var sandbox = world.Sandbox;
        builder.Services.AddOrchestrator(b =>
        {
            b.Configure(o =>
            {
                o.WarehouseId = SandboxWorld.Warehouse;
                o.InstanceName = instance;
                o.EventCoalescingDelay = TimeSpan.Zero;
                o.Reconciliation.Enabled = false;
                o.PendingSyncEnabled = false;
                o.IntakeEnabled = false;
                o.IncrementalChannelSync.Enabled = false; // the tests that want it turn it on (IncrementalChannelSyncHostTests)
                o.IncrementalReconciliation.Enabled = false;
                o.ChannelSyncWorkflow.CollectTimeout = TimeSpan.FromMinutes(2);
                o.ChannelSyncWorkflow.SyncTimeout = TimeSpan.FromMinutes(2);
                o.ChannelSyncWorkflow.AnalyzeTimeout = TimeSpan.FromSeconds(30);
                o.ChannelSyncWorkflow.CheckTimeout = TimeSpan.FromSeconds(30);
                o.ChannelSyncWorkflow.RetryDelay = TimeSpan.Zero;
                configure?.Invoke(o);
            });
            if (storage is null)
            {
                b.UseSqlite(o => o.ConnectionString = $"Data Source={Path.Combine(world.Folder, "orchestrator.db")}");
            }
            else
            {
                storage(b);
            }

            b.AddWes(o =>
            {
                o.BaseAddress = sandbox.Wes.BaseAddress;
                o.ApiKey = sandbox.Wes.ApiKey;
                o.MaxRetries = 1;
                o.RetryDelay = TimeSpan.FromMilliseconds(10);
                o.RequestsPerSecond = 1_000;
                o.Burst = 1_000;
            });
            b.AddCoupang("coupang", o =>
            {
                o.BaseAddress = sandbox.Coupang.BaseAddress;
                o.VendorId = sandbox.Coupang.VendorId;
                o.AccessKey = sandbox.Coupang.AccessKey;
                o.SecretKey = sandbox.Coupang.SecretKey;
                o.RequestsPerSecond = 4_000;
                o.Burst = 400;
                o.MaxConcurrency = 16;
                o.MaxRetryAttempts = 1;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            });
            b.AddNaver("naver", o =>
            {
                o.BaseAddress = sandbox.Naver.BaseAddress;
                o.ClientId = sandbox.Naver.ClientId;
                o.ClientSecret = sandbox.Naver.ClientSecret;
                o.RequestsPerSecond = 4_000;
                o.Burst = 400;
                o.MaxConcurrency = 16;
                o.MaxRetryAttempts = 1;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            });
            b.AddCafe24("cafe24", o =>
            {
                o.BaseAddress = sandbox.Cafe24.BaseAddress;
                o.MallId = sandbox.Cafe24.MallId;
                o.ClientId = sandbox.Cafe24.ClientId;
                o.ClientSecret = sandbox.Cafe24.ClientSecret;
                o.RequestsPerSecond = 4_000;
                o.Burst = 400;
                o.MaxConcurrency = 16;
                o.MaxRetryAttempts = 1;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            });
            b.UseListings((_, _) => ValueTask.FromResult(world.Listings), TimeSpan.FromDays(1));
        });
        services?.Invoke(builder.Services);
        var host = builder.Build();
        return new HostHarness(host, clock);
    }

    public bool Started { get; private set; }

    /// <summary>Starts the host (and remembers to stop it).</summary>
    public async Task StartHostAsync()
    {
        await Host.StartAsync(TestContext.Current.CancellationToken);
        Started = true;
    }

    public static async Task<HostHarness> StartAsync(SandboxWorld world, ManualTimeProvider clock, Action<IOrchestratorBuilder>? storage = null, Action<OrchestratorHostingOptions>? configure = null, Action<IServiceCollection>? services = null, string instance = "test-host")
    {
        var harness = await BuildAsync(world, clock, storage, configure, services, instance);
        await harness.StartHostAsync();
        return harness;
    }

    /// <summary>Waits until a job waits on the clock for its next run, and returns that time.</summary>
    public async Task<DateTimeOffset> NextRunAsync(string job)
    {
        DateTimeOffset? next = null;
        await WaitUntilAsync(() =>
        {
            var status = Monitor.Get(job);
            next = status is { State: OrchestratorJobState.Waiting, NextRunAt: { } n } && Clock.PendingDueTimes.Contains(n) ? n : null;
            return next is not null;
        }, $"{job} waiting for its next run");
        return next!.Value;
    }

    /// <summary>Waits until a job has run (or skipped) more times than <paramref name="before"/> and is waiting again.</summary>
    public async Task<OrchestratorJobStatus> WaitForRunAsync(string job, long before)
    {
        OrchestratorJobStatus? status = null;
        try
        {
            await WaitUntilAsync(() =>
            {
                status = Monitor.Get(job);
                return status is not null && status.Runs + status.Skips > before && status.State != OrchestratorJobState.Running;
            }, $"{job} to finish a run", TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException ex)
        {
            var runs = await Services.GetRequiredService<Orchestrator.Storage.ISyncRunStore>().GetRecentAsync(3, CancellationToken.None);
            throw new TimeoutException($"{ex.Message} Status {status}; runs: {string.Join(", ", runs.Select(r => $"{r.RunId} {r.State} {r.UpdatedAt:O}"))}", ex);
        }

        return status!;
    }

    public long Attempts(string job) => Monitor.Get(job) is { } s ? s.Runs + s.Skips : 0;

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(1);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up waiting for {what} after {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Started)
            {
                await Host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            await ((IAsyncDisposable)Host).DisposeAsync();
        }
    }
}
