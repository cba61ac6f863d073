using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Npgsql;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Storage;
using Orchestrator.Storage.PostgreSql;
using Orchestrator.Storage.Sqlite;

namespace Orchestrator.Crash.Tests;

/// <summary>
/// One sandbox (Coupang, Naver, Cafe24 order and stock APIs, a WES) in this process, orders streaming into it, and the host
/// processes (<c>dotnet Orchestrator.Crash.Host.dll</c>) launched against it and a store (a SQLite file or a PostgreSQL schema).
/// </summary>
internal sealed class CrashWorld : IAsyncDisposable
{
    public const string Warehouse = "WH1";
    private const int Skus = 60;

    private readonly List<(string Source, string OrderId, Func<bool> Marked)> _orders = [];
    private readonly Lock _ordersLock = new();
    private readonly Dictionary<string, string> _environment;
    private readonly List<HostProcess> _running = [];
    private int _launched;

    private CrashWorld(SandboxServer sandbox, string folder, string storageKind, string connectionString, string? schema)
    {
        Sandbox = sandbox;
        Folder = folder;
        StorageKind = storageKind;
        ConnectionString = connectionString;
        Schema = schema;
        var cafe24Tokens = Path.Combine(folder, "cafe24-tokens");
        _environment = new(StringComparer.Ordinal)
        {
            ["Crash__Storage"] = storageKind,
            ["Crash__Listings"] = Path.Combine(folder, "listings.csv"),
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Orchestrator__WarehouseId"] = Warehouse,
            ["Orchestrator__LeaseDuration"] = "00:00:05",
            ["Orchestrator__ShutdownGracePeriod"] = "00:00:02",
            ["Orchestrator__ErrorBackoff"] = "00:00:01",
            ["Orchestrator__LockRetryDelay"] = "00:00:00.500",
            ["Orchestrator__EventCoalescingDelay"] = "00:00:00.100",
            ["Orchestrator__ChannelSync__Cron"] = "*/2 * * * * *",
            ["Orchestrator__Reconciliation__Enabled"] = "false",
            ["Orchestrator__PendingSyncInterval"] = "00:00:01",
            ["Orchestrator__Intake__PollInterval"] = "00:00:01",
            ["Orchestrator__Intake__LockLease"] = "00:00:05",
            ["Orchestrator__Intake__PageSize"] = "20",
            ["Connections__Storage__ConnectionString"] = connectionString,
            ["Connections__Wes__BaseAddress"] = sandbox.Wes.BaseAddress.ToString(),
            ["Connections__Wes__ApiKey"] = sandbox.Wes.ApiKey,
            ["Connections__Channels__coupang__BaseAddress"] = sandbox.Coupang.BaseAddress.ToString(),
            ["Connections__Channels__coupang__VendorId"] = sandbox.Coupang.VendorId,
            ["Connections__Channels__coupang__AccessKey"] = sandbox.Coupang.AccessKey,
            ["Connections__Channels__coupang__SecretKey"] = sandbox.Coupang.SecretKey,
            ["Connections__Channels__coupang__RequestsPerSecond"] = "1000",
            ["Connections__Channels__coupang__Burst"] = "100",
            ["Connections__Channels__naver__BaseAddress"] = sandbox.Naver.BaseAddress.ToString(),
            ["Connections__Channels__naver__ClientId"] = sandbox.Naver.ClientId,
            ["Connections__Channels__naver__ClientSecret"] = sandbox.Naver.ClientSecret,
            ["Connections__Channels__naver__RequestsPerSecond"] = "1000",
            ["Connections__Channels__naver__Burst"] = "100",
            ["Connections__Channels__cafe24__BaseAddress"] = sandbox.Cafe24.BaseAddress.ToString(),
            ["Connections__Channels__cafe24__MallId"] = sandbox.Cafe24.MallId,
            ["Connections__Channels__cafe24__ClientId"] = sandbox.Cafe24.ClientId,
            ["Connections__Channels__cafe24__ClientSecret"] = sandbox.Cafe24.ClientSecret,
            ["Connections__Channels__cafe24__TokenDirectory"] = cafe24Tokens,
            ["Connections__Channels__cafe24__RequestsPerSecond"] = "1000",
            ["Connections__Channels__cafe24__Burst"] = "100",
        };
    }

    public SandboxServer Sandbox { get; }

    public string Folder { get; }

    public string StorageKind { get; }

    public string ConnectionString { get; }

    public string? Schema { get; }

    public int Launched => _launched;

    public int OrdersDelivered
    {
        get
        {
            lock (_ordersLock)
            {
                return _orders.Count;
            }
        }
    }

    /// <summary>The pushes the channels accepted so far.</summary>
    public int ChannelWrites => Sandbox.Coupang.QuantityWrites + Sandbox.Naver.StockWrites + Sandbox.Cafe24.InventoryWrites;

    /// <summary>The PostgreSQL admin connection string, or <see langword="null"/> (the test is skipped) when not set; fails when required.</summary>
    public static string? PostgresOrSkip()
    {
        var admin = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.SkipWhen(Environment.GetEnvironmentVariable("ORCHESTRATOR_REQUIRE_POSTGRES") != "1", "Set ORCHESTRATOR_TEST_POSTGRES to run the PostgreSQL crash tests.");
            Assert.Fail("ORCHESTRATOR_REQUIRE_POSTGRES=1 but ORCHESTRATOR_TEST_POSTGRES is not set.");
        }

        return admin;
    }

    public static async Task<CrashWorld> StartAsync(string storageKind)
    {
        var options = new SandboxOptions();
        options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = Skus;
        options.Coupang.SkuPrefix = options.Naver.SkuPrefix = options.Cafe24.SkuPrefix = "SKU-";
        options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = 5_000;
        options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = 5_000;
        var sandbox = await SandboxServer.StartAsync(options);
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        string connectionString;
        string? schema = null;
        if (storageKind == "postgresql")
        {
            var admin = PostgresOrSkip()!;
            schema = "orch_crash_" + Guid.NewGuid().ToString("N");
            await using var dataSource = NpgsqlDataSource.Create(admin);
            await using var create = dataSource.CreateCommand($"CREATE SCHEMA {schema}");
            await create.ExecuteNonQueryAsync();
            connectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, MaxPoolSize = 10 }.ConnectionString;
        }
        else
        {
            connectionString = $"Data Source={Path.Combine(folder, "orchestrator.db")}";
        }

        var world = new CrashWorld(sandbox, folder, storageKind, connectionString, schema);

        // The WES holds every SKU with plenty of stock, so orders change the sellable quantity the syncs push.
        var items = SandboxCatalog.Generate(Skus, 7, "SKU-");
        sandbox.Wes.Seed(Warehouse, items.Select(i => (i.SkuCode, 500 + i.Quantity, 0, (string?)null)).ToList());
        var csv = new StringBuilder("sku_code,channel,listing_key\n");
        foreach (var l in sandbox.Coupang.Listings)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{l.SkuCode},coupang,{l.VendorItemId}\n");
        }

        foreach (var l in sandbox.Naver.Listings)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{l.SkuCode},naver,{l.OriginProductNo}/{l.OptionCombinationId}\n");
        }

        foreach (var l in sandbox.Cafe24.Listings.Where(l => l.TracksInventory))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{l.SkuCode},cafe24,{l.ProductNo}/{l.VariantCode}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(folder, "listings.csv"), csv.ToString());
        var granted = sandbox.Cafe24.Authorize();
        using var tokens = new FileCafe24TokenStore(Path.Combine(folder, "cafe24-tokens"));
        await tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None);
        return world;
    }

    /// <summary>Adds a few orders to each source, ordered now, remembering how to tell they were marked at the source.</summary>
    public void AddOrders(Random random)
    {
        var now = DateTimeOffset.UtcNow;
        var coupang = Sandbox.Coupang.AddOrders(random.Next(0, 3), now, TimeSpan.FromMilliseconds(1));
        var naver = Sandbox.Naver.AddOrders(random.Next(0, 3), now, TimeSpan.FromMilliseconds(1));
        var cafe24 = Sandbox.Cafe24.AddOrders(random.Next(0, 3), now, TimeSpan.FromMilliseconds(1));
        lock (_ordersLock)
        {
            foreach (var o in coupang)
            {
                var box = o.ShipmentBoxId;
                _orders.Add(("coupang", box.ToString(CultureInfo.InvariantCulture), () => Sandbox.Coupang.GetOrderStatus(box) != "ACCEPT"));
            }

            foreach (var o in naver)
            {
                var id = o.ProductOrderId;
                _orders.Add(("naver", id, () => Sandbox.Naver.GetPlaceOrderStatus(id) != "NOT_YET"));
            }

            foreach (var o in cafe24)
            {
                var id = o.OrderId;
                _orders.Add(("cafe24", id, () => Sandbox.Cafe24.GetOrderStatus(id) != "N10"));
            }
        }
    }

    public IReadOnlyList<(string Source, string OrderId, Func<bool> Marked)> Orders()
    {
        lock (_ordersLock)
        {
            return [.. _orders];
        }
    }

    /// <summary>Launches a host process.</summary>
    public HostProcess Launch()
    {
        var n = Interlocked.Increment(ref _launched);
        var host = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashHost").Value!;
        Assert.True(File.Exists(host), $"The crash host is not built at {host}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(host);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["Orchestrator__InstanceName"] = $"crash-{n}";
        var process = new HostProcess(Process.Start(start)!, Path.Combine(Folder, $"host-{n}.log"));
        lock (_running)
        {
            _running.Add(process);
        }

        return process;
    }

    /// <summary>Opens the store the hosts use, read from this process.</summary>
    public async Task<StoreView> OpenStoreAsync()
    {
        if (StorageKind == "postgresql")
        {
            var pg = await PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = ConnectionString });
            return new StoreView(pg.OrderBuffer, pg.PendingSync, pg.SyncRuns, pg);
        }

        var sqlite = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = ConnectionString });
        return new StoreView(sqlite.OrderBuffer, sqlite.PendingSync, sqlite.SyncRuns, sqlite);
    }

    public string Logs()
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(Folder, "host-*.log").OrderBy(f => f, StringComparer.Ordinal))
        {
            var content = File.ReadAllText(file);
            if (content.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"--- {Path.GetFileName(file)}\n{content}\n");
            }
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        List<HostProcess> running;
        lock (_running)
        {
            running = [.. _running];
        }

        foreach (var p in running)
        {
            await p.KillAsync();
            p.Dispose();
        }

        await Sandbox.DisposeAsync();
        if (Schema is not null)
        {
            await using var dataSource = NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES")!);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The stores the assertions read.</summary>
internal sealed record StoreView(IOrderBufferStore OrderBuffer, IPendingSyncStore PendingSync, ISyncRunStore SyncRuns, IAsyncDisposable Owner) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owner.DisposeAsync();
}

/// <summary>A launched host process; its output goes to a log file.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _disposed;

    public HostProcess(Process process, string logPath)
    {
        _process = process;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Kills the process with SIGKILL (Linux) and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _process.Dispose();
        lock (_logLock)
        {
            _log.Dispose();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
