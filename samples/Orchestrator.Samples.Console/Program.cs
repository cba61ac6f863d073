using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Intake;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Stock;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;
using Orchestrator.Notifications;
using Orchestrator.Wes;
using Spectre.Console;

// The main job on the embedded defaults: the sandbox simulators on loopback (Coupang, Naver, Cafe24, a WES, Slack and
// KakaoTalk), a SQLite file, order intake from all three channels, then WF-INV-001 twice (the second run shows convergence).
var options = SampleOptions.Parse(args);
if (options is null)
{
    SampleOptions.PrintHelp();
    return 0;
}

Directory.CreateDirectory(options.DataFolder);
var dbPath = Path.Combine(options.DataFolder, "orchestrator.db");
foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
{
    File.Delete(dbPath + suffix); // each run starts from an empty store, so its summary adds up on its own
}

// An adapter keeps below its channel's published limit: the sandbox enforces options.RequestsPerSecond, the adapters use 80 % of it.
var adapterRate = options.RequestsPerSecond * 0.8;
using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var time = TimeProvider.System;
const string Warehouse = "WH1";
const string Prefix = "SKU-";

// 1. Simulators. Every channel lists the same SKUs (same prefix and seed); limits are raised so the demo stays short.
var sandboxOptions = new SandboxOptions();
sandboxOptions.Coupang.ListingCount = sandboxOptions.Naver.ListingCount = sandboxOptions.Cafe24.ListingCount = options.Skus;
sandboxOptions.Coupang.SkuPrefix = sandboxOptions.Naver.SkuPrefix = sandboxOptions.Cafe24.SkuPrefix = Prefix;
sandboxOptions.Coupang.Seed = sandboxOptions.Naver.Seed = sandboxOptions.Cafe24.Seed = options.Seed;
sandboxOptions.Coupang.RequestsPerSecond = sandboxOptions.Naver.RequestsPerSecond = sandboxOptions.Cafe24.DrainPerSecond = options.RequestsPerSecond;
sandboxOptions.Coupang.Burst = sandboxOptions.Naver.Burst = sandboxOptions.Cafe24.BucketSize = (int)options.RequestsPerSecond;
await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);

// The WES holds the physical stock: the channels' catalog with a share of SKUs drifted, and some units reserved.
var random = new Random(options.Seed);
var items = SandboxCatalog.Generate(options.Skus, options.Seed, Prefix);
var drifted = 0;
sandbox.Wes.Seed(Warehouse, items.Select(item =>
{
    var onHand = item.Quantity;
    if (random.NextDouble() < options.Drift)
    {
        drifted++;
        onHand = Math.Max(0, onHand + (random.Next(2) == 0 ? -random.Next(1, 20) : random.Next(1, 20)));
    }

    var reserved = random.Next(10) == 0 ? Math.Min(onHand, random.Next(1, 5)) : 0;
    return (item.SkuCode, onHand, reserved, (string?)$"A-{item.Index % 40:D2}");
}).ToList());

// 2. Store, adapters and notifiers.
await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={dbPath}" }, time, loggerFactory);
using var coupang = new CoupangChannel("coupang", new HttpClient(), new CoupangChannelOptions
{
    BaseAddress = sandbox.Coupang.BaseAddress, VendorId = sandbox.Coupang.VendorId, AccessKey = sandbox.Coupang.AccessKey, SecretKey = sandbox.Coupang.SecretKey,
    RequestsPerSecond = adapterRate, Burst = Math.Max(1, (int)(adapterRate / 10)), MaxConcurrency = 16,
}, time, loggerFactory);
using var naver = new NaverChannel("naver", new HttpClient(), new NaverChannelOptions
{
    BaseAddress = sandbox.Naver.BaseAddress, ClientId = sandbox.Naver.ClientId, ClientSecret = sandbox.Naver.ClientSecret,
    RequestsPerSecond = adapterRate, Burst = Math.Max(1, (int)(adapterRate / 10)), MaxConcurrency = 16,
}, time, loggerFactory);
// Cafe24 starts from an authorization-code grant: the sandbox issues the first tokens, the file store keeps the rotations.
using var cafe24Tokens = new FileCafe24TokenStore(Path.Combine(options.DataFolder, "cafe24-tokens"));
var granted = sandbox.Cafe24.Authorize();
await cafe24Tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
using var cafe24 = new Cafe24Channel("cafe24", new HttpClient(), new Cafe24ChannelOptions
{
    BaseAddress = sandbox.Cafe24.BaseAddress, MallId = sandbox.Cafe24.MallId, ClientId = sandbox.Cafe24.ClientId, ClientSecret = sandbox.Cafe24.ClientSecret,
    RequestsPerSecond = adapterRate, Burst = Math.Max(1, (int)(adapterRate / 10)), MaxConcurrency = 16,
}, cafe24Tokens, time, loggerFactory);
var wes = WesClientFactory.Create(new HttpClient(), new WesClientOptions { BaseAddress = sandbox.Wes.BaseAddress, ApiKey = sandbox.Wes.ApiKey }, time, loggerFactory);

var services = new ServiceCollection()
    .AddSingleton(loggerFactory)
    .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
    .AddSingleton(time)
    .AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("sample-access", "sample-refresh", time.GetUtcNow().AddHours(6))))
    .AddSlackNotifier(o => o.WebhookUrl = sandbox.Slack.WebhookUrl)
    .AddKakaoTalkNotifier(o =>
    {
        o.ApiBaseUrl = sandbox.Kakao.ApiBaseAddress;
        o.AuthBaseUrl = sandbox.Kakao.AuthBaseAddress;
        o.ClientId = sandbox.Kakao.ClientId;
        o.LinkUrl = new Uri("http://127.0.0.1/dashboard");
    })
    .AddAlertDispatcher();
sandbox.Kakao.IssueAccessToken("sample-access", time.GetUtcNow().AddHours(6));
await using var provider = services.BuildServiceProvider();
var dispatcher = provider.GetRequiredService<IAlertDispatcher>();

var catalog = new SkuCatalog(options.Skus);
var coupangListings = new ChannelListingMap("coupang", catalog);
foreach (var l in sandbox.Coupang.Listings)
{
    coupangListings.Add(ListingKey.Coupang(l.VendorItemId), l.SkuCode);
}

var naverListings = new ChannelListingMap("naver", catalog);
foreach (var l in sandbox.Naver.Listings)
{
    naverListings.Add(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode);
}

var cafe24Listings = new ChannelListingMap("cafe24", catalog);
foreach (var l in sandbox.Cafe24.Listings.Where(l => l.TracksInventory))
{
    cafe24Listings.Add(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode);
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160;
}

AnsiConsole.Write(new Rule("[bold]Orchestrator.Core sample[/]").LeftJustified());
AnsiConsole.MarkupLine($"Sandbox at [blue]{sandbox.BaseAddress}[/], store [blue]{dbPath}[/], {options.Skus:N0} SKUs × 3 channels, {drifted:N0} SKUs drifted in the WES.");

// 3. Order intake from the three channels' order APIs, polled twice (the second poll overlaps the first).
var start = time.GetUtcNow().AddMinutes(-30);
var delivered = sandbox.Coupang.AddOrders(options.Orders, start, TimeSpan.FromSeconds(5)).Count
    + sandbox.Naver.AddOrders(options.Orders, start, TimeSpan.FromSeconds(5)).Count
    + sandbox.Cafe24.AddOrders(options.Orders, start, TimeSpan.FromSeconds(5)).Count;
var intake = new List<IntakeResult>();
var router = new ChannelRouter();
await AnsiConsole.Status().StartAsync("Taking orders…", async _ =>
{
    foreach (var source in new IOrderSource[] { coupang, naver, cafe24 })
    {
        var pipeline = new OrderIntakePipeline(source, storage.OrderBuffer, storage.JobLocks, storage.Watermarks, router,
            new OrderIntakeOptions { PageSize = 50, InitialLookBack = TimeSpan.FromHours(2), LookBack = TimeSpan.FromHours(1) }, time, loggerFactory.CreateLogger<OrderIntakePipeline>());
        intake.AddRange(await pipeline.PollAllAsync(CancellationToken.None));
        intake.AddRange(await pipeline.PollAllAsync(CancellationToken.None));
    }
});

// 4. WF-INV-001, twice.
var sync = new ChannelSyncWorkflow(
    [
        new SyncChannel(coupang, coupangListings, new ChannelSellableRule("coupang")),
        new SyncChannel(naver, naverListings, new ChannelSellableRule("naver")),
        new SyncChannel(cafe24, cafe24Listings, new ChannelSellableRule("cafe24")),
    ],
    wes,
    new SyncStores(storage.SyncRuns, storage.PendingSync, storage.AllocationPauses),
    new ChannelSyncOptions { WarehouseId = Warehouse, CollectTimeout = TimeSpan.FromMinutes(5), SyncTimeout = TimeSpan.FromMinutes(5), AnalyzeTimeout = TimeSpan.FromSeconds(30), CheckTimeout = TimeSpan.FromSeconds(30) },
    alerts: dispatcher,
    timeProvider: time,
    logger: loggerFactory.CreateLogger<ChannelSyncWorkflow>());
ChannelSyncResult first = null!, second = null!;
await AnsiConsole.Status().StartAsync("Running WF-INV-001…", async ctx =>
{
    first = await sync.RunAsync("manual", CancellationToken.None);
    ctx.Status("Running WF-INV-001 again to confirm convergence…");
    second = await sync.RunAsync("manual", CancellationToken.None);
});

// 5. Summary.
var taken = intake.Sum(r => r.Inserted);
var duplicates = intake.Sum(r => r.Duplicates);
var intakeTable = new Table().Title("Order intake").AddColumns("source", "fetched", "taken", "duplicates ignored", "marked at source", "tasks");
foreach (var group in intake.GroupBy(r => r.Source))
{
    intakeTable.AddRow(group.Key, N(group.Sum(r => r.Fetched)), N(group.Sum(r => r.Inserted)), N(group.Sum(r => r.Duplicates)), N(group.Sum(r => r.Marked)), N(group.Sum(r => r.TasksCreated)));
}

AnsiConsole.Write(intakeTable);
var fetched = intake.Sum(r => r.Fetched);
var rejected = intake.Sum(r => r.Rejected);
AnsiConsole.MarkupLine($"Orders delivered by the simulators: {delivered:N0}; taken once: {taken:N0}; re-read and ignored as duplicates: {duplicates:N0}; fetched {fetched:N0} = taken + duplicates + rejected ({rejected:N0}).");

var syncTable = new Table().Title("WF-INV-001").AddColumns("run", "state", "compared", "mismatched", "pushed", "queued", "accuracy", "stockout", "API success", "duration");
foreach (var (label, run) in new[] { ("first", first), ("second", second) })
{
    syncTable.AddRow(label, run.State.ToString(), N((int)run.Kpis.TotalSkus), N(run.Mismatches?.Mismatches.Count ?? 0), N(run.Pushed), N(run.Queued),
        run.Kpis.SyncAccuracy.ToString("P2", CultureInfo.InvariantCulture), run.Kpis.StockoutRate.ToString("P2", CultureInfo.InvariantCulture),
        run.Kpis.ApiSuccessRate.ToString("P2", CultureInfo.InvariantCulture), $"{run.Kpis.Duration.TotalSeconds:0.0} s");
}

AnsiConsole.Write(syncTable);
var levels = first.Levels;
AnsiConsole.MarkupLine($"Stock levels: {levels?.Critical.Count ?? 0:N0} critical, {levels?.Low.Count ?? 0:N0} low, {levels?.Overstock.Count ?? 0:N0} overstock; " +
    $"alerts raised {first.Alerts.Count:N0}; Slack messages {sandbox.Slack.Messages.Count:N0}, KakaoTalk memos {sandbox.Kakao.Memos.Count:N0}; " +
    $"second run's alerts suppressed as repeats: {second.Dispatch?.Suppressed ?? 0:N0}.");
if (first.Mismatches is { } report)
{
    foreach (var channel in report.Channels)
    {
        AnsiConsole.MarkupLine($"  {channel.Channel}: {channel.Mismatched:N0} of {channel.Compared:N0} differed");
    }
}

var ok = first.State == Orchestrator.Storage.SyncRunState.Completed && second.State == Orchestrator.Storage.SyncRunState.Completed
    && taken == delivered && fetched == taken + duplicates + rejected && (second.Mismatches?.Mismatches.Count ?? -1) == 0;
AnsiConsole.MarkupLine(ok ? "[green]The summary adds up: every order taken once, every channel converged.[/]" : "[red]The summary does not add up; see the log above.[/]");
return ok ? 0 : 1;

static string N(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

/// <summary>Routes orders by channel: Coupang to flow A, the others to flow B.</summary>
internal sealed class ChannelRouter : IFlowRouter
{
    public FlowType Route(SourceOrder order) => order.Source == "coupang" ? FlowType.A : FlowType.B;
}

/// <summary>Command-line options.</summary>
internal sealed record SampleOptions(int Skus, double Drift, int Orders, string DataFolder, int Seed, double RequestsPerSecond)
{
    public static SampleOptions? Parse(string[] args)
    {
        var o = new SampleOptions(5_000, 0.02, 200, Path.Combine(Environment.CurrentDirectory, ".data"), 42, 1_000);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            o = args[i] switch
            {
                "--help" or "-h" => null,
                "--skus" => o with { Skus = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--drift" => o with { Drift = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--orders" => o with { Orders = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--data" => o with { DataFolder = Path.GetFullPath(Next()) },
                "--seed" => o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rps" => o with { RequestsPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture) },
                var unknown => throw new ArgumentException($"Unknown option {unknown}; see --help."),
            };
            if (o is null)
            {
                return null;
            }
        }

        return o;
    }

    public static void PrintHelp() => System.Console.WriteLine("""
        Orchestrator.Core sample: the main job on the sandbox simulators and an embedded SQLite store.

        Usage: dotnet run --project samples/Orchestrator.Samples.Console -- [options]

          --skus N     SKUs per channel (default 5000)
          --drift P    share of SKUs whose WES stock differs from the channels (default 0.02)
          --orders N   orders each channel's simulator streams (default 200)
          --data DIR   data folder for the SQLite file and tokens (default ./.data)
          --seed N     random seed of the generated catalog (default 42)
          --rps N      simulator and adapter request rate, per channel (default 1000)
          --help       this text
        """);
}
