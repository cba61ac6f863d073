using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orchestrator.Intake.Sql;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// Bad configuration, one case per input, for every package verb a host uses (storage, WES, the three channels, Slack,
/// KakaoTalk, intake, flow routing, cron schedules, the dashboard) and for the SQL order source's table mapping: each must stop
/// the host at start-up (or the source at construction) with a typed error that names the key and echoes no secret.
/// </summary>
public sealed class BadConfigurationCorpusTests
{
    /// <summary>One bad input: which verb, what kind of mistake, the change to the valid configuration, and the text the error must name.</summary>
    public sealed record ConfigCase(string Verb, string Kind, string Key, string? Value, string Expect, bool Remove = false)
    {
        public string Name => $"{Verb}: {Kind} {Key}{(Remove ? " (removed)" : "=" + Value)}";
    }

    public static IReadOnlyList<ConfigCase> HostCases { get; } = BuildHostCases();

    public static IReadOnlyList<ConfigCase> SqlSourceCases { get; } = BuildSqlSourceCases();

    public static TheoryData<string> HostCaseNames => new(HostCases.Select(c => c.Name));

    public static TheoryData<string> SqlSourceCaseNames => new(SqlSourceCases.Select(c => c.Name));

    [Fact]
    public async Task The_valid_configuration_starts_so_each_case_fails_for_its_own_input()
    {
        var folder = NewFolder();
        try
        {
            var logs = new CapturingLoggerProvider();
            await using var app = ConfiguredHost.Build(ConfiguredHost.Valid(folder), logs, Listings(folder));
            await app.StartAsync(TestContext.Current.CancellationToken);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            Delete(folder);
        }
    }

    [Theory]
    [MemberData(nameof(HostCaseNames))]
    public async Task A_host_with_bad_configuration_refuses_to_start_naming_the_key_without_echoing_a_secret(string name)
    {
        var @case = HostCases.Single(c => c.Name == name);
        var folder = NewFolder();
        try
        {
            var configuration = ConfiguredHost.Valid(folder);
            var secrets = ConfiguredHost.Secrets(configuration).Append("pg-secret-pass-77").Append("sqlite-secret-pw-31").ToList();
            if (@case.Verb == "Storage (PostgreSQL)")
            {
                configuration["Connections:StorageProvider"] = "postgresql";
                configuration["Connections:Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=o;Password=pg-secret-pass-77";
            }

            if (@case.Remove)
            {
                Assert.True(configuration.Remove(@case.Key), $"the valid configuration has no key {@case.Key}");
            }
            else
            {
                configuration[@case.Key] = @case.Value;
            }

            var logs = new CapturingLoggerProvider();
            var error = await Record.ExceptionAsync(async () =>
            {
                await using var app = ConfiguredHost.Build(configuration, logs, Listings(folder));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                timeout.CancelAfter(TimeSpan.FromMinutes(1));
                await app.StartAsync(timeout.Token);
                await app.StopAsync(TestContext.Current.CancellationToken);
            });

            Assert.True(error is not null, $"the host started with {@case.Name}");
            Assert.True(IsTyped(error), $"{@case.Name}: untyped {error.GetType().Name}: {error.Message}");
            var message = Messages(error);
            Assert.True(message.Contains(@case.Expect, StringComparison.Ordinal), $"{@case.Name}: '{@case.Expect}' is not named in: {message}");
            var leaks = SecretLeakTests.Scan(secrets, logs.Lines.Append(error.ToString()));
            Assert.True(leaks.Count == 0, $"{@case.Name}: " + string.Join(Environment.NewLine, leaks));
        }
        finally
        {
            Delete(folder);
        }
    }

    [Theory]
    [MemberData(nameof(SqlSourceCaseNames))]
    public void The_sql_order_source_refuses_a_bad_mapping_from_configuration_naming_the_key(string name)
    {
        var @case = SqlSourceCases.Single(c => c.Name == name);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Source:Name"] = "erp", ["Source:NewStatuses:0"] = "PAID" };
        if (@case.Remove)
        {
            values[@case.Key] = string.Empty;
        }
        else
        {
            values[@case.Key] = @case.Value;
        }

        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Source");
        using var dataSource = SqliteFactory.Instance.CreateDataSource("Data Source=:memory:");

        var error = Record.Exception(() => new SqlOrderSource(dataSource, section.Get<SqlOrderSourceOptions>(o => o.ErrorOnUnknownConfiguration = true)!));

        Assert.True(error is not null, $"the source took {@case.Name}");
        Assert.True(error is ValidationException or InvalidOperationException, $"{@case.Name}: untyped {error.GetType().Name}: {error.Message}");
        var message = Messages(error);
        Assert.True(message.Contains(@case.Expect, StringComparison.Ordinal), $"{@case.Name}: '{@case.Expect}' is not named in: {message}");
    }

    [Fact]
    public void The_corpus_covers_every_verb_and_kind()
    {
        var all = HostCases.Concat(SqlSourceCases).ToList();
        var byVerb = all.GroupBy(c => c.Verb).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byKind = all.GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        TestContext.Current.TestOutputHelper?.WriteLine($"configuration corpus: {all.Count} inputs; by verb: {string.Join(", ", byVerb.Select(kv => $"{kv.Key} {kv.Value}"))}; by kind: {string.Join(", ", byKind.Select(kv => $"{kv.Key} {kv.Value}"))}");

        Assert.Equal(all.Count, all.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        foreach (var verb in new[] { "Storage (SQLite)", "Storage (PostgreSQL)", "Wes", "Coupang", "Naver", "Cafe24", "Slack", "KakaoTalk", "Intake", "SqlOrderSource", "FlowRouting", "Schedule", "Hosting", "Dashboard" })
        {
            Assert.True(byVerb.ContainsKey(verb), $"no case for {verb}");
        }
    }

    /// <summary>The message with the messages of the inner exceptions (the configuration binder names the key in its inner exception).</summary>
    internal static string Messages(Exception error)
    {
        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" -> ", messages);
    }

    internal static bool IsTyped(Exception error) => error switch
    {
        AggregateException e => e.InnerExceptions.All(IsTyped),
        OptionsValidationException => true,
        ValidationException => true,
        ArgumentException => true, // a missing or empty section
        InvalidOperationException e => e.Message.Contains("Connections:", StringComparison.Ordinal) || e.Message.Contains("Orchestrator", StringComparison.Ordinal)
            || e.Message.Contains("Dashboard", StringComparison.Ordinal) || e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static List<ConfigCase> BuildHostCases()
    {
        const string Missing = "missing", Zero = "zero or negative", Url = "malformed URL", Plain = "plain http", Unknown = "unknown key", Cron = "bad cron",
            Zone = "bad time zone", Value = "unparsable value", Range = "out of range";
        var cases = new List<ConfigCase>();
        void Set(string verb, string kind, string key, string value, string? expect = null) => cases.Add(new ConfigCase(verb, kind, key, value, expect ?? key.Split(':')[^1]));
        void Remove(string verb, string key, string? expect = null) => cases.Add(new ConfigCase(verb, Missing, key, null, expect ?? key.Split(':')[^1], Remove: true));

        // Storage
        const string Sqlite = "Storage (SQLite)", Pg = "Storage (PostgreSQL)", S = "Connections:Storage:";
        Remove(Sqlite, S + "ConnectionString", "Connections:Storage");
        Set(Sqlite, Missing, S + "ConnectionString", string.Empty, "ConnectionString");
        Set(Sqlite, Value, S + "ConnectionString", "Data Source=x.db;Password=sqlite-secret-pw-31;Bogus Keyword=1", "connection string is not valid");
        Set(Sqlite, Zero, S + "BusyTimeout", "00:00:00");
        Set(Sqlite, Zero, S + "BusyTimeout", "-00:00:05");
        Set(Sqlite, Value, S + "BusyTimeout", "thirty seconds");
        Set(Sqlite, Unknown, S + "Pasword", "x");
        Remove(Pg, S + "ConnectionString", "Connections:Storage");
        Set(Pg, Value, S + "ConnectionString", "Host=127.0.0.1;Password=pg-secret-pass-77;Bogus Keyword=1", "connection string is not valid");
        Set(Pg, Unknown, S + "Schema", "orchestrator");

        // WES
        const string W = "Connections:Wes:";
        Remove("Wes", W + "ApiKey");
        Remove("Wes", W + "BaseAddress");
        Set("Wes", Url, W + "BaseAddress", "not a url", "BaseAddress");
        Set("Wes", Plain, W + "BaseAddress", "http://wes.example.com/", "BaseAddress");
        Set("Wes", Url, W + "BaseAddress", "ftp://wes.example.com/", "BaseAddress");
        Set("Wes", Zero, W + "PageSize", "0");
        Set("Wes", Zero, W + "RequestsPerSecond", "-1");
        Set("Wes", Zero, W + "AttemptTimeout", "00:00:00");
        Set("Wes", Zero, W + "RetryDelay", "-00:00:01");
        Set("Wes", Range, W + "MaxRetries", "11");
        Set("Wes", Unknown, W + "ApiKy", "wes-key-typo");

        // Channels
        const string C = "Connections:Channels:coupang:", N = "Connections:Channels:naver:", F = "Connections:Channels:cafe24:";
        Remove("Coupang", C + "VendorId");
        Remove("Coupang", C + "AccessKey");
        Remove("Coupang", C + "SecretKey");
        Set("Coupang", Plain, C + "BaseAddress", "http://api-gateway.coupang.com/", "BaseAddress");
        Set("Coupang", Url, C + "BaseAddress", "api-gateway.coupang.com", "BaseAddress");
        Set("Coupang", Zero, C + "RequestsPerSecond", "0");
        Set("Coupang", Zero, C + "AttemptTimeout", "00:00:00");
        Set("Coupang", Zero, C + "KeyLifetime", "00:00:00");
        Set("Coupang", Value, C + "MaxConcurrency", "many");
        Set("Coupang", Unknown, C + "Secret", "coupang-secret-typo");
        Remove("Naver", N + "ClientId");
        Remove("Naver", N + "ClientSecret");
        Set("Naver", Value, N + "ClientSecret", "naver-secret-not-bcrypt-55aa", "ClientSecret");
        Set("Naver", Plain, N + "BaseAddress", "http://api.commerce.naver.com/external", "BaseAddress");
        Set("Naver", Zero, N + "Burst", "0");
        Set("Naver", Zero, N + "TokenRenewBefore", "00:00:00");
        Set("Naver", Unknown, N + "ClientSecrett", "naver-secret-typo");
        Remove("Cafe24", F + "MallId");
        Remove("Cafe24", F + "ClientSecret");
        Set("Cafe24", Value, F + "ApiVersion", "2025/12/01");
        Set("Cafe24", Plain, F + "BaseAddress", "http://mall.cafe24api.com/", "BaseAddress");
        Set("Cafe24", Zero, F + "ProductPageSize", "0");
        Set("Cafe24", Zero, F + "ShopNo", "-1");
        Set("Cafe24", Unknown, F + "Mall", "mall");

        // Notifications
        const string K = "Connections:KakaoTalk:", L = "Connections:Slack:";
        Set("Slack", Missing, L + "WebhookUrl", string.Empty, "WebhookUrl");
        Set("Slack", Plain, L + "WebhookUrl", "http://hooks.slack.com/services/T0001/B0001/slackWebhookSecret0042", "WebhookUrl");
        Set("Slack", Url, L + "WebhookUrl", "hooks.slack.com/services/T0001/B0001/slackWebhookSecret0042", "WebhookUrl");
        Set("Slack", Zero, L + "MaxAlertsPerMessage", "0");
        Set("Slack", Zero, L + "RetryDelay", "-00:00:01");
        Set("Slack", Unknown, L + "Webhook", "https://hooks.slack.com/services/x");
        Remove("KakaoTalk", K + "ClientId");
        Remove("KakaoTalk", K + "LinkUrl");
        Set("KakaoTalk", Plain, K + "ApiBaseUrl", "http://kapi.kakao.com/", "ApiBaseUrl");
        Set("KakaoTalk", Url, K + "LinkUrl", "not a url", "LinkUrl");
        Set("KakaoTalk", Range, K + "ButtonTitle", "a button title that is too long", "ButtonTitle");
        Set("KakaoTalk", Zero, K + "MaxRetries", "-1");
        Set("KakaoTalk", Unknown, K + "ClientSecrt", "kakao-secret-typo");

        // Hosting, schedules, intake, flow routing
        const string O = "Orchestrator:";
        Remove("Hosting", O + "WarehouseId");
        Set("Hosting", Zero, O + "LeaseDuration", "00:00:00");
        Set("Hosting", Zero, O + "LeaseDuration", "-00:01:00");
        Set("Hosting", Zero, O + "PendingSyncInterval", "00:00:00");
        Set("Hosting", Zero, O + "OrderTaskInterval", "-00:00:01");
        Set("Hosting", Zero, O + "HealthStaleAfterPeriods", "0");
        Set("Hosting", Value, O + "ErrorBackoff", "soon");
        Set("Hosting", Range, O + "ChannelRules:coupang:SafetyBuffer", "-1", "SafetyBuffer");
        Set("Hosting", Range, O + "ChannelRules:coupang:AllocationShare", "1.5", "AllocationShare");
        Set("Hosting", Unknown, O + "ChanelSync:Cron", "*/5 * * * *", "ChanelSync");
        Set("Schedule", Cron, O + "ChannelSync:Cron", "*/10 * *", "ChannelSync");
        Set("Schedule", Cron, O + "ChannelSync:Cron", "61 * * * *", "ChannelSync");
        Set("Schedule", Cron, O + "Reconciliation:Cron", "every hour", "Reconciliation");
        // The message names the schedule ('Orchestrator:Reconciliation: The value cannot be an empty string') but not the Cron key itself.
        Set("Schedule", Missing, O + "Reconciliation:Cron", string.Empty, "Orchestrator:Reconciliation");
        Set("Schedule", Zone, O + "ChannelSync:TimeZone", "Nowhere/City", "Nowhere/City");
        Set("Schedule", Zone, O + "Reconciliation:TimeZone", "UTC+25", "UTC+25");
        Set("Schedule", Unknown, O + "ChannelSync:Crn", "0 * * * *", "Crn");
        Set("Intake", Zero, O + "Intake:PollInterval", "00:00:00", "PollInterval");
        Set("Intake", Zero, O + "Intake:PageSize", "0", "PageSize");
        Set("Intake", Zero, O + "Intake:PageSize", "-5", "PageSize");
        Set("Intake", Zero, O + "Intake:MaxPagesPerPoll", "0", "MaxPagesPerPoll");
        Set("Intake", Range, O + "Intake:LockLease", "00:00:01", "LockLease");
        Set("Intake", Zero, O + "Intake:InitialLookBack", "-1.00:00:00", "InitialLookBack");
        Set("Intake", Value, O + "Intake:PageSize", "a hundred", "PageSize");
        Set("Intake", Unknown, O + "Intake:PageSise", "100", "PageSise");
        Remove("FlowRouting", O + "FlowRouting:Rules:0:WarehouseId", "Flow rule 0");
        Set("FlowRouting", Value, O + "FlowRouting:DefaultFlow", "C", "DefaultFlow");
        Set("FlowRouting", Value, O + "FlowRouting:Rules:0:Flow", "Z", "Flow");
        Set("FlowRouting", Missing, O + "FlowRouting:Rules:0:Field", "channel", "Flow rule 0");
        Set("FlowRouting", Unknown, O + "FlowRouting:Rules:0:Warehouse", "WH3", "Warehouse");

        // Dashboard
        const string D = "Dashboard:";
        Set("Dashboard", Range, D + "ApiKeys:ops", "short-key", "ApiKeys");
        Set("Dashboard", Range, D + "EventSigningSecret", "short-signing-secret", "EventSigningSecret");
        Set("Dashboard", Zero, D + "RefreshInterval", "00:00:00");
        Set("Dashboard", Zero, D + "PageSize", "0");
        Set("Dashboard", Range, D + "LoginLifetime", "00:00:30");
        Set("Dashboard", Value, D + "RecentRuns", "ten");
        Set("Dashboard", Unknown, D + "ApiKey", "dashboard-key-typo-0123456789");
        return cases;
    }

    private static List<ConfigCase> BuildSqlSourceCases()
    {
        var cases = new List<ConfigCase>();
        string[] identifiers = ["OrdersTable", "OrderIdColumn", "CreatedAtColumn", "ChangedAtColumn", "StatusColumn", "WarehouseColumn", "LinesTable", "LineOrderIdColumn", "LineSkuColumn", "LineQuantityColumn"];
        string[] malicious = ["orders; DROP TABLE orders; --", "order_id\" OR 1=1 --", "a.b.c"];
        foreach (var key in identifiers)
        {
            foreach (var value in malicious)
            {
                cases.Add(new ConfigCase("SqlOrderSource", "malicious identifier", "Source:" + key, value, key));
            }
        }

        cases.Add(new ConfigCase("SqlOrderSource", "missing", "Source:OrdersTable", null, "OrdersTable", Remove: true));
        cases.Add(new ConfigCase("SqlOrderSource", "missing", "Source:ReceivedStatus", null, "ReceivedStatus", Remove: true));
        cases.Add(new ConfigCase("SqlOrderSource", "out of range", "Source:ReceivedStatus", "PAID", "ReceivedStatus"));
        cases.Add(new ConfigCase("SqlOrderSource", "zero or negative", "Source:CommandTimeout", "00:00:00", "CommandTimeout"));
        cases.Add(new ConfigCase("SqlOrderSource", "unparsable value", "Source:TimestampStorage", "Ticks", "TimestampStorage"));
        cases.Add(new ConfigCase("SqlOrderSource", "unknown key", "Source:OrderTable", "orders", "OrderTable"));
        return cases;
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static string Listings(string folder)
    {
        var path = Path.Combine(folder, "listings.csv");
        File.WriteAllText(path, "sku_code,channel,listing_key\n");
        return path;
    }

    private static void Delete(string folder)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
