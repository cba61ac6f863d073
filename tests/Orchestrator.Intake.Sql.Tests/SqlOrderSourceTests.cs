using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Orchestrator.Storage;
using Orchestrator.Storage.PostgreSql.Tests;
using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Intake.Sql.Tests;

/// <summary>The SQL order source against a real order database; run once per provider.</summary>
public abstract class SqlOrderSourceTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    protected DbDataSource DataSource { get; set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected string Orders => "orders_" + _suffix;

    protected string Lines => "lines_" + _suffix;

    /// <summary>The SQL type of the order id column; numeric ids are compared as text by the source.</summary>
    protected abstract string IdType { get; }

    protected abstract string TimeType { get; }

    protected abstract Task<DbDataSource> OpenAsync();

    public async ValueTask InitializeAsync()
    {
        DataSource = await OpenAsync();
        await ExecuteAsync($"CREATE TABLE {Orders} (order_id {IdType} PRIMARY KEY, created_at {TimeType} NOT NULL, changed_at {TimeType} NOT NULL, status varchar(20) NOT NULL, warehouse_id varchar(20) NULL)");
        await ExecuteAsync($"CREATE INDEX ix_{Orders}_changed ON {Orders} (changed_at)");
        await ExecuteAsync($"CREATE TABLE {Lines} (order_id {IdType} NOT NULL, sku_code varchar(50) NOT NULL, quantity integer NOT NULL)");
    }

    public virtual async ValueTask DisposeAsync()
    {
        await ExecuteAsync($"DROP TABLE IF EXISTS {Lines}");
        await ExecuteAsync($"DROP TABLE IF EXISTS {Orders}");
        await DataSource.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected SqlOrderSource Source() => new(DataSource, new SqlOrderSourceOptions
    {
        Name = "erp",
        OrdersTable = Orders,
        LinesTable = Lines,
        NewStatuses = ["NEW", "PAID"],
        ReceivedStatus = "RECEIVED",
    });

    protected async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    protected virtual object Id(int n) => $"ORD-{n:D5}";

    protected string IdText(int n) => Convert.ToString(Id(n), System.Globalization.CultureInfo.InvariantCulture)!;

    protected async Task AddOrderAsync(int n, DateTimeOffset changedAt, string status = "PAID", string warehouse = "WH1", int lines = 2)
    {
        await ExecuteAsync($"INSERT INTO {Orders} (order_id, created_at, changed_at, status, warehouse_id) VALUES (@id, @c, @u, @s, @w)",
            ("@id", Id(n)), ("@c", changedAt.AddMinutes(-1)), ("@u", changedAt), ("@s", status), ("@w", warehouse));
        for (var i = 0; i < lines; i++)
        {
            await ExecuteAsync($"INSERT INTO {Lines} (order_id, sku_code, quantity) VALUES (@id, @sku, @q)", ("@id", Id(n)), ("@sku", $"SKU-{i}"), ("@q", i + 1));
        }
    }

    private static async Task<List<SourceOrder>> ReadAllAsync(SqlOrderSource source, OrderQuery query)
    {
        var all = new List<SourceOrder>();
        string? cursor = null;
        do
        {
            var page = await source.FetchAsync(query with { Cursor = cursor }, Ct);
            Assert.True(page.Orders.Count <= query.PageSize);
            all.AddRange(page.Orders);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    private async Task<string> StatusOf(int n)
    {
        await using var command = DataSource.CreateCommand($"SELECT status FROM {Orders} WHERE order_id = @id");
        var p = command.CreateParameter();
        p.ParameterName = "@id";
        p.Value = Id(n);
        command.Parameters.Add(p);
        return (string)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task FetchAsync_ManyOrdersWithTiedTimes_EveryOrderOnceInKeysetOrderWithLines()
    {
        for (var n = 0; n < 130; n++)
        {
            await AddOrderAsync(n, T0.AddSeconds(n / 4)); // four orders share each changed-at
        }

        var orders = await ReadAllAsync(Source(), new OrderQuery(OrderPartition.All, T0.AddHours(-1), T0.AddHours(1), null, 17));

        Assert.Equal(130, orders.Count);
        Assert.Equal(130, orders.Select(o => o.OrderId).Distinct().Count());
        Assert.Equal(orders.OrderBy(o => o.ChangedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal).Select(o => o.OrderId), orders.Select(o => o.OrderId));
        var first = orders.Single(o => o.OrderId == IdText(0));
        Assert.Equal([new OrderLine("SKU-0", 1), new OrderLine("SKU-1", 2)], first.Lines.OrderBy(l => l.SkuCode));
        Assert.Equal((T0, T0.AddMinutes(-1), "PAID", "WH1", "erp"), (first.ChangedAt, first.CreatedAt, first.Status, first.WarehouseId, first.Source));
    }

    [Fact]
    public async Task FetchAsync_StatusWindowAndWarehouse_OnlyMatchingOrders()
    {
        await AddOrderAsync(1, T0);
        await AddOrderAsync(2, T0, status: "CANCELLED");
        await AddOrderAsync(3, T0.AddHours(2));
        await AddOrderAsync(4, T0, warehouse: "WH2");
        await AddOrderAsync(5, T0.AddHours(-1)); // before the window

        var page = await Source().FetchAsync(new OrderQuery(new OrderPartition("wh1", "WH1"), T0.AddMinutes(-30), T0.AddHours(1), null, 100), Ct);

        Assert.Equal([IdText(1)], page.Orders.Select(o => o.OrderId));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task FetchAsync_OrderAddedAheadOfCursorWhilePaging_IsStillRead()
    {
        for (var n = 0; n < 10; n++)
        {
            await AddOrderAsync(n, T0.AddSeconds(n));
        }

        var source = Source();
        var query = new OrderQuery(OrderPartition.All, T0.AddHours(-1), T0.AddHours(1), null, 5);
        var first = await source.FetchAsync(query, Ct);
        await AddOrderAsync(99, T0.AddSeconds(30));
        var second = await source.FetchAsync(query with { Cursor = first.NextCursor }, Ct);
        var third = second.NextCursor is null ? null : await source.FetchAsync(query with { Cursor = second.NextCursor }, Ct);

        var ids = first.Orders.Concat(second.Orders).Concat(third?.Orders ?? []).Select(o => o.OrderId).ToList();
        Assert.Equal(11, ids.Distinct().Count());
        Assert.Contains(IdText(99), ids);
    }

    [Fact]
    public async Task MarkReceivedAsync_NewOrders_SetReceivedAndSecondCallStillCountsThem()
    {
        await AddOrderAsync(1, T0);
        await AddOrderAsync(2, T0);
        await AddOrderAsync(3, T0, status: "CANCELLED");
        var source = Source();

        var first = await source.MarkReceivedAsync([IdText(1), IdText(2), IdText(3), "NOPE"], Ct);
        var again = await source.MarkReceivedAsync([IdText(1)], Ct);

        Assert.Equal([IdText(1), IdText(2)], first.Marked);
        Assert.Equal([IdText(3), "NOPE"], first.Failed.Select(f => f.OrderId));
        Assert.Contains("CANCELLED", first.Failed[0].Reason, StringComparison.Ordinal);
        Assert.Equal([IdText(1)], again.Marked);
        Assert.Equal(("RECEIVED", "CANCELLED"), (await StatusOf(1), await StatusOf(3)));
    }

    [Fact]
    public async Task Pipeline_WithSqlSource_TakesEveryOrderOnceAndMarksItReceived()
    {
        var time = new ManualTimeProvider(T0.AddMinutes(5));
        for (var n = 0; n < 75; n++)
        {
            await AddOrderAsync(n, T0.AddSeconds(n), warehouse: n % 3 == 0 ? "WH2" : "WH1");
        }

        var path = Path.Combine(Path.GetTempPath(), "orchestrator-intake-sql-" + Guid.NewGuid().ToString("N") + ".db");
        try
        {
            await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={path}" }, time, null, Ct);
            var options = new OrderIntakeOptions { PageSize = 10, Partitions = [new OrderPartition("wh1", "WH1"), new OrderPartition("wh2", "WH2")] };
            var pipeline = new OrderIntakePipeline(Source(), storage.OrderBuffer, storage.JobLocks, storage.Watermarks, new ByWarehouse(), options, time);

            var results = await pipeline.PollAllAsync(Ct);
            time.Advance(TimeSpan.FromMinutes(1));
            var again = await pipeline.PollAllAsync(Ct);

            Assert.Equal(75, results.Sum(r => r.Inserted));
            Assert.Equal(75, results.Sum(r => r.Marked));
            Assert.Equal(0, again.Sum(r => r.Fetched)); // received orders no longer match the new statuses
            var counts = await storage.OrderBuffer.CountByStatusAsync("erp", Ct);
            Assert.Equal(75, counts[OrderStatus.New]);
            Assert.Equal(FlowType.B, (await storage.OrderBuffer.GetAsync("erp", IdText(3), Ct))!.Flow);
            for (var n = 0; n < 75; n += 7)
            {
                Assert.Equal("RECEIVED", await StatusOf(n));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Theory]
    [InlineData("orders; DROP TABLE x")]
    [InlineData("\"orders\"")]
    [InlineData("a.b.c")]
    public void Ctor_IdentifierThatIsNotPlain_ThrowsValidation(string table)
    {
        var ex = Assert.Throws<ValidationException>(() => new SqlOrderSource(DataSource, new SqlOrderSourceOptions { OrdersTable = table }));

        Assert.Contains("OrdersTable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctor_ReceivedStatusAlsoNew_ThrowsValidation()
    {
        Assert.Throws<ValidationException>(() => new SqlOrderSource(DataSource, new SqlOrderSourceOptions { NewStatuses = ["NEW", "RECEIVED"] }));
    }

    private sealed class ByWarehouse : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => order.WarehouseId == "WH2" ? FlowType.B : FlowType.A;
    }
}

/// <summary>SQLite order database with text ids and ISO-8601 UTC times.</summary>
public sealed class SqliteSqlOrderSourceTests : SqlOrderSourceTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orchestrator-orders-" + Guid.NewGuid().ToString("N") + ".db");

    protected override string IdType => "text";

    protected override string TimeType => "text";

    protected override Task<DbDataSource> OpenAsync() => Task.FromResult<DbDataSource>(SqliteFactory.Instance.CreateDataSource($"Data Source={_path}"));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }
}

/// <summary>PostgreSQL order database with numeric ids (compared as text) and timestamptz times.</summary>
public sealed class PostgreSqlSqlOrderSourceTests : SqlOrderSourceTests
{
    protected override string IdType => "bigint";

    protected override string TimeType => "timestamptz";

    protected override object Id(int n) => 1_000_000L + n;

    protected override Task<DbDataSource> OpenAsync() => Task.FromResult<DbDataSource>(NpgsqlDataSource.Create(PostgreSqlTestServer.Require().ConnectionString));
}
