using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orchestrator.Intake;
using Orchestrator.Intake.Sql;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// Malformed order rows, one case per input, read by <see cref="SqlOrderSource"/> from a real SQLite order table whose columns
/// have no declared types (so any value fits) and polled by the real <see cref="OrderIntakePipeline"/> into a SQLite buffer.
/// Two good orders come before the bad row and two after it. Each input must end as its case says — taken, held as FAILED with a
/// logged reason, rejected with a log line, not read (the query does not select it), or a typed ERR-DATA-001 error that stops the
/// poll before the row until it is fixed — with no untyped exception, and every good order buffered exactly once.
/// </summary>
public sealed class BadOrderRowCorpusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    public enum Outcome
    {
        Taken,
        HeldFailed,
        Rejected,
        NotRead,
        TypedError,
    }

    /// <summary>One bad row (or rows); <see cref="Lines"/> <see langword="null"/> means one good line for <see cref="Id"/>.</summary>
    public sealed record RowCase(string Name, string Kind, Outcome Expected)
    {
        public object? Id { get; init; } = "BAD-1";

        public object? Created { get; init; }

        public object? Changed { get; init; }

        public object? Status { get; init; } = "PAID";

        public object? Warehouse { get; init; } = "WH1";

        public IReadOnlyList<(object? OrderId, object? Sku, object? Quantity)>? Lines { get; init; }

        public int Copies { get; init; } = 1;

        public bool NullCreated { get; init; }

        public override string ToString() => Name;
    }

    public static IReadOnlyList<RowCase> Cases { get; } = BuildCases();

    public static TheoryData<string> CaseNames => new(Cases.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_malformed_order_row_ends_as_its_case_says_and_every_good_order_is_buffered_once(string name)
    {
        var @case = Cases.Single(c => c.Name == name);
        var ct = TestContext.Current.CancellationToken;
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-rows-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var dataSource = SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(folder, "orders.db")}");
            await ExecuteAsync(dataSource, "CREATE TABLE orders (order_id, created_at, changed_at, status, warehouse_id)");
            await ExecuteAsync(dataSource, "CREATE TABLE order_lines (order_id, sku_code, quantity)");
            await AddGoodAsync(dataSource, "GOOD-1", T0.AddMinutes(1));
            await AddGoodAsync(dataSource, "GOOD-2", T0.AddMinutes(2));
            var badChanged = @case.Changed ?? T0.AddMinutes(3);
            for (var copy = 0; copy < @case.Copies; copy++)
            {
                await ExecuteAsync(dataSource, "INSERT INTO orders VALUES (@id, @c, @u, @s, @w)",
                    ("@id", @case.Id), ("@c", @case.NullCreated ? null : @case.Created ?? T0.AddMinutes(2.5)), ("@u", badChanged), ("@s", @case.Status), ("@w", @case.Warehouse));
            }

            foreach (var (orderId, sku, quantity) in @case.Lines ?? [(@case.Id, "SKU-1", 1)])
            {
                await ExecuteAsync(dataSource, "INSERT INTO order_lines VALUES (@id, @sku, @q)", ("@id", orderId), ("@sku", sku), ("@q", quantity));
            }

            await AddGoodAsync(dataSource, "GOOD-3", T0.AddMinutes(4));
            await AddGoodAsync(dataSource, "GOOD-4", T0.AddMinutes(5));

            var time = new ManualTimeProvider(T0.AddMinutes(30));
            var logs = new CapturingLoggerProvider();
            using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(folder, "buffer.db")}" }, time, loggers, ct);
            var source = new SqlOrderSource(dataSource, new SqlOrderSourceOptions { Name = "erp", OrdersTable = "orders", LinesTable = "order_lines", NewStatuses = ["PAID"] });
            var pipeline = new OrderIntakePipeline(source, storage.OrderBuffer, storage.JobLocks, storage.Watermarks, new AllFlowA(),
                new OrderIntakeOptions { Owner = "rows", PageSize = 2, PrefetchPages = 1, InitialLookBack = TimeSpan.FromHours(1) }, time, logger: loggers.CreateLogger<OrderIntakePipeline>());

            var first = await pipeline.PollAllAsync(ct);
            time.Advance(TimeSpan.FromMinutes(1));
            var second = await pipeline.PollAllAsync(ct);
            var results = first.Concat(second).ToList();
            var lines = logs.Lines.ToList();

            foreach (var result in results.Where(r => r.Outcome == IntakeOutcome.Failed))
            {
                Assert.True(result.Error?.StartsWith(nameof(InvalidStockDataException) + ":", StringComparison.Ordinal) == true, $"{name}: the poll failed with an untyped error: {result.Error}");
            }

            var bad = Convert.ToString(@case.Id, CultureInfo.InvariantCulture) ?? string.Empty;
            var buffered = await storage.OrderBuffer.GetAsync("erp", bad, ct);
            switch (@case.Expected)
            {
                case Outcome.Taken:
                    Assert.True(results.All(r => r.Outcome == IntakeOutcome.Completed), $"{name}: {string.Join("; ", results.Select(r => r.Error))}");
                    Assert.True(buffered is { Status: OrderStatus.New }, $"{name}: the row was not taken ({buffered?.Status}, {buffered?.LastError})");
                    break;
                case Outcome.HeldFailed:
                    Assert.True(results.All(r => r.Outcome == IntakeOutcome.Completed), $"{name}: {string.Join("; ", results.Select(r => r.Error))}");
                    Assert.True(buffered is { Status: OrderStatus.Failed, LastError.Length: > 0 }, $"{name}: the row was not held as FAILED ({buffered?.Status})");
                    Assert.Contains(lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("held for a person", StringComparison.Ordinal));
                    break;
                case Outcome.Rejected:
                    Assert.True(results.All(r => r.Outcome == IntakeOutcome.Completed), $"{name}: {string.Join("; ", results.Select(r => r.Error))}");
                    Assert.True(first.Sum(r => r.Rejected) >= 1, $"{name}: nothing was rejected");
                    Assert.Contains(lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("without an order id was refused", StringComparison.Ordinal));
                    break;
                case Outcome.NotRead:
                    Assert.True(results.All(r => r.Outcome == IntakeOutcome.Completed), $"{name}: {string.Join("; ", results.Select(r => r.Error))}");
                    Assert.Null(buffered);
                    Assert.Equal(4, first.Sum(r => r.Fetched));
                    break;
                case Outcome.TypedError:
                    Assert.True(results.All(r => r.Outcome == IntakeOutcome.Failed), $"{name}: the row did not stop the poll");
                    Assert.Contains(lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains(nameof(InvalidStockDataException), StringComparison.Ordinal) && l.Contains("cannot be read", StringComparison.Ordinal));
                    Assert.Null(buffered);

                    // The orders before the bad row were kept; once the row is fixed (here: removed) the poll goes on past it.
                    Assert.NotNull(await storage.OrderBuffer.GetAsync("erp", "GOOD-1", ct));
                    await ExecuteAsync(dataSource, "DELETE FROM orders WHERE order_id NOT LIKE 'GOOD-%' OR order_id IS NULL");
                    time.Advance(TimeSpan.FromMinutes(1));
                    var fixedPoll = await pipeline.PollAllAsync(ct);
                    Assert.True(fixedPoll.All(r => r.Outcome == IntakeOutcome.Completed), $"{name}: {string.Join("; ", fixedPoll.Select(r => r.Error))}");
                    break;
            }

            foreach (var good in new[] { "GOOD-1", "GOOD-2", "GOOD-3", "GOOD-4" })
            {
                var order = await storage.OrderBuffer.GetAsync("erp", good, ct);
                Assert.True(order is { Status: OrderStatus.New, Flow: FlowType.A }, $"{name}: {good} is not buffered with its task");
            }

            var expectedRows = 4 + (@case.Expected is Outcome.Taken or Outcome.HeldFailed ? 1 : 0);
            var counts = await storage.OrderBuffer.CountByStatusAsync("erp", ct);
            Assert.True(counts.Values.Sum() == expectedRows, $"{name}: {counts.Values.Sum()} orders buffered, expected {expectedRows} (each once)");
        }
        finally
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

    [Fact]
    public void The_corpus_counts_its_inputs()
    {
        var byKind = Cases.GroupBy(c => c.Kind).Select(g => $"{g.Key} {g.Count()}");
        var byOutcome = Cases.GroupBy(c => c.Expected).Select(g => $"{g.Key} {g.Count()}");
        TestContext.Current.TestOutputHelper?.WriteLine($"order-row corpus: {Cases.Count} inputs; by kind: {string.Join(", ", byKind)}; by outcome: {string.Join(", ", byOutcome)}");

        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.All(Enum.GetValues<Outcome>(), o => Assert.Contains(Cases, c => c.Expected == o));
    }

    private static List<RowCase> BuildCases()
    {
        const string Id = "order id", Time = "time", Status = "status", Qty = "quantity", Lines = "lines", Dup = "duplicates", Wh = "warehouse";
        var longText = new string('x', 5_000);
        return
        [
            new("null order id", Id, Outcome.Rejected) { Id = null },
            new("empty order id", Id, Outcome.Rejected) { Id = string.Empty },
            new("blank order id", Id, Outcome.Rejected) { Id = "   " },
            new("order id of 300 characters", Id, Outcome.Rejected) { Id = new string('7', 300) },
            new("100 rows without an order id in one page", Id, Outcome.Rejected) { Id = null, Copies = 100 },
            new("integer order id", Id, Outcome.Taken) { Id = 12345L },
            new("fractional order id", Id, Outcome.Taken) { Id = 1.5 },
            new("order id with SQL in it", Id, Outcome.Taken) { Id = "x'); DROP TABLE orders; --" },
            new("order id with Korean text, tab and newline", Id, Outcome.Taken) { Id = "주문-①\t\n" },
            new("integer order id, lines keyed by the same id as text", Id, Outcome.Taken) { Id = 77L, Lines = [("77", "SKU-1", 1)] },
            new("null created-at", Time, Outcome.TypedError) { NullCreated = true },
            new("created-at 'yesterday'", Time, Outcome.TypedError) { Created = "yesterday" },
            new("created-at as a fraction", Time, Outcome.TypedError) { Created = 1.5 },
            new("created-at as Unix milliseconds", Time, Outcome.Taken) { Created = T0.ToUnixTimeMilliseconds() },
            new("created-at past year 9999 in milliseconds", Time, Outcome.TypedError) { Created = long.MaxValue },
            new("created-at as bytes", Time, Outcome.TypedError) { Created = new byte[] { 0xff, 0x00, 0x10 } },
            new("null changed-at", Time, Outcome.NotRead) { Changed = DBNull.Value },
            new("changed-at with trailing garbage inside the window", Time, Outcome.TypedError) { Changed = T0.AddMinutes(3).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00:00 garbage" },
            new("null status", Status, Outcome.NotRead) { Status = null },
            new("unknown status", Status, Outcome.NotRead) { Status = "WHATEVER" },
            new("status in lower case", Status, Outcome.NotRead) { Status = "paid" },
            new("status as a number", Status, Outcome.NotRead) { Status = 1L },
            new("order without lines", Lines, Outcome.HeldFailed) { Lines = [] },
            new("lines keyed by another case of the id", Lines, Outcome.HeldFailed) { Lines = [("bad-1", "SKU-1", 1)] },
            new("null SKU", Lines, Outcome.HeldFailed) { Lines = [("BAD-1", null, 1)] },
            new("empty SKU", Lines, Outcome.HeldFailed) { Lines = [("BAD-1", string.Empty, 1)] },
            new("SKU of 5,000 characters", Lines, Outcome.Taken) { Lines = [("BAD-1", longText, 1)] },
            new("5,000 lines on one order", Lines, Outcome.Taken) { Lines = [.. Enumerable.Range(0, 5_000).Select(i => ((object?)"BAD-1", (object?)$"SKU-{i}", (object?)1L))] },
            new("the same SKU on two lines", Lines, Outcome.Taken) { Lines = [("BAD-1", "SKU-1", 1), ("BAD-1", "SKU-1", 2)] },
            new("negative quantity", Qty, Outcome.HeldFailed) { Lines = [("BAD-1", "SKU-1", -3)] },
            new("zero quantity", Qty, Outcome.HeldFailed) { Lines = [("BAD-1", "SKU-1", 0)] },
            new("non-numeric quantity", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", "abc")] },
            new("null quantity", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", null)] },
            new("fractional quantity", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", 1.5)] },
            new("quantity 2.0 as a real", Qty, Outcome.Taken) { Lines = [("BAD-1", "SKU-1", 2.0)] },
            new("quantity '7' as text", Qty, Outcome.Taken) { Lines = [("BAD-1", "SKU-1", "7")] },
            new("quantity past int (3,000,000,000)", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", 3_000_000_000L)] },
            new("quantity long.MaxValue", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", long.MaxValue)] },
            new("quantity long.MinValue", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", long.MinValue)] },
            new("quantity 1e300", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", 1e300)] },
            new("quantity as bytes", Qty, Outcome.TypedError) { Lines = [("BAD-1", "SKU-1", new byte[] { 1, 2 })] },
            new("one good and one negative line", Qty, Outcome.HeldFailed) { Lines = [("BAD-1", "SKU-1", 1), ("BAD-1", "SKU-2", -1)] },
            new("the same order id twice in one page", Dup, Outcome.Taken) { Copies = 2 },
            new("the same order id three times, lines once", Dup, Outcome.Taken) { Copies = 3 },
            new("warehouse as a number", Wh, Outcome.Taken) { Warehouse = 5L },
            new("null warehouse", Wh, Outcome.Taken) { Warehouse = null },
        ];
    }

    private static async Task AddGoodAsync(System.Data.Common.DbDataSource dataSource, string id, DateTimeOffset changedAt)
    {
        await ExecuteAsync(dataSource, "INSERT INTO orders VALUES (@id, @c, @u, 'PAID', 'WH1')", ("@id", id), ("@c", changedAt.AddMinutes(-1)), ("@u", changedAt));
        await ExecuteAsync(dataSource, "INSERT INTO order_lines VALUES (@id, 'SKU-1', 2)", ("@id", id));
    }

    private static async Task ExecuteAsync(System.Data.Common.DbDataSource dataSource, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    private sealed class AllFlowA : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => FlowType.A;
    }
}
