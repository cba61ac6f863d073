using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Npgsql;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Sandbox.Faults;
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
    private readonly List<SandboxRequest> _orderRequests;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _working;
    private readonly Random _stockRandom = new(17);
    private int _launched;
    private int _outages;
    private int _outageRefusals;
    private int _stockChanges;

    private CrashWorld(SandboxServer sandbox, string folder, string storageKind, string connectionString, string? schema, List<SandboxRequest> orderRequests,
        System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> working)
    {
        _orderRequests = orderRequests;
        _working = working;
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

            // Failed pushes go to the pending-sync queue quickly (two tries in the run), and the queue retries every 1–4 s, so items
            // are queued, retried, delivered and reclaimed after a kill (lease 5 s) many times within a run.
            ["Orchestrator__ChannelSyncWorkflow__PushAttempts"] = "2",
            ["Orchestrator__ChannelSyncWorkflow__RetryDelay"] = "00:00:00.200",
            ["Orchestrator__PendingSyncWorker__LeaseDuration"] = "00:00:05",
            ["Orchestrator__PendingSyncWorker__RetryBaseDelay"] = "00:00:01",
            ["Orchestrator__PendingSyncWorker__RetryMaxDelay"] = "00:00:04",
            ["Orchestrator__PendingSyncWorker__MaxAttempts"] = "100",
            ["Connections__Storage__ConnectionString"] = connectionString,
            ["Connections__Wes__BaseAddress"] = sandbox.Wes.BaseAddress.ToString(),
            ["Connections__Wes__ApiKey"] = sandbox.Wes.ApiKey,
            ["Connections__Channels__coupang__BaseAddress"] = sandbox.Coupang.BaseAddress.ToString(),
            ["Connections__Channels__coupang__VendorId"] = sandbox.Coupang.VendorId,
            ["Connections__Channels__coupang__AccessKey"] = sandbox.Coupang.AccessKey,
            ["Connections__Channels__coupang__SecretKey"] = sandbox.Coupang.SecretKey,
            ["Connections__Channels__coupang__RequestsPerSecond"] = "1000",
            ["Connections__Channels__coupang__Burst"] = "100",
            ["Connections__Channels__coupang__MaxRetryAttempts"] = "1",
            ["Connections__Channels__coupang__RetryBaseDelay"] = "00:00:00.100",
            ["Connections__Channels__coupang__MaxRetryAfter"] = "00:00:01",
            ["Connections__Channels__coupang__CircuitBreakDuration"] = "00:00:01",
            ["Connections__Channels__coupang__RateLimitedPause"] = "00:00:01",
            ["Connections__Channels__naver__BaseAddress"] = sandbox.Naver.BaseAddress.ToString(),
            ["Connections__Channels__naver__ClientId"] = sandbox.Naver.ClientId,
            ["Connections__Channels__naver__ClientSecret"] = sandbox.Naver.ClientSecret,
            ["Connections__Channels__naver__RequestsPerSecond"] = "1000",
            ["Connections__Channels__naver__Burst"] = "100",
            ["Connections__Channels__naver__MaxRetryAttempts"] = "1",
            ["Connections__Channels__naver__RetryBaseDelay"] = "00:00:00.100",
            ["Connections__Channels__naver__MaxRetryAfter"] = "00:00:01",
            ["Connections__Channels__naver__CircuitBreakDuration"] = "00:00:01",
            ["Connections__Channels__cafe24__BaseAddress"] = sandbox.Cafe24.BaseAddress.ToString(),
            ["Connections__Channels__cafe24__MallId"] = sandbox.Cafe24.MallId,
            ["Connections__Channels__cafe24__ClientId"] = sandbox.Cafe24.ClientId,
            ["Connections__Channels__cafe24__ClientSecret"] = sandbox.Cafe24.ClientSecret,
            ["Connections__Channels__cafe24__TokenDirectory"] = cafe24Tokens,
            ["Connections__Channels__cafe24__RequestsPerSecond"] = "1000",
            ["Connections__Channels__cafe24__Burst"] = "100",
            ["Connections__Channels__cafe24__MaxRetryAttempts"] = "1",
            ["Connections__Channels__cafe24__RetryBaseDelay"] = "00:00:00.100",
            ["Connections__Channels__cafe24__MaxRetryAfter"] = "00:00:01",
            ["Connections__Channels__cafe24__CircuitBreakDuration"] = "00:00:01",
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

    /// <summary>The channel outages started so far (a channel's stock writes refused with 503, 500 or 429 for 1–5 s).</summary>
    public int Outages => Volatile.Read(ref _outages);

    /// <summary>The WES stock decreases made so far.</summary>
    public int StockChanges => Volatile.Read(ref _stockChanges);

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
        var orderRequests = new List<SandboxRequest>();
        var working = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        options.RequestObserver = r =>
        {
            if (r.Headers.TryGetValue("X-Crash-Host", out var host))
            {
                working.TryAdd(host, r.StartedAt);
            }

            if (PollCheck.IsOrderRequest(r.Path))
            {
                lock (orderRequests)
                {
                    orderRequests.Add(r);
                }
            }
        };
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

        var world = new CrashWorld(sandbox, folder, storageKind, connectionString, schema, orderRequests, working);

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

    /// <summary>Sells a little stock: 1–3 SKUs lose 1–3 units each in the WES. Stock only goes down in these runs, so every SKU's
    /// sellable quantity only goes down, and a channel that is ever written a higher quantity than before was sent an old one.</summary>
    public void SellStock()
    {
        lock (_stockRandom)
        {
            for (var n = _stockRandom.Next(1, 4); n > 0; n--)
            {
                var sku = Sandbox.Coupang.Listings[_stockRandom.Next(Skus)].SkuCode;
                var row = Sandbox.Wes.Get(Warehouse, sku);
                if (row is null)
                {
                    continue;
                }

                Sandbox.Wes.Adjust(Warehouse, sku, Math.Max(0, row.OnHand - _stockRandom.Next(1, 4)));
                Interlocked.Increment(ref _stockChanges);
            }
        }
    }

    /// <summary>Takes a channel's stock writes down for a while (503, 500 or 429 with Retry-After 1 s), one channel at a time, until cancelled.</summary>
    public async Task OutagesAsync(Random random, CancellationToken cancellationToken)
    {
        (string Name, FaultScript Faults, string Path)[] channels =
        [
            ("coupang", Sandbox.Coupang.Faults, "/quantities/"),
            ("naver", Sandbox.Naver.Faults, "/origin-products/"),
            ("cafe24", Sandbox.Cafe24.Faults, "/inventories"),
        ];
        while (!cancellationToken.IsCancellationRequested)
        {
            var (_, faults, path) = channels[random.Next(channels.Length)];
            var rule = random.Next(3) switch
            {
                0 => new FaultRule(SandboxFaultKind.Status) { Method = "PUT", PathContains = path, Times = int.MaxValue, StatusCode = 503 },
                1 => new FaultRule(SandboxFaultKind.Status) { Method = "PUT", PathContains = path, Times = int.MaxValue, StatusCode = 500 },
                _ => new FaultRule(SandboxFaultKind.RateLimit) { Method = "PUT", PathContains = path, Times = int.MaxValue, RetryAfter = TimeSpan.FromSeconds(1) },
            };
            var before = faults.AppliedCount;
            faults.Add(rule);
            Interlocked.Increment(ref _outages);
            try
            {
                await Task.Delay(random.Next(1_000, 5_000), cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }

            faults.Clear();
            Interlocked.Add(ref _outageRefusals, faults.AppliedCount - before);
            try
            {
                await Task.Delay(random.Next(500, 3_000), cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The stock writes refused during outages so far.</summary>
    public int OutageRefusals => Volatile.Read(ref _outageRefusals);

    /// <summary>Waits until the sandbox served the host's first request (it started working), it exited, or 60 s passed.</summary>
    /// <returns>Whether it is working.</returns>
    public async Task<bool> WaitUntilWorkingAsync(HostProcess host)
    {
        var waited = Stopwatch.StartNew();
        while (!_working.ContainsKey(host.Name) && !host.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return _working.ContainsKey(host.Name);
    }

    /// <summary>The order requests (fetches and marks) the sandbox served, with their host and poll labels.</summary>
    public IReadOnlyList<SandboxRequest> OrderRequests()
    {
        lock (_orderRequests)
        {
            return [.. _orderRequests];
        }
    }

    /// <summary>What each channel shows now and what it should show (the WES sellable quantity: on hand − reserved, no buffers), per listing.</summary>
    public IReadOnlyList<(string Channel, string Sku, int Shown, int Sellable)> ChannelQuantities()
    {
        int Sellable(string sku) => Sandbox.Wes.Get(Warehouse, sku) is { } row ? Math.Max(0, row.OnHand - row.Reserved) : 0;
        var list = new List<(string, string, int, int)>();
        list.AddRange(Sandbox.Coupang.Listings.Select(l => ("coupang", l.SkuCode, Sandbox.Coupang.GetQuantity(l.VendorItemId), Sellable(l.SkuCode))));
        list.AddRange(Sandbox.Naver.Listings.Select(l => ("naver", l.SkuCode, Sandbox.Naver.GetStock(l.OriginProductNo, l.OptionCombinationId), Sellable(l.SkuCode))));
        list.AddRange(Sandbox.Cafe24.Listings.Where(l => l.TracksInventory).Select(l => ("cafe24", l.SkuCode, Sandbox.Cafe24.GetQuantity(l.VariantCode), Sellable(l.SkuCode))));
        return list;
    }

    /// <summary>Every stock write each channel applied, in order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SandboxStockWrite>> StockWriteLogs() => new Dictionary<string, IReadOnlyList<SandboxStockWrite>>(StringComparer.Ordinal)
    {
        ["coupang"] = Sandbox.Coupang.StockWriteLog(),
        ["naver"] = Sandbox.Naver.StockWriteLog(),
        ["cafe24"] = Sandbox.Cafe24.StockWriteLog(),
    };

    /// <summary>Reads the pending-sync rows and how many transaction ids were ever enqueued, straight from the store's tables.</summary>
    public async Task<(IReadOnlyList<QueueRow> Rows, long Enqueued)> QueueAsync()
    {
        const string rowsSql = "SELECT id, transaction_id, target, kind, coalescing_key, payload, state, attempts, last_error FROM pending_sync ORDER BY id";
        const string enqueuedSql = "SELECT COUNT(*) FROM pending_sync_transactions";
        var rows = new List<QueueRow>();
        System.Data.Common.DbConnection connection = StorageKind == "postgresql" ? new NpgsqlConnection(ConnectionString) : new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString);
        await using (connection)
        {
            await connection.OpenAsync();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = rowsSql;
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows.Add(new QueueRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                        reader.GetString(6), reader.GetInt32(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
                }
            }

            await using var count = connection.CreateCommand();
            count.CommandText = enqueuedSql;
            return (rows, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
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
    public HostProcess Launch(IReadOnlyDictionary<string, string>? extra = null)
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

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        start.Environment["Orchestrator__InstanceName"] = $"crash-{n}";
        var process = new HostProcess(Process.Start(start)!, Path.Combine(Folder, $"host-{n}.log"), $"crash-{n}");
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

/// <summary>One row of the pending-sync table.</summary>
internal sealed record QueueRow(long Id, string TransactionId, string Target, string Kind, string CoalescingKey, string Payload, string State, int Attempts, string? LastError)
{
    public bool Superseded => LastError?.StartsWith("superseded", StringComparison.Ordinal) == true;

    public int Quantity => System.Text.Json.JsonDocument.Parse(Payload).RootElement.GetProperty(nameof(Quantity)).GetInt32();

    public string Sku => System.Text.Json.JsonDocument.Parse(Payload).RootElement.GetProperty("SkuCode").GetString()!;
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

    public HostProcess(Process process, string logPath, string name)
    {
        Name = name;
        _process = process;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Gets the host's instance name (<c>crash-{n}</c>), which it sends as <c>X-Crash-Host</c>.</summary>
    public string Name { get; }

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
