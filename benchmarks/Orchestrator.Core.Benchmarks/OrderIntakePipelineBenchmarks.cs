using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orchestrator.Intake;
using Orchestrator.Storage;
using Orchestrator.Storage.PostgreSql;
using Orchestrator.Storage.Sqlite;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Orders per second through the intake pipeline (buffer, mark at the source, route, create the task; job lock and watermark
/// included) on SQLite and PostgreSQL, against a raw batched INSERT of the same rows (with their flow, as the pipeline stores
/// them) into the same <c>order_buffer</c> table with its indexes, in one transaction, on the same database with the same
/// durability settings, under a fresh source name (the baseline: the cost of storing the rows at all). With <see cref="DuplicateShare"/> = 0.5 half of each batch was already buffered, as after an overlapping poll.
/// PostgreSQL runs when <c>ORCHESTRATOR_BENCH_POSTGRES</c> (or <c>ORCHESTRATOR_TEST_POSTGRES</c>) names a server.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
public class OrderIntakePipelineBenchmarks
{
    private const int Orders = 10_000;
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);
    private readonly RouteByWarehouse _router = new();
    private string _path = string.Empty;
    private SqliteOrchestratorStorage? _sqlite;
    private PostgreSqlOrchestratorStorage? _postgres;
    private NpgsqlDataSource? _admin;
    private string _schema = string.Empty;
    private SqliteConnection? _sqliteRaw;
    private NpgsqlDataSource? _postgresRaw;
    private int _iteration;
    private List<SourceOrder> _orders = [];
    private string _sourceName = string.Empty;

    [ParamsSource(nameof(Providers))]
    public string Provider { get; set; } = "sqlite";

    [Params(0.0, 0.5)]
    public double DuplicateShare { get; set; }

    public static IEnumerable<string> Providers => PostgresConnectionString is null ? ["sqlite"] : ["sqlite", "postgresql"];

    private static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable("ORCHESTRATOR_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES") is { Length: > 0 } test ? test : null;

    private IOrderBufferStore Buffer => (IOrderBufferStore?)_sqlite?.OrderBuffer ?? _postgres!.OrderBuffer;

    // BenchmarkDotNet's in-process toolchain does not await an async setup, so the async work is waited for here.
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        if (Provider == "sqlite")
        {
            _path = Path.Combine(Path.GetTempPath(), "orchestrator-bench-" + Guid.NewGuid().ToString("N") + ".db");
            _sqlite = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={_path}" }, TimeProvider.System, null, CancellationToken.None);
            _sqliteRaw = new SqliteConnection($"Data Source={_path}");
            await _sqliteRaw.OpenAsync();
            await Exec(_sqliteRaw, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;");
        }
        else
        {
            _admin = NpgsqlDataSource.Create(PostgresConnectionString!);
            _schema = "orch_bench_" + Guid.NewGuid().ToString("N");
            await using (var create = _admin.CreateCommand($"CREATE SCHEMA {_schema}"))
            {
                await create.ExecuteNonQueryAsync();
            }

            var connectionString = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { SearchPath = _schema }.ConnectionString;
            _postgres = await PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = connectionString }, TimeProvider.System, null, CancellationToken.None);
            _postgresRaw = NpgsqlDataSource.Create(connectionString);
        }
    }

    private async Task CleanupAsync()
    {
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
            await _sqliteRaw!.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(_path + suffix);
            }
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            await _postgresRaw!.DisposeAsync();
            await using var drop = _admin!.CreateCommand($"DROP SCHEMA {_schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
            await _admin.DisposeAsync();
        }
    }

    [IterationSetup]
    public void IterationSetup()
    {
        // Fresh order ids for every iteration; with duplicates, a share of them was taken by an earlier poll before the timed
        // part (buffered with the task, marked at the source), as when polls overlap.
        _iteration++;
        _sourceName = $"shop-{_iteration}";
        _orders = Enumerable.Range(0, Orders)
            .Select(i => new SourceOrder(_sourceName, $"O{i:D7}", T0.AddMilliseconds(i), T0.AddMilliseconds(i), "PAID", i % 2 == 0 ? "WH1" : "WH2", [new OrderLine("SKU-" + (i % 1000), 1 + (i % 3))]))
            .ToList();
        var already = (int)(Orders * DuplicateShare);
        if (already > 0)
        {
            var copy = _orders.Where((_, i) => i % 2 == 0).Take(already).ToList();
            Buffer.WriteAsync(new OrderBufferWrite(_sourceName, T0) { Orders = copy.ConvertAll(o => new OrderToBuffer(o, _router.Route(o))) }, CancellationToken.None).GetAwaiter().GetResult();
            Buffer.SetMarkedAtSourceAsync(_sourceName, copy.ConvertAll(o => o.OrderId), T0, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> RawBatchedInsert()
    {
        if (_sqliteRaw is not null)
        {
            await using var transaction = (SqliteTransaction)await _sqliteRaw.BeginTransactionAsync();
            await using var command = _sqliteRaw.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO order_buffer (source, order_id, created_at, changed_at, source_status, warehouse_id, lines, status, flow, attempts, received_at, task_created_at, updated_at) VALUES ($s, $o, $c, $u, $st, $w, $l, 'NEW', $f, 0, $r, $r, $r)";
            var s = command.Parameters.Add("$s", SqliteType.Text);
            var o = command.Parameters.Add("$o", SqliteType.Text);
            var c = command.Parameters.Add("$c", SqliteType.Integer);
            var u = command.Parameters.Add("$u", SqliteType.Integer);
            var st = command.Parameters.Add("$st", SqliteType.Text);
            var w = command.Parameters.Add("$w", SqliteType.Text);
            var l = command.Parameters.Add("$l", SqliteType.Text);
            var f = command.Parameters.Add("$f", SqliteType.Text);
            command.Parameters.AddWithValue("$r", T0.UtcTicks);
            command.Prepare();
            foreach (var order in _orders)
            {
                s.Value = "raw-" + order.Source;
                o.Value = order.OrderId;
                c.Value = order.CreatedAt.UtcTicks;
                u.Value = order.ChangedAt.UtcTicks;
                st.Value = order.Status;
                w.Value = order.WarehouseId;
                l.Value = $"[{{\"skuCode\":\"{order.Lines[0].SkuCode}\",\"quantity\":{order.Lines[0].Quantity}}}]";
                f.Value = order.WarehouseId == "WH1" ? "A" : "B";
                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            return _orders.Count;
        }

        // PostgreSQL: one multi-row INSERT from arrays (unnest), the usual fastest plain-SQL batch.
        await using var insert = _postgresRaw!.CreateCommand(
            "INSERT INTO order_buffer (source, order_id, created_at, changed_at, source_status, warehouse_id, lines, status, flow, attempts, received_at, task_created_at, updated_at) " +
            "SELECT @source, o, c, u, 'PAID', w, l, 'NEW', f, 0, @received, @received, @received FROM unnest(@o, @c, @u, @w, @l, @f) AS t(o, c, u, w, l, f)");
        insert.Parameters.AddWithValue("source", "raw-" + _sourceName);
        insert.Parameters.AddWithValue("received", T0.UtcTicks);
        insert.Parameters.AddWithValue("o", _orders.Select(x => x.OrderId).ToArray());
        insert.Parameters.AddWithValue("c", _orders.Select(x => x.CreatedAt.UtcTicks).ToArray());
        insert.Parameters.AddWithValue("u", _orders.Select(x => x.ChangedAt.UtcTicks).ToArray());
        insert.Parameters.AddWithValue("w", _orders.Select(x => x.WarehouseId!).ToArray());
        insert.Parameters.AddWithValue("l", _orders.Select(x => $"[{{\"skuCode\":\"{x.Lines[0].SkuCode}\",\"quantity\":{x.Lines[0].Quantity}}}]").ToArray());
        insert.Parameters.AddWithValue("f", _orders.Select(x => x.WarehouseId == "WH1" ? "A" : "B").ToArray());
        return await insert.ExecuteNonQueryAsync();
    }

    [Benchmark]
    public async Task<int> Pipeline()
    {
        var locks = (IJobLockStore?)_sqlite?.JobLocks ?? _postgres!.JobLocks;
        var watermarks = (IWatermarkStore?)_sqlite?.Watermarks ?? _postgres!.Watermarks;
        var source = new MemorySource(_sourceName, _orders);
        var pipeline = new OrderIntakePipeline(source, Buffer, locks, watermarks, _router, new OrderIntakeOptions { PageSize = 1000, MaxPagesPerPoll = 1000, InitialLookBack = TimeSpan.FromDays(30) });
        var result = await pipeline.PollAsync(OrderPartition.All, CancellationToken.None);
        if (result.Outcome != IntakeOutcome.Completed || result.Inserted + result.Duplicates != Orders)
        {
            throw new InvalidOperationException($"Pipeline did not take every order: {result}");
        }

        return result.Inserted;
    }

    private static async Task Exec(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private sealed class RouteByWarehouse : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => order.WarehouseId == "WH1" ? FlowType.A : FlowType.B;
    }

    /// <summary>An order source over a list, keyset paged, marking in memory (the source's own cost is not measured).</summary>
    private sealed class MemorySource(string name, List<SourceOrder> orders) : IOrderSource
    {
        public string Name { get; } = name;

        public Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
        {
            var start = query.Cursor is null ? 0 : int.Parse(query.Cursor, System.Globalization.CultureInfo.InvariantCulture);
            var page = orders.Skip(start).Take(query.PageSize).ToList();
            var next = start + page.Count < orders.Count ? (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new OrderPage(page, next));
        }

        public Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken) =>
            Task.FromResult(new MarkReceivedResult(orderIds, []));
    }
}
