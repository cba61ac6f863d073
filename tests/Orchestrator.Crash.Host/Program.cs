using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Crash.Host;
using Orchestrator.Storage;

// A worker host as a merchant would write it: everything comes from configuration (environment variables Orchestrator__… and Connections__…,
// set by the crash tests), plus Crash__Storage (sqlite | postgresql) and Crash__Listings (the listings CSV path).
var builder = Host.CreateApplicationBuilder(args);
var cfg = builder.Configuration.GetSection("Orchestrator");
var connections = builder.Configuration.GetSection("Connections"); // Storage, Wes, Channels:{name}: not keys of the Orchestrator section
var storage = builder.Configuration["Crash:Storage"] ?? "sqlite";
var listings = builder.Configuration["Crash:Listings"] ?? throw new InvalidOperationException("Crash:Listings is not set.");
builder.Services.AddOrchestrator(cfg, b =>
{
    _ = storage == "postgresql" ? b.UsePostgreSql(connections.GetSection("Storage")) : b.UseSqlite(connections.GetSection("Storage"));
    b.AddWes(connections.GetSection("Wes"))
        .AddCoupang("coupang", connections.GetSection("Channels:coupang"))
        .AddNaver("naver", connections.GetSection("Channels:naver"))
        .AddCafe24("cafe24", connections.GetSection("Channels:cafe24"))
        .UseListingsCsv(listings);
});

// Test labels only (they change nothing the orchestrator does): every HTTP request says which host sent it, and every order request
// which intake poll it belongs to, so the sandbox can check from outside that polls of one partition never interleave.
var labels = new PollLabels(cfg["InstanceName"] ?? "unnamed");
builder.Services.ConfigureHttpClientDefaults(h => h.AddHttpMessageHandler(() => new CrashLabelHandler(labels)));
var locks = builder.Services.Last(d => d.ServiceType == typeof(IJobLockStore));
builder.Services.Remove(locks);
var lockOff = string.Equals(builder.Configuration["Crash:IntakeLockOff"], "true", StringComparison.OrdinalIgnoreCase);
builder.Services.AddSingleton<IJobLockStore>(sp => new LabellingJobLockStore((IJobLockStore)locks.ImplementationFactory!(sp), labels, lockOff));

using var host = builder.Build();
await host.RunAsync();
