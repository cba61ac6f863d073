using System.Data.Common;
using System.Text.Json;
using Orchestrator.Intake;

namespace Orchestrator.Storage.Relational;

/// <summary>The order buffer and each order's task, one row per (source, order id), uniqueness enforced by the primary key.</summary>
internal sealed class OrderBufferStore(RelationalDatabase database, TimeProvider time) : IOrderBufferStore
{
    private const string Columns =
        "source, order_id, created_at, changed_at, source_status, warehouse_id, lines, attributes, status, flow, attempts, last_error, received_at, marked_at_source_at, next_attempt_at";

    // 400 rows × 8 parameters stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement.
    private const int InsertChunk = 400;
    private const int IdChunk = 1000;
    private const string InsertPrefix =
        "INSERT INTO order_buffer (source, order_id, created_at, changed_at, source_status, warehouse_id, lines, attributes, status, attempts, received_at, updated_at) VALUES ";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<IReadOnlyList<OrderInsertOutcome>> InsertAsync(IReadOnlyList<SourceOrder> orders, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OrderInsertOutcome>>([]);
        }

        foreach (var order in orders)
        {
            ArgumentNullException.ThrowIfNull(order);
            ArgumentException.ThrowIfNullOrWhiteSpace(order.Source);
            ArgumentException.ThrowIfNullOrWhiteSpace(order.OrderId);
        }

        return database.WriteAsync<IReadOnlyList<OrderInsertOutcome>>(
            (connection, transaction) => database.SetBasedWrites
                ? InsertSetBasedAsync(connection, transaction, orders, receivedAt, cancellationToken)
                : InsertRowByRowAsync(connection, transaction, orders, receivedAt, cancellationToken),
            cancellationToken);
    }

    private static async Task<IReadOnlyList<OrderInsertOutcome>> InsertSetBasedAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SourceOrder> orders, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        // One multi-row statement per chunk: a round trip per 400 orders instead of one per order. RETURNING names the rows
        // inserted now; the rest were already buffered (or repeated within the batch).
        var inserted = new HashSet<(string, string)>();
        foreach (var chunk in orders.Chunk(InsertChunk))
        {
            var command = Sql.Command(connection, transaction, string.Empty);
            await using (command.ConfigureAwait(false))
            {
                var values = new System.Text.StringBuilder();
                command.Add("@received_at", receivedAt);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var order = chunk[i];
                    var n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    values.Append(i == 0 ? "(" : ", (")
                        .Append("@s").Append(n).Append(", @o").Append(n).Append(", @c").Append(n).Append(", @u").Append(n)
                        .Append(", @st").Append(n).Append(", @w").Append(n).Append(", @l").Append(n).Append(", @a").Append(n)
                        .Append(", 'NEW', 0, @received_at, @received_at)");
                    command.Add("@s" + n, order.Source);
                    command.Add("@o" + n, order.OrderId);
                    command.Add("@c" + n, order.CreatedAt.UtcTicks);
                    command.Add("@u" + n, order.ChangedAt.UtcTicks);
                    command.Add("@st" + n, order.Status ?? string.Empty);
                    command.Add("@w" + n, order.WarehouseId);
                    command.Add("@l" + n, JsonSerializer.Serialize(order.Lines ?? [], Json));
                    command.Add("@a" + n, order.Attributes is null ? null : JsonSerializer.Serialize(order.Attributes, Json));
                }

                command.CommandText = InsertPrefix + values + " ON CONFLICT (source, order_id) DO NOTHING RETURNING source, order_id";
                foreach (var key in await command.ListAsync(r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
                {
                    inserted.Add(key);
                }
            }
        }

        // The first copy of an order in the input is the one inserted; any later copy is a duplicate.
        var outcomes = new List<OrderInsertOutcome>(orders.Count);
        foreach (var order in orders)
        {
            outcomes.Add(new OrderInsertOutcome(order.Source, order.OrderId, inserted.Remove((order.Source, order.OrderId))));
        }

        return outcomes;
    }

    private static async Task<IReadOnlyList<OrderInsertOutcome>> InsertRowByRowAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<SourceOrder> orders, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var outcomes = new List<OrderInsertOutcome>(orders.Count);
        var command = Sql.Command(
            connection,
            transaction,
            InsertPrefix + "(@source, @order_id, @created_at, @changed_at, @source_status, @warehouse_id, @lines, @attributes, 'NEW', 0, @received_at, @received_at) ON CONFLICT (source, order_id) DO NOTHING");
        await using (command.ConfigureAwait(false))
        {
            var source = command.Add("@source", (string?)null);
            var orderId = command.Add("@order_id", (string?)null);
            var createdAt = command.Add("@created_at", (long?)null);
            var changedAt = command.Add("@changed_at", (long?)null);
            var status = command.Add("@source_status", (string?)null);
            var warehouse = command.Add("@warehouse_id", (string?)null);
            var lines = command.Add("@lines", (string?)null);
            var attributes = command.Add("@attributes", (string?)null);
            command.Add("@received_at", receivedAt);
            foreach (var order in orders)
            {
                source.Value = order.Source;
                orderId.Value = order.OrderId;
                createdAt.Value = order.CreatedAt.UtcTicks;
                changedAt.Value = order.ChangedAt.UtcTicks;
                status.Value = order.Status ?? string.Empty;
                warehouse.Value = (object?)order.WarehouseId ?? DBNull.Value;
                lines.Value = JsonSerializer.Serialize(order.Lines ?? [], Json);
                attributes.Value = order.Attributes is null ? DBNull.Value : JsonSerializer.Serialize(order.Attributes, Json);
                var inserted = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                outcomes.Add(new OrderInsertOutcome(order.Source, order.OrderId, inserted));
            }
        }

        return outcomes;
    }

    public Task SetMarkedAtSourceAsync(string source, IReadOnlyList<string> orderIds, DateTimeOffset markedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(orderIds);
        if (orderIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The first mark is kept: it records when the source first learned that the order was taken.
                return await UpdateByIdAsync(
                    connection,
                    transaction,
                    "UPDATE order_buffer SET marked_at_source_at = @at, updated_at = @at WHERE source = @source AND marked_at_source_at IS NULL",
                    c =>
                    {
                        c.Add("@at", markedAt);
                        c.Add("@source", source);
                    },
                    orderIds.Distinct(StringComparer.Ordinal).ToList(),
                    cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<BufferedOrder>> GetNotMarkedAtSourceAsync(string source, int limit, CancellationToken cancellationToken)
        => ListAsync("source = @source AND marked_at_source_at IS NULL", source, limit, cancellationToken);

    public Task<IReadOnlyList<BufferedOrder>> GetWithoutTaskAsync(string source, int limit, CancellationToken cancellationToken)
        => ListAsync("source = @source AND flow IS NULL", source, limit, cancellationToken);

    public Task<int> CreateTasksAsync(string source, IReadOnlyList<OrderTaskRequest> tasks, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0)
        {
            return Task.FromResult(0);
        }

        foreach (var task in tasks)
        {
            ArgumentNullException.ThrowIfNull(task);
            ArgumentException.ThrowIfNullOrWhiteSpace(task.OrderId);
        }

        var now = time.GetUtcNow();

        // The first request for an order wins; then one statement per flow and chunk.
        var byFlow = tasks.DistinctBy(t => t.OrderId, StringComparer.Ordinal).GroupBy(t => t.Flow).ToList();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var created = 0;
                foreach (var group in byFlow)
                {
                    created += await UpdateByIdAsync(
                        connection,
                        transaction,
                        "UPDATE order_buffer SET flow = @flow, task_created_at = @now, updated_at = @now WHERE source = @source AND flow IS NULL",
                        c =>
                        {
                            c.Add("@flow", Codes.Of(group.Key));
                            c.Add("@now", now);
                            c.Add("@source", source);
                        },
                        group.Select(t => t.OrderId).ToList(),
                        cancellationToken).ConfigureAwait(false);
                }

                return created;
            },
            cancellationToken);
    }

    public Task<bool> TransitionAsync(OrderTransition transition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        var failing = transition.To == OrderStatus.Failed;

        // A move to FAILED counts an attempt and records the error and the retry time; any other move clears the retry time.
        var text = failing
            ? """
              UPDATE order_buffer SET status = @to, attempts = attempts + 1, last_error = @error, next_attempt_at = @next, updated_at = @at
              WHERE source = @source AND order_id = @order_id AND status = @from
              """
            : """
              UPDATE order_buffer SET status = @to, next_attempt_at = NULL, updated_at = @at
              WHERE source = @source AND order_id = @order_id AND status = @from
              """;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(connection, transaction, text);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@to", Codes.Of(transition.To));
                    command.Add("@from", Codes.Of(transition.From));
                    command.Add("@at", transition.At);
                    command.Add("@source", transition.Source);
                    command.Add("@order_id", transition.OrderId);
                    if (failing)
                    {
                        command.Add("@error", transition.Error);
                        command.Add("@next", transition.NextAttemptAt);
                    }

                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<BufferedOrder>> GetDueForRetryAsync(DateTimeOffset now, int maxAttempts, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<BufferedOrder>>(
            async connection =>
            {
                var command = Sql.Command(
                    connection,
                    null,
                    $"""
                    SELECT {Columns} FROM order_buffer
                    WHERE status = 'FAILED' AND next_attempt_at IS NOT NULL AND next_attempt_at <= @now AND attempts < @max
                    ORDER BY next_attempt_at, source, order_id LIMIT @limit
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@now", now);
                    command.Add("@max", maxAttempts);
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<BufferedOrder>> GetTasksAsync(OrderStatus status, string? source, DateTimeOffset? updatedBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var where = "status = @status AND flow IS NOT NULL";
        if (source is not null)
        {
            where += " AND source = @source";
        }

        if (updatedBefore is not null)
        {
            where += " AND updated_at < @before";
        }

        return database.ReadAsync<IReadOnlyList<BufferedOrder>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM order_buffer WHERE {where} ORDER BY updated_at, source, order_id LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@status", Codes.Of(status));
                    if (source is not null)
                    {
                        command.Add("@source", source);
                    }

                    if (updatedBefore is { } before)
                    {
                        command.Add("@before", before);
                    }

                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<BufferedOrder?> GetAsync(string source, string orderId, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM order_buffer WHERE source = @source AND order_id = @order_id");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@source", source);
                    command.Add("@order_id", orderId);
                    return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);

    public Task<IReadOnlyDictionary<OrderStatus, long>> CountByStatusAsync(string? source, CancellationToken cancellationToken)
        => database.ReadAsync<IReadOnlyDictionary<OrderStatus, long>>(
            async connection =>
            {
                var where = source is null ? string.Empty : "WHERE source = @source";
                var command = Sql.Command(connection, null, $"SELECT status, count(*) FROM order_buffer {where} GROUP BY status");
                await using (command.ConfigureAwait(false))
                {
                    if (source is not null)
                    {
                        command.Add("@source", source);
                    }

                    var counts = Enum.GetValues<OrderStatus>().ToDictionary(s => s, _ => 0L);
                    foreach (var (status, count) in await command.ListAsync(r => (Codes.OrderStatusOf(r.GetString(0)), r.Int64(1)), cancellationToken).ConfigureAwait(false))
                    {
                        counts[status] = count;
                    }

                    return counts;
                }
            },
            cancellationToken);

    private Task<IReadOnlyList<BufferedOrder>> ListAsync(string where, string source, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<BufferedOrder>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM order_buffer WHERE {where} ORDER BY received_at, order_id LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@source", source);
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>Runs <paramref name="update"/> (which ends in a WHERE clause) for each order id: chunked with <c>IN (…)</c> on a
    /// server, or as one prepared statement rebound per id on an embedded engine. Returns the rows changed.</summary>
    private async Task<int> UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string update, Action<DbCommand> addFixed, IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        var changed = 0;
        if (database.SetBasedWrites)
        {
            foreach (var chunk in orderIds.Chunk(IdChunk))
            {
                var command = Sql.Command(connection, transaction, string.Empty);
                await using (command.ConfigureAwait(false))
                {
                    addFixed(command);
                    command.CommandText = $"{update} AND order_id IN ({command.AddList("i", chunk)})";
                    changed += await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return changed;
        }

        var single = Sql.Command(connection, transaction, update + " AND order_id = @order_id");
        await using (single.ConfigureAwait(false))
        {
            addFixed(single);
            var orderId = single.Add("@order_id", (string?)null);
            foreach (var id in orderIds)
            {
                orderId.Value = id;
                changed += await single.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return changed;
    }

    private static BufferedOrder Map(DbDataReader r)
    {
        var lines = JsonSerializer.Deserialize<List<OrderLine>>(r.GetString(6), Json) ?? [];
        var attributes = r.IsDBNull(7) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(7), Json);
        var order = new SourceOrder(r.GetString(0), r.GetString(1), r.Time(2), r.Time(3), r.GetString(4), r.NullableString(5), lines, attributes);
        return new BufferedOrder(
            order,
            Codes.OrderStatusOf(r.GetString(8)),
            r.IsDBNull(9) ? null : Codes.FlowOf(r.GetString(9)),
            r.Int32(10),
            r.NullableString(11),
            r.Time(12),
            r.NullableTime(13),
            r.NullableTime(14));
    }
}
