using System.Security.Cryptography;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Events;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;

// The workers hosted in a web app, plus the consistency dashboard, on the sandbox simulators (Coupang, Naver, Cafe24, a WES) and a
// SQLite file: `dotnet run --project samples/Orchestrator.Samples.Web`, then open http://127.0.0.1:5080/orchestrator/.
var builder = WebApplication.CreateBuilder(args);
var sample = builder.Configuration.GetSection("Sample");
var dataFolder = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, sample["DataFolder"] ?? "data"));
var skuCount = sample.GetValue("Skus", 2000);
var drift = sample.GetValue("Drift", 0.02);
var seed = sample.GetValue("Seed", 7);
var warehouse = sample["Warehouse"] ?? "WH1";
var rps = sample.GetValue("RequestsPerSecond", 400d);     // the sandbox's limit, raised from the real ones so the demo is quick
var adapterRate = rps * 0.8;                             // adapters keep below it
const string Prefix = "SKU-";
Directory.CreateDirectory(dataFolder);

// 1. Simulators on loopback: every channel lists the same catalog; the WES holds the physical stock, a share of SKUs drifted.
var sandboxOptions = new SandboxOptions();
sandboxOptions.Coupang.ListingCount = sandboxOptions.Naver.ListingCount = sandboxOptions.Cafe24.ListingCount = skuCount;
sandboxOptions.Coupang.SkuPrefix = sandboxOptions.Naver.SkuPrefix = sandboxOptions.Cafe24.SkuPrefix = Prefix;
sandboxOptions.Coupang.Seed = sandboxOptions.Naver.Seed = sandboxOptions.Cafe24.Seed = seed;
sandboxOptions.Coupang.RequestsPerSecond = sandboxOptions.Naver.RequestsPerSecond = sandboxOptions.Cafe24.DrainPerSecond = rps;
sandboxOptions.Coupang.Burst = sandboxOptions.Naver.Burst = sandboxOptions.Cafe24.BucketSize = (int)rps;
await using var sandbox = await SandboxServer.StartAsync(sandboxOptions);
var items = SandboxCatalog.Generate(skuCount, seed, Prefix);
var random = new Random(seed);
sandbox.Wes.Seed(warehouse, items.Select(item =>
{
    var onHand = random.NextDouble() < drift ? Math.Max(0, item.Quantity + random.Next(-15, 16)) : item.Quantity;
    return (item.SkuCode, onHand, 0, (string?)$"A-{item.Index % 40:D2}");
}).ToList());
var now = DateTimeOffset.UtcNow;
sandbox.Coupang.AddOrders(50, now.AddMinutes(-10), TimeSpan.FromSeconds(5));
sandbox.Naver.AddOrders(50, now.AddMinutes(-10), TimeSpan.FromSeconds(5));
sandbox.Cafe24.AddOrders(50, now.AddMinutes(-10), TimeSpan.FromSeconds(5));

// Cafe24 starts from an authorization-code grant; the file store keeps the rotated tokens.
var cafe24Tokens = new FileCafe24TokenStore(Path.Combine(dataFolder, "cafe24-tokens"));
var granted = sandbox.Cafe24.Authorize();
await cafe24Tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);

// 2. The orchestrator host: store, WES, channels, listings; the workflows run on their schedules and on triggers.
builder.Services.AddSingleton<ICafe24TokenStore>(cafe24Tokens);
builder.Services.AddOrchestrator(o => o
    .UseSqlite(s => s.ConnectionString = $"Data Source={Path.Combine(dataFolder, "orchestrator.db")}")
    .AddWes(w => { w.BaseAddress = sandbox.Wes.BaseAddress; w.ApiKey = sandbox.Wes.ApiKey; })
    .AddCoupang("coupang", c => { c.BaseAddress = sandbox.Coupang.BaseAddress; c.VendorId = sandbox.Coupang.VendorId; c.AccessKey = sandbox.Coupang.AccessKey; c.SecretKey = sandbox.Coupang.SecretKey; Rate(c); })
    .AddNaver("naver", n => { n.BaseAddress = sandbox.Naver.BaseAddress; n.ClientId = sandbox.Naver.ClientId; n.ClientSecret = sandbox.Naver.ClientSecret; n.RequestsPerSecond = adapterRate; n.Burst = Math.Max(1, (int)(adapterRate / 10)); n.MaxConcurrency = 16; })
    .AddCafe24("cafe24", c => { c.BaseAddress = sandbox.Cafe24.BaseAddress; c.MallId = sandbox.Cafe24.MallId; c.ClientId = sandbox.Cafe24.ClientId; c.ClientSecret = sandbox.Cafe24.ClientSecret; c.RequestsPerSecond = adapterRate; c.Burst = Math.Max(1, (int)(adapterRate / 10)); c.MaxConcurrency = 16; })
    .UseListings((_, _) => ValueTask.FromResult(Listings()), TimeSpan.FromHours(1))
    .Configure(h =>
    {
        h.WarehouseId = warehouse;
        h.ChannelSync.Cron = "*/2 * * * *";
        h.Reconciliation.Cron = "*/5 * * * *";
        h.ChannelSyncWorkflow.CollectTimeout = h.ChannelSyncWorkflow.SyncTimeout = TimeSpan.FromMinutes(5);
    }));

// 3. The dashboard. Keys come from configuration (Dashboard:ApiKeys:<user>, Dashboard:EventSigningSecret); when none is configured
// the sample generates them into files in the data folder (never printed or logged: read them from the files).
var dashboard = builder.Configuration.GetSection("Dashboard");
var keys = dashboard.GetSection("ApiKeys").GetChildren().Where(k => !string.IsNullOrEmpty(k.Value)).ToDictionary(k => k.Key, k => k.Value!);
if (keys.Count == 0)
{
    keys["operator"] = SecretFile(Path.Combine(dataFolder, "dashboard-api-key.txt"));
}

var eventSecret = dashboard["EventSigningSecret"] is { Length: > 0 } s ? s : SecretFile(Path.Combine(dataFolder, "event-signing-secret.txt"));
builder.Services.AddOrchestratorDashboard(o =>
{
    foreach (var (user, key) in keys)
    {
        o.ApiKeys[user] = key;
    }

    o.EventSigningSecret = eventSecret;
});

var app = builder.Build();

// The book of record starts as the channels' catalog; the WES differs where it drifted, which the reconciliation finds.
var storage = app.Services.GetRequiredService<SqliteOrchestratorStorage>();
await storage.LoadInventoryAsync([.. items.Select(i => new InventoryPosition(warehouse, i.SkuCode, i.Quantity, 0, 0, $"A-{i.Index % 40:D2}", 0, now))]);

app.MapHealthChecks("/health").AllowAnonymous();
app.MapOrchestratorDashboard("/orchestrator");
app.MapGet("/", () => Results.Redirect("/orchestrator/")).AllowAnonymous();
app.Lifetime.ApplicationStarted.Register(() =>
{
    // Show something at once: a reconciliation (finds the drifted SKUs) and a channel sync, instead of waiting for the schedules.
    var triggers = app.Services.GetRequiredService<IOrchestratorTriggers>();
    _ = triggers.RequestReconciliationAsync("startup", CancellationToken.None);
    _ = triggers.RequestChannelSyncAsync("startup", null, CancellationToken.None);
});
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine(
    $"Dashboard at {app.Urls.FirstOrDefault()}/orchestrator/ — log in with the key in {Path.Combine(dataFolder, "dashboard-api-key.txt")} " +
    $"(unless Dashboard:ApiKeys is configured). Health at /health. Sandbox simulators at {sandbox.BaseAddress}."));
await app.RunAsync();
return;

ListingCatalog Listings()
{
    var catalog = new SkuCatalog(skuCount);
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

void Rate(Orchestrator.Channels.Coupang.CoupangChannelOptions c)
{
    c.RequestsPerSecond = adapterRate;
    c.Burst = Math.Max(1, (int)(adapterRate / 10));
    c.MaxConcurrency = 16;
}

// A random secret kept in a file readable by the owner only, created once.
static string SecretFile(string path)
{
    if (!File.Exists(path))
    {
        File.WriteAllText(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    return File.ReadAllText(path).Trim();
}
