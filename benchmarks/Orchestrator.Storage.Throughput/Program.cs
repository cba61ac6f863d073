// Measures the storage throughput figures quoted in docs/storage.md.
//
//   dotnet run -c Release --project benchmarks/Orchestrator.Storage.Throughput -- [sqlite|postgres|all] [rows] [orders]
//
// PostgreSQL runs need ORCHESTRATOR_TEST_POSTGRES (a throwaway server; a schema is created and dropped).
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;
using Orchestrator.Storage.PostgreSql;
using Orchestrator.Storage.Sqlite;

var provider = args.Length > 0 ? args[0] : "all";
var rows = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var orders = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5_000;
var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

Console.WriteLine($"| provider | operation | rows | seconds | rows/s |");
Console.WriteLine($"| --- | --- | ---: | ---: | ---: |");

if (provider is "sqlite" or "all")
{
    var path = Path.Combine(Path.GetTempPath(), $"orchestrator-throughput-{Guid.NewGuid():N}.db");
    try
    {
        await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={path}" });
        await RunAsync("SQLite", storage.DiscrepancyLog, storage.OrderBuffer, storage.Inventory, storage.LoadInventoryAsync);
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}

if (provider is "postgres" or "all")
{
    var server = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES") ?? throw new InvalidOperationException("Set ORCHESTRATOR_TEST_POSTGRES.");
    await using var admin = NpgsqlDataSource.Create(server);
    var schema = $"orch_throughput_{Guid.NewGuid():N}";
    await using (var create = admin.CreateCommand($"CREATE SCHEMA {schema}"))
    {
        await create.ExecuteNonQueryAsync();
    }

    try
    {
        var connectionString = new NpgsqlConnectionStringBuilder(server) { SearchPath = schema }.ConnectionString;
        await using var storage = await PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = connectionString });
        await RunAsync("PostgreSQL", storage.DiscrepancyLog, storage.OrderBuffer, storage.Inventory, storage.LoadInventoryAsync);
    }
    finally
    {
        await using var drop = admin.CreateCommand($"DROP SCHEMA {schema} CASCADE");
        await drop.ExecuteNonQueryAsync();
    }
}

async Task RunAsync(string name, IDiscrepancyLogStore log, IOrderBufferStore buffer, IInventoryStore inventory, Func<IReadOnlyList<InventoryPosition>, CancellationToken, Task<int>> load)
{
    var discrepancies = new StockDiscrepancy[rows];
    for (var i = 0; i < rows; i++)
    {
        discrepancies[i] = new StockDiscrepancy($"d-{i:D8}", DiscrepancyType.Quantity, $"SKU-{i:D8}", "WH" + (i % 4).ToString(CultureInfo.InvariantCulture), 100, 95 + (i % 10), at.AddSeconds(i % 86_400), "A-01", "A-02");
    }

    Report(name, "discrepancy log append (1 call)", rows, await TimeAsync(() => log.AppendAsync(discrepancies, CancellationToken.None)));
    discrepancies = null;

    var positions = new InventoryPosition[rows];
    for (var i = 0; i < rows; i++)
    {
        positions[i] = new InventoryPosition("WH1", $"SKU-{i:D8}", i % 500, i % 7, 0, "A-" + (i % 100).ToString(CultureInfo.InvariantCulture), 0, at);
    }

    Report(name, "inventory snapshot load, new rows (1 call)", rows, await TimeAsync(() => load(positions, CancellationToken.None)));
    Report(name, "inventory snapshot load, overwrite (1 call)", rows, await TimeAsync(() => load(positions, CancellationToken.None)));
    positions = null;

    var builder = new Orchestrator.Stock.StockSnapshotBuilder(new Orchestrator.Catalog.SkuCatalog(rows), "inventory", Orchestrator.Stock.StockSourceKind.Inventory, "WH1", at);
    Report(name, "inventory snapshot read into builder", rows, await TimeAsync(async () => { await inventory.ReadSnapshotAsync(builder, CancellationToken.None); return 0; }));

    var lines = new[] { new OrderLine("SKU-00000001", 1) };
    var stopwatch = Stopwatch.StartNew();
    for (var i = 0; i < orders; i++)
    {
        await buffer.InsertAsync([new SourceOrder("erp", $"o-{i:D8}", at, at, "PAID", "WH1", lines)], at, CancellationToken.None);
    }

    Report(name, "order insert, one order per call", orders, stopwatch.Elapsed);
}

static async Task<TimeSpan> TimeAsync(Func<Task<int>> action)
{
    var stopwatch = Stopwatch.StartNew();
    await action();
    return stopwatch.Elapsed;
}

static void Report(string name, string operation, int count, TimeSpan elapsed)
    => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {operation} | {count:N0} | {elapsed.TotalSeconds:F2} | {count / elapsed.TotalSeconds:N0} |"));
