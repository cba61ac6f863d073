using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Dashboard;
using Orchestrator.Hosting;
using Orchestrator.Notifications;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// A web host as a merchant would write it, configured only from key/value configuration: <c>Orchestrator</c> (hosting options),
/// <c>Connections:Storage</c> (<c>Connections:StorageProvider</c> = sqlite | postgresql), <c>Connections:Wes</c>,
/// <c>Connections:Channels:{coupang,naver,cafe24}</c>, <c>Connections:Slack</c>, <c>Connections:KakaoTalk</c> and <c>Dashboard</c>
/// (bound with unknown keys as an error), on loopback Kestrel with the dashboard at <c>/orchestrator</c> and health at <c>/health</c>.
/// </summary>
internal static class ConfiguredHost
{
    public const string DashboardKey = "dashboard-api-key-0123456789";

    /// <summary>A configuration every verb accepts; the secrets in it are listed by <see cref="Secrets"/>.</summary>
    public static Dictionary<string, string?> Valid(string folder) => new(StringComparer.Ordinal)
    {
        ["Orchestrator:WarehouseId"] = "WH1",
        ["Orchestrator:InstanceName"] = "config-corpus",
        ["Orchestrator:ChannelSync:Cron"] = "0 0 1 1 *",
        ["Orchestrator:ChannelSync:TimeZone"] = "Asia/Seoul",
        ["Orchestrator:Reconciliation:Cron"] = "0 0 1 1 *",
        ["Orchestrator:IntakeEnabled"] = "false",
        ["Orchestrator:PendingSyncInterval"] = "00:05:00",
        ["Orchestrator:Intake:PollInterval"] = "00:01:00",
        ["Orchestrator:Intake:PageSize"] = "100",
        ["Orchestrator:FlowRouting:DefaultFlow"] = "A",
        ["Orchestrator:FlowRouting:Rules:0:WarehouseId"] = "WH2",
        ["Orchestrator:FlowRouting:Rules:0:Flow"] = "B",
        ["Orchestrator:ChannelRules:coupang:SafetyBuffer"] = "1",
        ["Connections:StorageProvider"] = "sqlite",
        ["Connections:Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "host.db")}",
        ["Connections:Wes:BaseAddress"] = "https://wes.example.com/",
        ["Connections:Wes:ApiKey"] = "wes-key-7c1d2e3f4a5b6c7d",
        ["Connections:Channels:coupang:BaseAddress"] = "https://api-gateway.coupang.com/",
        ["Connections:Channels:coupang:VendorId"] = "A00012345",
        ["Connections:Channels:coupang:AccessKey"] = "coupang-access-4f5e6d7c8b9a",
        ["Connections:Channels:coupang:SecretKey"] = "coupang-secret-1a2b3c4d5e6f",
        ["Connections:Channels:naver:ClientId"] = "naver-client",
        ["Connections:Channels:naver:ClientSecret"] = "$2a$04$naverSecretSaltValue12",
        ["Connections:Channels:cafe24:MallId"] = "mall",
        ["Connections:Channels:cafe24:ClientId"] = "cafe24-client",
        ["Connections:Channels:cafe24:ClientSecret"] = "cafe24-secret-9f8e7d6c5b4a",
        ["Connections:Channels:cafe24:TokenDirectory"] = Path.Combine(folder, "cafe24"),
        ["Connections:Slack:WebhookUrl"] = "https://hooks.slack.com/services/T0001/B0001/slackWebhookSecret0042",
        ["Connections:KakaoTalk:ClientId"] = "kakao-client",
        ["Connections:KakaoTalk:ClientSecret"] = "kakao-secret-0d9c8b7a6f5e",
        ["Connections:KakaoTalk:LinkUrl"] = "https://ops.example.com/orchestrator",
        ["Dashboard:ApiKeys:ops"] = DashboardKey,
        ["Dashboard:EventSigningSecret"] = "event-signing-secret-0123456789abcdef",
        ["Dashboard:RefreshInterval"] = "00:00:05",
    };

    /// <summary>The secret values of <see cref="Valid"/> (none may appear in an error).</summary>
    public static IReadOnlyList<string> Secrets(IReadOnlyDictionary<string, string?> configuration) =>
    [
        .. configuration.Where(kv => kv.Key.EndsWith("ApiKey", StringComparison.Ordinal) || kv.Key.EndsWith("SecretKey", StringComparison.Ordinal)
            || kv.Key.EndsWith("AccessKey", StringComparison.Ordinal) || kv.Key.EndsWith("ClientSecret", StringComparison.Ordinal)
            || kv.Key.EndsWith("SigningSecret", StringComparison.Ordinal) || kv.Key.StartsWith("Dashboard:ApiKeys:", StringComparison.Ordinal)
            || kv.Key.EndsWith("Password", StringComparison.Ordinal))
            .Select(kv => kv.Value).OfType<string>(),
        .. configuration.Where(kv => kv.Key.EndsWith("WebhookUrl", StringComparison.Ordinal) && kv.Value is not null)
            .Select(kv => kv.Value!.TrimEnd('/').Split('/')[^1]),
    ];

    /// <summary>Builds the host (Kestrel on 127.0.0.1, a free port). Errors of binding and validation come from <c>StartAsync</c>.</summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> configuration, ILoggerProvider logs, string listingsCsv, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        var cfg = builder.Configuration;
        var connections = cfg.GetSection("Connections");
        builder.Services.AddSingleton<IKakaoTokenStore>(new InMemoryKakaoTokenStore(new KakaoTokens("kakao-access-token-1a2b3c4d", "kakao-refresh-token-5e6f7a8b", DateTimeOffset.UtcNow.AddHours(6))));
        builder.Services.AddOrchestrator(cfg.GetSection("Orchestrator"), b =>
        {
            _ = connections["StorageProvider"] == "postgresql" ? b.UsePostgreSql(connections.GetSection("Storage")) : b.UseSqlite(connections.GetSection("Storage"));
            if (connections.GetSection("Wes").Exists())
            {
                b.AddWes(connections.GetSection("Wes"));
            }

            foreach (var (name, add) in new (string, Func<IOrchestratorBuilder, string, IConfigurationSection, IOrchestratorBuilder>)[]
            {
                ("coupang", (x, n, s) => x.AddCoupang(n, s)), ("naver", (x, n, s) => x.AddNaver(n, s)), ("cafe24", (x, n, s) => x.AddCafe24(n, s)),
            })
            {
                if (connections.GetSection("Channels:" + name).Exists())
                {
                    add(b, name, connections.GetSection("Channels:" + name));
                }
            }

            if (connections.GetSection("Slack").Exists())
            {
                b.AddSlack(connections.GetSection("Slack"));
            }

            if (connections.GetSection("KakaoTalk").Exists())
            {
                b.AddKakaoTalk(connections.GetSection("KakaoTalk"));
            }

            b.UseListingsCsv(listingsCsv);
        });
        builder.Services.AddOrchestratorDashboard(o => cfg.GetSection("Dashboard").Bind(o, x => x.ErrorOnUnknownConfiguration = true));
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapOrchestratorDashboard();
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }
}
