using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Notifications;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Stock;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;
using Orchestrator.Warehouse;
using Orchestrator.Wes;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// The sandbox behind a mutating proxy, the real adapters, WES client and notifiers pointed at the proxy, a SQLite store, and
/// one capturing logger at Trace level for all of them.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    public const string Warehouse = "WH1";
    private readonly List<IDisposable> _disposables = [];
    private ServiceProvider? _provider;

    private Rig(SandboxServer sandbox, MutatingProxy proxy, string folder, ILoggerFactory loggers, CapturingLoggerProvider capture)
    {
        Sandbox = sandbox;
        Proxy = proxy;
        Folder = folder;
        Loggers = loggers;
        Capture = capture;
    }

    public SandboxServer Sandbox { get; }

    public MutatingProxy Proxy { get; }

    public string Folder { get; }

    public ILoggerFactory Loggers { get; }

    public CapturingLoggerProvider Capture { get; }

    public SqliteOrchestratorStorage Storage { get; private set; } = null!;

    public CoupangChannel Coupang { get; private set; } = null!;

    public NaverChannel Naver { get; private set; } = null!;

    public Cafe24Channel Cafe24 { get; private set; } = null!;

    public IWesClient Wes { get; private set; } = null!;

    public IAlertDispatcher Alerts { get; private set; } = null!;

    public SkuCatalog Catalog { get; } = new();

    public List<SyncChannel> Channels { get; } = [];

    /// <summary>Gets every secret the rig was configured with.</summary>
    public List<string> Secrets { get; } = [];

    public static async Task<Rig> StartAsync(int skus = 40)
    {
        var options = new SandboxOptions();
        options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = skus;
        options.Coupang.SkuPrefix = options.Naver.SkuPrefix = options.Cafe24.SkuPrefix = "SKU-";
        options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = 2_000;
        options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = 2_000;
        var sandbox = await SandboxServer.StartAsync(options);
        var proxy = await MutatingProxy.StartAsync(sandbox.BaseAddress);
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-rel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var capture = new CapturingLoggerProvider();
        var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        var rig = new Rig(sandbox, proxy, folder, loggers, capture);
        await rig.WireAsync(skus);
        return rig;
    }

    public ChannelSyncWorkflow Workflow() => new(
        Channels,
        Wes,
        new SyncStores(Storage.SyncRuns, Storage.PendingSync, Storage.AllocationPauses),
        new ChannelSyncOptions { WarehouseId = Warehouse, RetryDelay = TimeSpan.Zero, CollectTimeout = TimeSpan.FromSeconds(30), SyncTimeout = TimeSpan.FromSeconds(30) },
        alerts: Alerts,
        logger: Loggers.CreateLogger<ChannelSyncWorkflow>());

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
        await Proxy.DisposeAsync();
        await Sandbox.DisposeAsync();
        Loggers.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WireAsync(int skus)
    {
        Storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(Folder, "o.db")}" }, TimeProvider.System, Loggers, CancellationToken.None);
        var items = SandboxCatalog.Generate(skus, 11, "SKU-");
        Sandbox.Wes.Seed(Warehouse, items.Select((item, i) => (item.SkuCode, i % 7 == 0 ? item.Quantity + 3 : item.Quantity, 0, (string?)null)).ToList());

        Coupang = new CoupangChannel("coupang", new HttpClient(), new CoupangChannelOptions
        {
            BaseAddress = Proxy.Behind(Sandbox.Coupang.BaseAddress), VendorId = Sandbox.Coupang.VendorId, AccessKey = Sandbox.Coupang.AccessKey, SecretKey = Sandbox.Coupang.SecretKey,
            RequestsPerSecond = 1_000, Burst = 100, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        }, loggerFactory: Loggers);
        Naver = new NaverChannel("naver", new HttpClient(), new NaverChannelOptions
        {
            BaseAddress = Proxy.Behind(Sandbox.Naver.BaseAddress), ClientId = Sandbox.Naver.ClientId, ClientSecret = Sandbox.Naver.ClientSecret,
            RequestsPerSecond = 1_000, Burst = 100, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        }, loggerFactory: Loggers);
        var tokens = new FileCafe24TokenStore(Path.Combine(Folder, "cafe24"));
        var granted = Sandbox.Cafe24.Authorize();
        await tokens.SaveAsync(Sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
        Cafe24 = new Cafe24Channel("cafe24", new HttpClient(), new Cafe24ChannelOptions
        {
            BaseAddress = Proxy.Behind(Sandbox.Cafe24.BaseAddress), MallId = Sandbox.Cafe24.MallId, ClientId = Sandbox.Cafe24.ClientId, ClientSecret = Sandbox.Cafe24.ClientSecret,
            RequestsPerSecond = 1_000, Burst = 100, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        }, tokens, loggerFactory: Loggers);
        Wes = WesClientFactory.Create(new HttpClient(), new WesClientOptions
        {
            BaseAddress = Proxy.Behind(Sandbox.Wes.BaseAddress), ApiKey = Sandbox.Wes.ApiKey, MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(5), RequestsPerSecond = 1_000, Burst = 1_000,
        }, loggerFactory: Loggers);
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

        var kakaoAccess = "kakao-access-" + Guid.NewGuid().ToString("N");
        var kakaoRefresh = "kakao-refresh-" + Guid.NewGuid().ToString("N");
        Sandbox.Kakao.IssueAccessToken(kakaoAccess, DateTimeOffset.UtcNow.AddHours(6));
        _provider = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Loggers)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Capture))
            .AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens(kakaoAccess, kakaoRefresh, DateTimeOffset.UtcNow.AddHours(6))))
            .AddSlackNotifier(o => o.WebhookUrl = Proxy.Behind(Sandbox.Slack.WebhookUrl))
            .AddKakaoTalkNotifier(o =>
            {
                o.ApiBaseUrl = Proxy.Behind(Sandbox.Kakao.ApiBaseAddress);
                o.AuthBaseUrl = Proxy.Behind(Sandbox.Kakao.AuthBaseAddress);
                o.ClientId = Sandbox.Kakao.ClientId;
                o.LinkUrl = new Uri("http://127.0.0.1/dashboard");
            })
            .AddAlertDispatcher()
            .BuildServiceProvider();
        Alerts = _provider.GetRequiredService<IAlertDispatcher>();

        Secrets.AddRange([
            Sandbox.Coupang.AccessKey, Sandbox.Coupang.SecretKey, Sandbox.Naver.ClientSecret, Sandbox.Cafe24.ClientSecret,
            granted.AccessToken, granted.RefreshToken, Sandbox.Wes.ApiKey, Sandbox.Slack.WebhookUrl.Segments[^1].Trim('/'), kakaoAccess, kakaoRefresh,
        ]);
    }
}
