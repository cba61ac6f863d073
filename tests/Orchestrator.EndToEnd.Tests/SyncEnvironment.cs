using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Notifications;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;
using Orchestrator.Warehouse;
using Orchestrator.Wes;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// The three channel simulators listing the same SKUs, a WES holding them with a share drifted, a SQLite store, the real
/// adapters and notifiers over loopback, and a channel sync wired to all of it.
/// </summary>
internal sealed class SyncEnvironment : IAsyncDisposable
{
    public const string Warehouse = "WH1";
    private readonly List<IDisposable> _disposables = [];
    private ServiceProvider? _provider;

    public required string Folder { get; init; }

    public required SandboxServer Sandbox { get; init; }

    public required SqliteOrchestratorStorage Storage { get; init; }

    public required SandboxItem[] Items { get; init; }

    public HashSet<string> Drifted { get; } = new(StringComparer.Ordinal);

    public CoupangChannel Coupang { get; private set; } = null!;

    public NaverChannel Naver { get; private set; } = null!;

    public Cafe24Channel Cafe24 { get; private set; } = null!;

    public IAlertDispatcher Alerts { get; private set; } = null!;

    public SkuCatalog Catalog { get; } = new();

    public List<SyncChannel> Channels { get; } = [];

    public static async Task<SyncEnvironment> StartAsync(int skus = 1_000, double drift = 0.05, int seed = 11)
    {
        var options = new SandboxOptions();
        options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = skus;
        options.Coupang.SkuPrefix = options.Naver.SkuPrefix = options.Cafe24.SkuPrefix = "SKU-";
        options.Coupang.Seed = options.Naver.Seed = options.Cafe24.Seed = seed;
        options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = 2_000;
        options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = 2_000;
        var sandbox = await SandboxServer.StartAsync(options);
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(folder, "o.db")}" }, TimeProvider.System, null, CancellationToken.None);
        var env = new SyncEnvironment { Folder = folder, Sandbox = sandbox, Storage = storage, Items = SandboxCatalog.Generate(skus, seed, "SKU-") };
        await env.WireAsync(drift, seed);
        return env;
    }

    /// <summary>What a channel must show for a SKU after a sync: WES on hand − reserved (no buffers in these tests).</summary>
    public int Sellable(string sku)
    {
        var row = Sandbox.Wes.Get(Warehouse, sku)!;
        return Math.Max(0, row.OnHand - row.Reserved);
    }

    /// <summary>Starts 60 SKUs without channel drift, with the inventory book holding what the WES holds, except for
    /// <paramref name="zeroInInventory"/> SKUs in stock that the book holds at 0 (the reconciliation tests' start).</summary>
    public static async Task<SyncEnvironment> StartWithInventoryAsync(int zeroInInventory = 0)
    {
        var env = await StartAsync(skus: 60, drift: 0);
        var zeroed = env.Items.Where(i => i.Quantity > 0).Take(zeroInInventory).Select(i => i.SkuCode).ToHashSet(StringComparer.Ordinal);
        await env.Storage.LoadInventoryAsync(
            env.Items.Select(i => new InventoryPosition(Warehouse, i.SkuCode, zeroed.Contains(i.SkuCode) ? 0 : env.Sandbox.Wes.Get(Warehouse, i.SkuCode)!.OnHand, 0, 0, null, 0, DateTimeOffset.UtcNow)).ToList(),
            TestContext.Current.CancellationToken);
        return env;
    }

    /// <summary>The real WES client over loopback HTTP to the WES simulator, quick to retry.</summary>
    public IWesClient WesClient(int pageSize = 1_000) => WesClientFactory.Create(
        new HttpClient(),
        new WesClientOptions { BaseAddress = Sandbox.Wes.BaseAddress, ApiKey = Sandbox.Wes.ApiKey, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10), RequestsPerSecond = 1_000, Burst = 1_000, PageSize = pageSize });

    /// <summary>WF-RECON-WES over this environment's WES client and SQLite stores.</summary>
    public WesReconciliationWorkflow Reconciliation(int pageSize = 1_000) => new(
        WesClient(pageSize),
        new WesReconciliationStores(Storage.Inventory, Storage.DiscrepancyLog, Storage.ReconciliationTasks, Storage.AllocationPauses, Storage.PendingSync, Storage.SyncRuns),
        new WesReconciliationOptions { WarehouseId = Warehouse },
        alerts: Alerts);

    public ChannelSyncWorkflow Workflow(ChannelSyncOptions? options = null) => new(
        Channels,
        WesClient(),
        new SyncStores(Storage.SyncRuns, Storage.PendingSync, Storage.AllocationPauses),
        options ?? Options(),
        alerts: Alerts);

    public static ChannelSyncOptions Options() => new()
    {
        WarehouseId = Warehouse,
        CollectTimeout = TimeSpan.FromMinutes(2),
        SyncTimeout = TimeSpan.FromMinutes(2),
        AnalyzeTimeout = TimeSpan.FromSeconds(30),
        CheckTimeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.Zero,
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await Storage.DisposeAsync();
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

    private async Task WireAsync(double drift, int seed)
    {
        var random = new Random(seed);
        Sandbox.Wes.Seed(Warehouse, Items.Select(item =>
        {
            var onHand = item.Quantity;
            if (random.NextDouble() < drift)
            {
                Drifted.Add(item.SkuCode);
                onHand = item.Quantity >= 10 ? item.Quantity - random.Next(1, 10) : item.Quantity + random.Next(1, 10);
            }

            return (item.SkuCode, onHand, 0, (string?)null);
        }).ToList());

        Coupang = new CoupangChannel("coupang", new HttpClient(), new CoupangChannelOptions
        {
            BaseAddress = Sandbox.Coupang.BaseAddress, VendorId = Sandbox.Coupang.VendorId, AccessKey = Sandbox.Coupang.AccessKey, SecretKey = Sandbox.Coupang.SecretKey,
            RequestsPerSecond = 1_500, Burst = 100, MaxConcurrency = 16, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });
        Naver = new NaverChannel("naver", new HttpClient(), new NaverChannelOptions
        {
            BaseAddress = Sandbox.Naver.BaseAddress, ClientId = Sandbox.Naver.ClientId, ClientSecret = Sandbox.Naver.ClientSecret,
            RequestsPerSecond = 1_500, Burst = 100, MaxConcurrency = 16, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });
        var tokens = new FileCafe24TokenStore(Path.Combine(Folder, "cafe24"));
        var granted = Sandbox.Cafe24.Authorize();
        await tokens.SaveAsync(Sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
        Cafe24 = new Cafe24Channel("cafe24", new HttpClient(), new Cafe24ChannelOptions
        {
            BaseAddress = Sandbox.Cafe24.BaseAddress, MallId = Sandbox.Cafe24.MallId, ClientId = Sandbox.Cafe24.ClientId, ClientSecret = Sandbox.Cafe24.ClientSecret,
            RequestsPerSecond = 1_500, Burst = 100, MaxConcurrency = 16, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        }, tokens);
        _disposables.AddRange([Coupang, Naver, Cafe24, tokens]);

        var coupang = new ChannelListingMap("coupang", Catalog);
        foreach (var l in Sandbox.Coupang.Listings)
        {
            coupang.Add(ListingKey.Coupang(l.VendorItemId), l.SkuCode);
        }

        var naver = new ChannelListingMap("naver", Catalog);
        foreach (var l in Sandbox.Naver.Listings)
        {
            naver.Add(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode);
        }

        var cafe24 = new ChannelListingMap("cafe24", Catalog);
        foreach (var l in Sandbox.Cafe24.Listings.Where(l => l.TracksInventory))
        {
            cafe24.Add(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode);
        }

        Channels.Add(new SyncChannel(Coupang, coupang, new ChannelSellableRule("coupang")));
        Channels.Add(new SyncChannel(Naver, naver, new ChannelSellableRule("naver")));
        Channels.Add(new SyncChannel(Cafe24, cafe24, new ChannelSellableRule("cafe24")));

        Sandbox.Kakao.IssueAccessToken("e2e-access", DateTimeOffset.UtcNow.AddHours(6));
        _provider = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("e2e-access", "e2e-refresh", DateTimeOffset.UtcNow.AddHours(6))))
            .AddSlackNotifier(o => o.WebhookUrl = Sandbox.Slack.WebhookUrl)
            .AddKakaoTalkNotifier(o =>
            {
                o.ApiBaseUrl = Sandbox.Kakao.ApiBaseAddress;
                o.AuthBaseUrl = Sandbox.Kakao.AuthBaseAddress;
                o.ClientId = Sandbox.Kakao.ClientId;
                o.LinkUrl = new Uri("http://127.0.0.1/dashboard");
            })
            .AddAlertDispatcher()
            .BuildServiceProvider();
        Alerts = _provider.GetRequiredService<IAlertDispatcher>();
    }
}
