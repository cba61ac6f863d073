using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Diagnostics;
using Orchestrator.Events;
using Orchestrator.Hosting;
using Orchestrator.Notifications;
using Orchestrator.Reconciliation;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Spectre.Console;

// The main job in one command: a generic host wired by AddOrchestrator, on the sandbox simulators (Coupang, Naver, Cafe24, a
// WES, Slack, KakaoTalk) unless configuration names the real services. Order intake from the three channels, the
// Inventory ↔ WES reconciliation and WF-INV-001, triggered through IOrchestratorTriggers and awaited via OrchestratorJobMonitor;
// then a summary that checks itself. Exit code 0 when it adds up, 1 when not, 2 on bad options.
if (args.Any(a => a is "--help" or "-h" or "-?"))
{
    SampleSettings.PrintHelp();
    return 0;
}

var watch = Stopwatch.StartNew();
args = SampleSettings.Normalize(args);
// appsettings.json is read next to the program (dotnet run keeps the caller's folder as the current one, where ./.data goes).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddEnvironmentVariables("ORCHESTRATOR_");                       // ORCHESTRATOR_Wes__ApiKey → Wes:ApiKey
builder.Configuration.AddCommandLine(args, SampleSettings.SwitchMappings);           // --skus 20000 → Sample:Skus; last, so it wins
var config = builder.Configuration;
SampleSettings settings;
try
{
    settings = SampleSettings.From(config.GetSection("Sample"));
}
catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"Bad option: {ex.Message} See --help.");
    return 2;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 160;
}

Directory.CreateDirectory(settings.DataFolder);
var warehouse = config["Orchestrator:WarehouseId"] is { Length: > 0 } w ? w : "WH1";
const string Prefix = "SKU-";

// Which parts are real: a section with settings switches that part from the sandbox to the real service.
bool Real(string section) => config.GetSection(section).GetChildren().Any(c => !string.IsNullOrEmpty(c.Value) || c.GetChildren().Any());
var realStorage = Real("Storage");
var realWes = Real("Wes");
string[] channelNames = ["coupang", "naver", "cafe24"];
var realChannel = channelNames.ToDictionary(c => c, c => Real("Channels:" + c));
var realSlack = Real("Slack");
var realKakao = Real("KakaoTalk");
var listingsCsv = config["Listings:Csv"];
var allSandbox = !realStorage && !realWes && !realChannel.Values.Any(r => r);

// 1. The simulators on loopback, always started (cheap); used for every part that is not configured.
var rps = settings.RequestsPerSecond;
var adapterRate = rps * 0.8;                                                          // adapters keep below the simulators' limit
var sandboxOptions = new SandboxOptions();
sandboxOptions.Coupang.ListingCount = sandboxOptions.Naver.ListingCount = sandboxOptions.Cafe24.ListingCount = settings.Skus;
sandboxOptions.Coupang.SkuPrefix = sandboxOptions.Naver.SkuPrefix = sandboxOptions.Cafe24.SkuPrefix = Prefix;
sandboxOptions.Coupang.Seed = sandboxOptions.Naver.Seed = sandboxOptions.Cafe24.Seed = settings.Seed;
sandboxOptions.Coupang.RequestsPerSecond = sandboxOptions.Naver.RequestsPerSecond = sandboxOptions.Cafe24.DrainPerSecond = rps;
sandboxOptions.Coupang.Burst = sandboxOptions.Naver.Burst = sandboxOptions.Cafe24.BucketSize = (int)rps;
await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);

// The WES holds the physical stock: the channels' catalog with a share of SKUs drifted and some units reserved; the book of
// record (Inventory) starts as the catalog, with a few locations recorded differently.
var random = new Random(settings.Seed);
var items = SandboxCatalog.Generate(settings.Skus, settings.Seed, Prefix);
var drifted = 0;
var wesStock = items.Select(item =>
{
    var onHand = item.Quantity;
    if (random.NextDouble() < settings.Drift)
    {
        drifted++;
        onHand = Math.Max(0, onHand + (random.Next(2) == 0 ? -random.Next(1, 20) : random.Next(1, 20)));
    }

    var reserved = random.Next(10) == 0 ? Math.Min(onHand, random.Next(1, 5)) : 0;
    return (item.SkuCode, onHand, reserved, (string?)$"A-{item.Index % 40:D2}");
}).ToList();
sandbox.Wes.Seed(warehouse, wesStock);
sandbox.Kakao.IssueAccessToken("sample-access", DateTimeOffset.UtcNow.AddHours(6));

var dbPath = Path.Combine(settings.DataFolder, "orchestrator.db");
if (!realStorage)
{
    foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
    {
        File.Delete(dbPath + suffix);                                                 // each run starts empty, so its summary adds up on its own
    }
}

var cafe24Tokens = new FileCafe24TokenStore(Path.Combine(settings.DataFolder, "cafe24-tokens"));
if (!realChannel["cafe24"])
{
    // Cafe24 starts from an authorization-code grant: the sandbox issues the first tokens, the file store keeps the rotations.
    var granted = sandbox.Cafe24.Authorize();
    await cafe24Tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
}

// 2. The host. Logging: warnings and errors only, so the progress display stays readable (Logging:LogLevel:Default to change).
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(cafe24Tokens);
builder.Services.AddSingleton<ICafe24TokenStore>(cafe24Tokens);
builder.Services.AddSingleton(sp => new OrchestratorMetrics(sp.GetService<IMeterFactory>()));
builder.Services.AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("sample-access", "sample-refresh", DateTimeOffset.UtcNow.AddHours(6))));
var hosting = config.GetSection("Orchestrator");
void Wire(IOrchestratorBuilder b)
{
    if (realStorage) { b.UseSqlite(config.GetSection("Storage")); }
    else { b.UseSqlite(s => s.ConnectionString = $"Data Source={dbPath}"); }

    if (realWes) { b.AddWes(config.GetSection("Wes")); }
    else { b.AddWes(o => { o.BaseAddress = sandbox.Wes.BaseAddress; o.ApiKey = sandbox.Wes.ApiKey; }); }

    if (realChannel["coupang"]) { b.AddCoupang("coupang", config.GetSection("Channels:coupang")); }
    else
    {
        b.AddCoupang("coupang", c =>
        {
            c.BaseAddress = sandbox.Coupang.BaseAddress; c.VendorId = sandbox.Coupang.VendorId; c.AccessKey = sandbox.Coupang.AccessKey; c.SecretKey = sandbox.Coupang.SecretKey;
            c.RequestsPerSecond = adapterRate; c.Burst = Math.Max(1, (int)(adapterRate / 10)); c.MaxConcurrency = 16;
        });
    }

    if (realChannel["naver"]) { b.AddNaver("naver", config.GetSection("Channels:naver")); }
    else
    {
        b.AddNaver("naver", n =>
        {
            n.BaseAddress = sandbox.Naver.BaseAddress; n.ClientId = sandbox.Naver.ClientId; n.ClientSecret = sandbox.Naver.ClientSecret;
            n.RequestsPerSecond = adapterRate; n.Burst = Math.Max(1, (int)(adapterRate / 10)); n.MaxConcurrency = 16;
        });
    }

    if (realChannel["cafe24"]) { b.AddCafe24("cafe24", config.GetSection("Channels:cafe24")); }
    else
    {
        b.AddCafe24("cafe24", c =>
        {
            c.BaseAddress = sandbox.Cafe24.BaseAddress; c.MallId = sandbox.Cafe24.MallId; c.ClientId = sandbox.Cafe24.ClientId; c.ClientSecret = sandbox.Cafe24.ClientSecret;
            c.RequestsPerSecond = adapterRate; c.Burst = Math.Max(1, (int)(adapterRate / 10)); c.MaxConcurrency = 16;
        });
    }

    if (realSlack) { b.AddSlack(config.GetSection("Slack")); }
    else { b.AddSlack(o => o.WebhookUrl = sandbox.Slack.WebhookUrl); }

    if (realKakao) { b.AddKakaoTalk(config.GetSection("KakaoTalk")); }
    else
    {
        b.AddKakaoTalk(o =>
        {
            o.ApiBaseUrl = sandbox.Kakao.ApiBaseAddress; o.AuthBaseUrl = sandbox.Kakao.AuthBaseAddress; o.ClientId = sandbox.Kakao.ClientId;
            o.LinkUrl = new Uri("http://127.0.0.1/dashboard");
        });
    }

    if (listingsCsv is { Length: > 0 }) { b.UseListingsCsv(listingsCsv); }
    else { b.UseListings((_, _) => ValueTask.FromResult(SandboxListings()), TimeSpan.FromHours(1)); }

    b.Configure(h =>
    {
        h.WarehouseId = warehouse;
        // The sample triggers every run itself; the schedules are set far away (a real worker keeps its crons).
        if (hosting["ChannelSync:Cron"] is null) { h.ChannelSync.Cron = "0 0 1 1 *"; }
        if (hosting["Reconciliation:Cron"] is null) { h.Reconciliation.Cron = "0 0 1 1 *"; }
    });
}

if (hosting.Exists()) { builder.Services.AddOrchestrator(hosting, Wire); }
else { builder.Services.AddOrchestrator(Wire); }

using var host = builder.Build();
var monitor = host.Services.GetRequiredService<OrchestratorJobMonitor>();
var triggers = host.Services.GetRequiredService<IOrchestratorTriggers>();

// Intake counts from the orchestrator's own metrics (orchestrator.intake.orders by source and outcome).
var intakeCounts = new Dictionary<(string Source, string Outcome), long>();
using var listener = new MeterListener();
listener.InstrumentPublished = (instrument, l) =>
{
    if (instrument.Meter.Name == OrchestratorDiagnostics.MeterName && instrument.Name == OrchestratorDiagnostics.OrdersTaken)
    {
        l.EnableMeasurementEvents(instrument);
    }
};
listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
{
    string source = "", outcome = "";
    foreach (var tag in tags)
    {
        if (tag.Key == "source") { source = tag.Value as string ?? ""; }
        else if (tag.Key == "outcome") { outcome = tag.Value as string ?? ""; }
    }

    lock (intakeCounts)
    {
        intakeCounts[(source, outcome)] = intakeCounts.GetValueOrDefault((source, outcome)) + value;
    }
});
listener.Start();
long Intake(string? source, string outcome)
{
    lock (intakeCounts)
    {
        return intakeCounts.Where(kv => (source is null || kv.Key.Source == source) && kv.Key.Outcome == outcome).Sum(kv => kv.Value);
    }
}

AnsiConsole.Write(new Rule("[bold]Orchestrator.Core sample[/]").LeftJustified());
AnsiConsole.MarkupLine(Markup.Escape(
    $"{(allSandbox ? "Sandbox simulators" : "Mixed: configured services + sandbox")} at {sandbox.BaseAddress}; store {(realStorage ? "(configured)" : dbPath)}; " +
    $"{settings.Skus:N0} SKUs × 3 channels, {drifted:N0} SKUs drifted in the WES; {settings.Cycles} cycle(s) of {settings.Orders:N0} orders per channel" +
    (settings.Faults ? "; faults injected" : string.Empty) + "."));
if (!allSandbox)
{
    AnsiConsole.MarkupLine("Configured parts: " + Markup.Escape(string.Join(", ",
        new[] { realStorage ? "storage" : null, realWes ? "WES" : null, realSlack ? "Slack" : null, realKakao ? "KakaoTalk" : null, listingsCsv is { Length: > 0 } ? "listings CSV" : null }
        .Concat(realChannel.Where(c => c.Value).Select(c => c.Key)).OfType<string>())) + " (secrets are never printed).");
}

var exit = 1;
try
{
    await host.StartAsync();

    // The book of record starts as the channels' catalog (the WES differs where it drifted); 1 in 200 locations recorded elsewhere.
    if (!realStorage)
    {
        var storage = host.Services.GetRequiredService<SqliteOrchestratorStorage>();
        var now = DateTimeOffset.UtcNow;
        await storage.LoadInventoryAsync([.. items.Select(i => new InventoryPosition(warehouse, i.SkuCode, i.Quantity, 0, 0, i.Index % 200 == 7 ? $"B-{i.Index % 40:D2}" : $"A-{i.Index % 40:D2}", 0, now))]);
    }

    var run = new SampleRun(settings, sandbox, realChannel, monitor, triggers, host.Services, Intake);
    exit = await run.ExecuteAsync(watch);
}
finally
{
    using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(30));
    await host.StopAsync(stopping.Token);                                           // graceful: running jobs finish or are cancelled after the grace period
}

AnsiConsole.MarkupLine($"Host stopped gracefully; {watch.Elapsed.TotalSeconds:0.0} s in all.");
return exit;

ListingCatalog SandboxListings()
{
    var catalog = new SkuCatalog(settings.Skus);
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

    return new ListingCatalog(catalog, [coupang, naver, cafe24], "sandbox");
}
