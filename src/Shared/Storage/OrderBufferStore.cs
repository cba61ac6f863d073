using System.Data.Common;
using System.Text.Json;
using Orchestrator.Intake;

namespace Orchestrator.Storage.Relational;

/// <summary>The order buffer and each order's task, one row per (source, order id), uniqueness enforced by the primary key.</summary>
internal sealed class OrderBufferStore(RelationalDatabase database, TimeProvider time) : IOrderBufferStore
{
    // An order is marked at its source when its own row says so, or when the source confirmed every order of the write that
    // buffered it at once (order_buffer_writes.all_marked_at): the usual case costs one update of the write, not one per order.
    private const string Columns =
        "source, order_id, created_at, changed_at, source_status, warehouse_id, lines, attributes, status, flow, attempts, last_error, received_at, COALESCE(marked_at_source_at, all_marked_at), next_attempt_at";

    private const string From = "order_buffer LEFT JOIN order_buffer_writes ON order_buffer_writes.id = order_buffer.write_id";

    // Rows per statement on a server: one array parameter per column, so the statement size does not depend on the row count.
    private const int InsertChunk = 5000;
    private const int IdChunk = 5000;
    private const string InsertColumns =
        "source, order_id, created_at, changed_at, source_status, warehouse_id, lines, attributes, status, flow, attempts, last_error, received_at, task_created_at, updated_at, write_id";

    // The write of orders buffered before writes were recorded (schema 3); a real write id is never negative.
    private const long NoWrite = -1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly RecentWrites _recentWrites = new();

    public Task<IReadOnlyList<OrderInsertOutcome>> InsertAsync(IReadOnlyList<SourceOrder> orders, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OrderInsertOutcome>>([]);
        }

        var rows = new List<OrderToBuffer>(orders.Count);
        foreach (var order in orders)
        {
            ArgumentNullException.ThrowIfNull(order);
            ArgumentException.ThrowIfNullOrWhiteSpace(order.Source);
            ArgumentException.ThrowIfNullOrWhiteSpace(order.OrderId);
            rows.Add(new OrderToBuffer(order));
        }

        return WriteAndRememberAsync(null, rows, null, receivedAt, cancellationToken);
    }

    public Task<IReadOnlyList<OrderInsertOutcome>> WriteAsync(OrderBufferWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentException.ThrowIfNullOrWhiteSpace(write.Source);
        ArgumentNullException.ThrowIfNull(write.Orders);
        ArgumentNullException.ThrowIfNull(write.MarkedAtSource);
        foreach (var row in write.Orders)
        {
            ArgumentNullException.ThrowIfNull(row);
            ArgumentNullException.ThrowIfNull(row.Order);
            ArgumentException.ThrowIfNullOrWhiteSpace(row.Order.OrderId);
            if (!string.Equals(row.Order.Source, write.Source, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Order '{row.Order.OrderId}' is from source '{row.Order.Source}', not '{write.Source}'.", nameof(write));
            }

            if (row.Error is not null && row.Flow is not null)
            {
                throw new ArgumentException($"Order '{row.Order.OrderId}' is invalid ('{row.Error}') and cannot have a task.", nameof(write));
            }
        }

        foreach (var id in write.MarkedAtSource)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
        }

        if (write.Orders.Count == 0 && write.MarkedAtSource.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<OrderInsertOutcome>>([]);
        }

        var marks = write.MarkedAtSource.Distinct(StringComparer.Ordinal).ToList();
        return WriteAndRememberAsync(marks.Count > 0 ? (write.Source, marks) : null, write.Orders, write.Partition, write.At, cancellationToken);
    }

    /// <summary>One transaction: records the marks (orders of earlier, committed writes, so this costs no commit of its own), then
    /// buffers the orders; once committed, the writes it made are remembered for the marks that will follow.</summary>
    private async Task<IReadOnlyList<OrderInsertOutcome>> WriteAndRememberAsync((string Source, List<string> OrderIds)? marks, IReadOnlyList<OrderToBuffer> rows, string? partition, DateTimeOffset at, CancellationToken cancellationToken)
    {
        List<RecentWrite> written = [];
        var outcomes = await database.WriteAsync(
            async (connection, transaction) =>
            {
                written = [];
                if (marks is { } m)
                {
                    await MarkAsync(connection, transaction, m.Source, at, m.OrderIds, cancellationToken).ConfigureAwait(false);
                }

                return await InsertOrdersAsync(connection, transaction, rows, partition, at, written, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        _recentWrites.Add(written);
        return outcomes;
    }

    /// <summary>
    /// Records that the source confirmed <paramref name="orderIds"/>. When they are every order of a write still unmarked (the
    /// usual case: the pipeline marks what one write buffered), the write is marked as a whole: one row updated instead of one
    /// per order. Otherwise, and for orders buffered before writes were recorded, each order's row is marked.
    /// </summary>
    /// <remarks>
    /// A write's <c>unmarked</c> is always the number of its orders not marked on their own row (until it is marked as a whole):
    /// every mark changes both in one transaction, and an order never becomes unmarked again. So when one probe (one snapshot)
    /// finds every unmarked order of a write among the confirmed ones, the write can be marked whole without a lock: orders only
    /// leave its unmarked set, so no unconfirmed order can be in it later. The update names the figure it read, so a write that
    /// another mark changed in between is counted again under the writes' locks instead, and the figure stays exact. The
    /// pipeline's usual mark, exactly the orders that recent writes of this store inserted, needs no probe at all.
    /// </remarks>
    private async Task MarkAsync(DbConnection connection, DbTransaction transaction, string source, DateTimeOffset at, List<string> orderIds, CancellationToken cancellationToken)
    {
        // The pipeline's usual mark: exactly the orders that recent writes of this store inserted, so each write can be marked
        // whole; a write whose figure changed since (another instance marked part of it) is counted by the probe below.
        if (_recentWrites.Take(source, orderIds) is { } recent)
        {
            var all = true;
            foreach (var write in recent)
            {
                all &= await MarkWholeWriteAsync(connection, transaction, write.Write, write.Orders.Count, at, cancellationToken).ConfigureAwait(false);
            }

            if (all)
            {
                return;
            }
        }

        var underLock = false;
        var byWrite = await ProbeUnmarkedByWriteAsync(connection, transaction, source, orderIds, cancellationToken).ConfigureAwait(false);
        foreach (var (write, probed) in byWrite)
        {
            if (write != NoWrite && (probed.AllMarked || probed.Unmarked == 0))
            {
                continue;
            }

            underLock |= write == NoWrite || probed.Count != probed.Unmarked
                || !await MarkWholeWriteAsync(connection, transaction, write, probed.Unmarked, at, cancellationToken).ConfigureAwait(false);
        }

        if (underLock)
        {
            await MarkUnderLockAsync(connection, transaction, source, at, orderIds, byWrite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Marks a write as a whole if it still has <paramref name="unmarked"/> orders to mark; false when another mark of
    /// the write came first.</summary>
    private static async Task<bool> MarkWholeWriteAsync(DbConnection connection, DbTransaction transaction, long write, int unmarked, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var whole = Sql.Command(connection, transaction, "UPDATE order_buffer_writes SET unmarked = 0, all_marked_at = @at WHERE id = @write AND unmarked = @unmarked AND all_marked_at IS NULL");
        await using (whole.ConfigureAwait(false))
        {
            whole.Add("@at", at);
            whole.Add("@write", write);
            whole.Add("@unmarked", unmarked);
            return await whole.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
    }

    /// <summary>
    /// Records marks that are not whole writes (partial confirmations, orders buffered before writes were recorded) or whose
    /// write another mark changed: locks the writes the orders belong to (in id order, so two marks cannot deadlock), counts
    /// again under the lock, marks whole writes as a whole and the rest order by order. Where the engine runs one writer at a
    /// time (no row locks), <paramref name="byWrite"/>, the caller's probe, was already taken under the write lock.
    /// </summary>
    private async Task MarkUnderLockAsync(DbConnection connection, DbTransaction transaction, string source, DateTimeOffset at, List<string> orderIds, Dictionary<long, (int Count, int Unmarked, bool AllMarked)> byWrite, CancellationToken cancellationToken)
    {
        var writes = byWrite.Keys.Where(w => w != NoWrite).Order().ToArray();
        var state = new Dictionary<long, (int Unmarked, bool AllMarked)>();
        if (writes.Length > 0)
        {
            var lockWrites = Sql.Command(connection, transaction, $"SELECT id, unmarked, all_marked_at FROM order_buffer_writes WHERE {InList("id", "@writes")} ORDER BY id {database.ForUpdate}");
            await using (lockWrites.ConfigureAwait(false))
            {
                BindList(lockWrites, "@writes", writes);
                foreach (var (id, unmarked, allMarked) in await lockWrites.ListAsync(r => (r.Int64(0), r.Int32(1), !r.IsDBNull(2)), cancellationToken).ConfigureAwait(false))
                {
                    state[id] = (unmarked, allMarked);
                }
            }

            if (database.ForUpdate.Length > 0)
            {
                byWrite = await ProbeUnmarkedByWriteAsync(connection, transaction, source, orderIds, cancellationToken).ConfigureAwait(false);
            }
        }

        var oneByOne = new List<long>();
        foreach (var (write, probed) in byWrite)
        {
            if (write == NoWrite || !state.TryGetValue(write, out var s) || s.AllMarked || s.Unmarked == 0)
            {
                continue;
            }

            if (probed.Count != s.Unmarked || !await MarkWholeWriteAsync(connection, transaction, write, s.Unmarked, at, cancellationToken).ConfigureAwait(false))
            {
                oneByOne.Add(write);
            }
        }

        if (oneByOne.Count == 0 && !byWrite.ContainsKey(NoWrite))
        {
            return;
        }

        // Order by order: those of writes only partly confirmed, and those buffered before writes were recorded.
        var marked = new Dictionary<long, int>();
        foreach (var chunk in orderIds.Chunk(IdChunk))
        {
            var update = Sql.Command(
                connection,
                transaction,
                $"""
                UPDATE order_buffer SET marked_at_source_at = @at, updated_at = @at
                WHERE source = @source AND marked_at_source_at IS NULL AND {InList("order_id", "@ids")} AND (write_id IS NULL OR {InList("write_id", "@writes")})
                RETURNING write_id
                """);
            await using (update.ConfigureAwait(false))
            {
                update.Add("@at", at);
                update.Add("@source", source);
                BindList(update, "@ids", chunk);
                BindList(update, "@writes", oneByOne.ToArray());
                foreach (var write in await update.ListAsync(r => r.IsDBNull(0) ? NoWrite : r.Int64(0), cancellationToken).ConfigureAwait(false))
                {
                    if (write != NoWrite)
                    {
                        marked[write] = marked.GetValueOrDefault(write) + 1;
                    }
                }
            }
        }

        foreach (var (write, count) in marked)
        {
            var less = Sql.Command(connection, transaction, "UPDATE order_buffer_writes SET unmarked = unmarked - @count WHERE id = @write");
            await using (less.ConfigureAwait(false))
            {
                less.Add("@count", count);
                less.Add("@write", write);
                await less.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How many of <paramref name="orderIds"/> are buffered and not marked on their own row, by the write that buffered
    /// them (<see cref="NoWrite"/> for orders buffered before writes were recorded), with the write's own figures read in the
    /// same snapshot.</summary>
    private async Task<Dictionary<long, (int Count, int Unmarked, bool AllMarked)>> ProbeUnmarkedByWriteAsync(DbConnection connection, DbTransaction transaction, string source, List<string> orderIds, CancellationToken cancellationToken)
    {
        // One statement, so the counts and the writes' figures all come from one snapshot.
        var counts = new Dictionary<long, (int Count, int Unmarked, bool AllMarked)>();
        var probe = Sql.Command(
            connection,
            transaction,
            $"""
            SELECT write_id, count(*), max(unmarked), max(all_marked_at) FROM {From}
            WHERE source = @source AND marked_at_source_at IS NULL AND {InList("order_id", "@ids")} GROUP BY write_id
            """);
        await using (probe.ConfigureAwait(false))
        {
            probe.Add("@source", source);
            BindList(probe, "@ids", orderIds.ToArray());
            foreach (var (write, count, unmarked, allMarked) in await probe.ListAsync(r => (r.IsDBNull(0) ? NoWrite : r.Int64(0), r.Int32(1), r.IsDBNull(2) ? 0 : r.Int32(2), !r.IsDBNull(3)), cancellationToken).ConfigureAwait(false))
            {
                counts[write] = (count, unmarked, allMarked);
            }
        }

        return counts;
    }

    /// <summary>A condition "<paramref name="column"/> is one of the list <paramref name="parameter"/>" with the list bound as one
    /// parameter: an array on a server (<c>= ANY</c>), a JSON array on an embedded engine (<c>json_each</c>), so the statement
    /// neither grows with the list nor runs once per item.</summary>
    private string InList(string column, string parameter)
        => database.SetBasedWrites ? $"{column} = ANY({parameter})" : $"{column} IN (SELECT value FROM json_each({parameter}))";

    /// <summary>Binds the list named in <see cref="InList"/>.</summary>
    private void BindList<T>(DbCommand command, string parameter, T[] values)
    {
        if (database.SetBasedWrites)
        {
            AddArray(command, parameter, values);
        }
        else
        {
            command.Add(parameter, JsonSerializer.Serialize(values, Json));
        }
    }

    private async Task<IReadOnlyList<OrderInsertOutcome>> InsertOrdersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<OrderToBuffer> rows, string? partition, DateTimeOffset at, List<RecentWrite> written, CancellationToken cancellationToken)
    {
        // The first copy of an order in the input is the one inserted; any later copy is a duplicate and never reaches the database.
        var outcomes = new OrderInsertOutcome?[rows.Count];
        var unique = new List<OrderToBuffer>(rows.Count);
        var positions = new List<int>(rows.Count);
        var seen = new HashSet<(string, string)>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var order = rows[i].Order;
            if (seen.Add((order.Source, order.OrderId)))
            {
                unique.Add(rows[i]);
                positions.Add(i);
            }
            else
            {
                outcomes[i] = new OrderInsertOutcome(order.Source, order.OrderId, false);
            }
        }

        // The orders of each source are recorded as one write, with its count of orders not yet marked at the source.
        var inserted = new bool[unique.Count];
        foreach (var group in Enumerable.Range(0, unique.Count).GroupBy(j => unique[j].Order.Source, StringComparer.Ordinal))
        {
            var positionsOfSource = group.ToList();
            var rowsOfSource = positionsOfSource.Count == unique.Count ? unique : positionsOfSource.ConvertAll(j => unique[j]);
            var write = await StartWriteAsync(connection, transaction, group.Key, partition, at, cancellationToken).ConfigureAwait(false);
            var insertedOfSource = database.SetBasedWrites
                ? await InsertSetBasedAsync(connection, transaction, group.Key, rowsOfSource, at, write, cancellationToken).ConfigureAwait(false)
                : await InsertRowByRowAsync(connection, transaction, group.Key, rowsOfSource, at, write, cancellationToken).ConfigureAwait(false);
            var insertedIds = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < rowsOfSource.Count; k++)
            {
                if (insertedOfSource[k])
                {
                    insertedIds.Add(rowsOfSource[k].Order.OrderId);
                }
            }

            await FinishWriteAsync(connection, transaction, write, insertedIds.Count, cancellationToken).ConfigureAwait(false);
            if (insertedIds.Count > 0)
            {
                written.Add(new RecentWrite(write, group.Key, insertedIds));
            }

            for (var k = 0; k < positionsOfSource.Count; k++)
            {
                inserted[positionsOfSource[k]] = insertedOfSource[k];
            }
        }

        for (var j = 0; j < unique.Count; j++)
        {
            var order = unique[j].Order;
            outcomes[positions[j]] = new OrderInsertOutcome(order.Source, order.OrderId, inserted[j]);
        }

        return outcomes!;
    }

    private static async Task<long> StartWriteAsync(DbConnection connection, DbTransaction transaction, string source, string? partition, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, "INSERT INTO order_buffer_writes (write_source, write_partition, written_at, unmarked) VALUES (@source, @partition, @at, 0) RETURNING id");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@source", source);
            command.Add("@partition", partition);
            command.Add("@at", at);
            return await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The database returned no id for the new order buffer write.");
        }
    }

    private static async Task FinishWriteAsync(DbConnection connection, DbTransaction transaction, long write, int inserted, CancellationToken cancellationToken)
    {
        // A write whose orders were all buffered before keeps no row.
        var command = Sql.Command(
            connection,
            transaction,
            inserted > 0 ? "UPDATE order_buffer_writes SET unmarked = @inserted WHERE id = @write" : "DELETE FROM order_buffer_writes WHERE id = @write");
        await using (command.ConfigureAwait(false))
        {
            if (inserted > 0)
            {
                command.Add("@inserted", inserted);
            }

            command.Add("@write", write);
            await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool[]> InsertSetBasedAsync(DbConnection connection, DbTransaction transaction, string source, List<OrderToBuffer> rows, DateTimeOffset at, long write, CancellationToken cancellationToken)
    {
        // A server: one INSERT … SELECT FROM unnest(arrays) per chunk, one round trip and a fixed number of parameters however
        // many rows; the count of rows inserted says whether any order was buffered before.
        var result = new bool[rows.Count];
        for (var offset = 0; offset < rows.Count; offset += InsertChunk)
        {
            var count = Math.Min(InsertChunk, rows.Count - offset);
            var ids = new string[count];
            var created = new long[count];
            var changed = new long[count];
            var statuses = new string[count];
            var warehouses = new string?[count];
            var lines = new string[count];
            var attributes = new string?[count];
            var flows = new string?[count];
            var errors = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var row = rows[offset + i];
                ids[i] = row.Order.OrderId;
                created[i] = row.Order.CreatedAt.UtcTicks;
                changed[i] = row.Order.ChangedAt.UtcTicks;
                statuses[i] = row.Order.Status ?? string.Empty;
                warehouses[i] = row.Order.WarehouseId;
                lines[i] = JsonSerializer.Serialize(row.Order.Lines ?? [], Json);
                attributes[i] = row.Order.Attributes is null ? null : JsonSerializer.Serialize(row.Order.Attributes, Json);
                flows[i] = row.Flow is { } flow ? Codes.Of(flow) : null;
                errors[i] = row.Error;
            }

            var command = Sql.Command(
                connection,
                transaction,
                $"""
                INSERT INTO order_buffer ({InsertColumns})
                SELECT @source, o, c, u, st, w, l, a, CASE WHEN e IS NULL THEN @new ELSE @failed END, f, CASE WHEN e IS NULL THEN 0 ELSE 1 END, e,
                       @at, CASE WHEN f IS NULL THEN NULL ELSE @at END, @at, @write
                FROM unnest(@o, @c, @u, @st, @w, @l, @a, @f, @e) AS t(o, c, u, st, w, l, a, f, e)
                ON CONFLICT (source, order_id) DO NOTHING
                """);
            await using (command.ConfigureAwait(false))
            {
                command.Add("@new", Codes.Of(OrderStatus.New));
                command.Add("@failed", Codes.Of(OrderStatus.Failed));
                command.Add("@at", at);
                command.Add("@write", write);
                command.Add("@source", source);
                AddArray(command, "@o", ids);
                AddArray(command, "@c", created);
                AddArray(command, "@u", changed);
                AddArray(command, "@st", statuses);
                AddArray(command, "@w", warehouses);
                AddArray(command, "@l", lines);
                AddArray(command, "@a", attributes);
                AddArray(command, "@f", flows);
                AddArray(command, "@e", errors);
                if (await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == count)
                {
                    Array.Fill(result, true, offset, count);
                    continue;
                }
            }

            // Some were buffered before: the rows this write holds are the ones inserted now (the rows are of one source, so the
            // order id names a row). Cheaper than RETURNING every row when, as usual, none was.
            var ofWrite = Sql.Command(connection, transaction, "SELECT order_id FROM order_buffer WHERE source = @source AND write_id = @write AND marked_at_source_at IS NULL");
            await using (ofWrite.ConfigureAwait(false))
            {
                ofWrite.Add("@source", source);
                ofWrite.Add("@write", write);
                var inserted = new HashSet<string>(await ofWrite.ListAsync(r => r.GetString(0), cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
                for (var i = 0; i < count; i++)
                {
                    result[offset + i] = inserted.Contains(ids[i]);
                }
            }
        }

        return result;
    }

    private static async Task<bool[]> InsertRowByRowAsync(DbConnection connection, DbTransaction transaction, string sourceName, List<OrderToBuffer> rows, DateTimeOffset at, long write, CancellationToken cancellationToken)
    {
        // An embedded engine: one prepared statement rebound per row costs no round trip and no statement parsing. Orders already
        // buffered (an overlapping poll) are found first with one probe, and never serialized nor sent, so a duplicate costs an
        // index lookup instead of a rejected insert; the write lock is held, so the probe cannot go stale, and ON CONFLICT still
        // guards the key.
        var result = new bool[rows.Count];
        var existing = new HashSet<string>(StringComparer.Ordinal);
        var probe = Sql.Command(connection, transaction, "SELECT order_id FROM order_buffer WHERE source = @source AND order_id IN (SELECT value FROM json_each(@ids))");
        await using (probe.ConfigureAwait(false))
        {
            probe.Add("@source", sourceName);
            probe.Add("@ids", JsonSerializer.Serialize(rows.Select(r => r.Order.OrderId), Json));
            foreach (var id in await probe.ListAsync(r => r.GetString(0), cancellationToken).ConfigureAwait(false))
            {
                existing.Add(id);
            }
        }

        var command = Sql.Command(
            connection,
            transaction,
            $"INSERT INTO order_buffer ({InsertColumns}) VALUES (@source, @order_id, @created_at, @changed_at, @source_status, @warehouse_id, @lines, @attributes, @status, @flow, @attempts, @last_error, @at, @task_at, @at, @write) ON CONFLICT (source, order_id) DO NOTHING");
        await using (command.ConfigureAwait(false))
        {
            var source = command.Add("@source", (string?)null);
            var orderId = command.Add("@order_id", (string?)null);
            var createdAt = command.Add("@created_at", (long?)null);
            var changedAt = command.Add("@changed_at", (long?)null);
            var sourceStatus = command.Add("@source_status", (string?)null);
            var warehouse = command.Add("@warehouse_id", (string?)null);
            var lines = command.Add("@lines", (string?)null);
            var attributes = command.Add("@attributes", (string?)null);
            var status = command.Add("@status", (string?)null);
            var flow = command.Add("@flow", (string?)null);
            var attempts = command.Add("@attempts", (int?)null);
            var lastError = command.Add("@last_error", (string?)null);
            var taskAt = command.Add("@task_at", (long?)null);
            command.Add("@at", at);
            command.Add("@write", write);
            command.Prepare();
            var newCode = Codes.Of(OrderStatus.New);
            var failedCode = Codes.Of(OrderStatus.Failed);
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var order = row.Order;
                if (existing.Contains(order.OrderId))
                {
                    continue;
                }

                source.Value = order.Source;
                orderId.Value = order.OrderId;
                createdAt.Value = order.CreatedAt.UtcTicks;
                changedAt.Value = order.ChangedAt.UtcTicks;
                sourceStatus.Value = order.Status ?? string.Empty;
                warehouse.Value = (object?)order.WarehouseId ?? DBNull.Value;
                lines.Value = JsonSerializer.Serialize(order.Lines ?? [], Json);
                attributes.Value = order.Attributes is null ? DBNull.Value : JsonSerializer.Serialize(order.Attributes, Json);
                status.Value = row.Error is null ? newCode : failedCode;
                flow.Value = row.Flow is { } f ? Codes.Of(f) : DBNull.Value;
                attempts.Value = row.Error is null ? 0 : 1;
                lastError.Value = (object?)row.Error ?? DBNull.Value;
                taskAt.Value = row.Flow is null ? DBNull.Value : at.UtcTicks;
                result[i] = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
            }
        }

        return result;
    }

    /// <summary>Adds an array parameter; the provider infers the array type from the CLR array (only the server path uses it).</summary>
    private static void AddArray(DbCommand command, string name, Array values)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = values;
        command.Parameters.Add(parameter);
    }

    public Task SetMarkedAtSourceAsync(string source, IReadOnlyList<string> orderIds, DateTimeOffset markedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(orderIds);

        // The first mark is kept: it records when the source first learned that the order was taken.
        return WriteAsync(new OrderBufferWrite(source, markedAt) { MarkedAtSource = orderIds }, cancellationToken);
    }

    public Task<IReadOnlyList<BufferedOrder>> GetNotMarkedAtSourceAsync(string source, int limit, CancellationToken cancellationToken)
        => GetNotMarkedAtSourceAsync(new NotMarkedQuery(source, limit), cancellationToken);

    public Task<IReadOnlyList<BufferedOrder>> GetNotMarkedAtSourceAsync(NotMarkedQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (source, limit) = (query.Source, query.Limit);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var ofPartition = query.Partition is null
            ? string.Empty
            : query.OtherPartitionsBefore is null
                ? " AND (write_partition IS NULL OR write_partition = @partition)"
                : " AND (write_partition IS NULL OR write_partition = @partition OR written_at < @before)";

        // Orders buffered before writes were recorded first, then the open writes oldest first: only as many writes as hold the
        // orders asked for are read, so the cost follows the unmarked orders, never the size of the buffer.
        return database.ReadAsync<IReadOnlyList<BufferedOrder>>(
            async connection =>
            {
                var found = new List<BufferedOrder>();
                var legacy = Sql.Command(connection, null, $"SELECT {Columns} FROM {From} WHERE source = @source AND marked_at_source_at IS NULL AND write_id IS NULL ORDER BY received_at, order_id LIMIT @limit");
                await using (legacy.ConfigureAwait(false))
                {
                    legacy.Add("@source", source);
                    legacy.Add("@limit", limit);
                    found.AddRange(await legacy.ListAsync(Map, cancellationToken).ConfigureAwait(false));
                }

                if (found.Count >= limit)
                {
                    return found;
                }

                var remaining = limit - found.Count;
                var writes = new List<long>();
                var open = Sql.Command(connection, null, $"SELECT id, unmarked FROM order_buffer_writes WHERE write_source = @source AND unmarked > 0{ofPartition} ORDER BY id LIMIT @limit");
                await using (open.ConfigureAwait(false))
                {
                    open.Add("@source", source);
                    if (query.Partition is not null)
                    {
                        open.Add("@partition", query.Partition);
                        if (query.OtherPartitionsBefore is { } before)
                        {
                            open.Add("@before", before);
                        }
                    }

                    open.Add("@limit", remaining);
                    var holding = 0L;
                    foreach (var (id, unmarked) in await open.ListAsync(r => (r.Int64(0), r.Int64(1)), cancellationToken).ConfigureAwait(false))
                    {
                        if (holding >= remaining)
                        {
                            break;
                        }

                        writes.Add(id);
                        holding += unmarked;
                    }
                }

                if (writes.Count == 0)
                {
                    return found;
                }

                var rows = Sql.Command(
                    connection,
                    null,
                    $"SELECT {Columns} FROM {From} WHERE source = @source AND marked_at_source_at IS NULL AND {InList("write_id", "@writes")} ORDER BY received_at, order_id LIMIT @limit");
                await using (rows.ConfigureAwait(false))
                {
                    rows.Add("@source", source);
                    BindList(rows, "@writes", writes.ToArray());
                    rows.Add("@limit", remaining);
                    found.AddRange(await rows.ListAsync(Map, cancellationToken).ConfigureAwait(false));
                }

                return found;
            },
            cancellationToken);
    }

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
                    SELECT {Columns} FROM {From}
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
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM {From} WHERE {where} ORDER BY updated_at, source, order_id LIMIT @limit");
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
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM {From} WHERE source = @source AND order_id = @order_id");
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
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM {From} WHERE {where} ORDER BY received_at, order_id LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@source", source);
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>Runs <paramref name="update"/> (which ends in a WHERE clause) for a list of order ids in one statement per chunk
    /// (see <see cref="InList"/>). Returns the rows changed.</summary>
    private async Task<int> UpdateByIdAsync(DbConnection connection, DbTransaction transaction, string update, Action<DbCommand> addFixed, IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        var changed = 0;
        foreach (var chunk in orderIds.Chunk(IdChunk))
        {
            var command = Sql.Command(connection, transaction, $"{update} AND {InList("order_id", "@ids")}");
            await using (command.ConfigureAwait(false))
            {
                addFixed(command);
                BindList(command, "@ids", chunk);
                changed += await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>A committed write of this store and the orders it inserted.</summary>
    private sealed record RecentWrite(long Write, string Source, HashSet<string> Orders);

    /// <summary>
    /// The last writes this store made, so that a mark naming exactly the orders of one of them (the pipeline marks what its
    /// previous write buffered) needs no read of the buffer. Only a shortcut: the mark still checks the write's count, and
    /// anything else takes the probe.
    /// </summary>
    private sealed class RecentWrites
    {
        // Bounds what is held: the marks usually follow within one write, so a few writes are plenty, and a very large write is
        // simply not remembered (its mark takes the probe).
        private const int MaxWrites = 16;
        private const int MaxOrders = 100_000;
        private readonly List<RecentWrite> _writes = [];
        private int _orders;

        public void Add(List<RecentWrite> writes)
        {
            lock (_writes)
            {
                foreach (var write in writes.Where(w => w.Orders.Count <= MaxOrders))
                {
                    _writes.Add(write);
                    _orders += write.Orders.Count;
                }

                while (_writes.Count > MaxWrites || _orders > MaxOrders)
                {
                    _orders -= _writes[0].Orders.Count;
                    _writes.RemoveAt(0);
                }
            }
        }

        /// <summary>Takes the writes whose inserted orders together are exactly <paramref name="orderIds"/> (distinct), if they are
        /// remembered: usually one, two when the source confirmed the orders of two writes before the next write.</summary>
        public List<RecentWrite>? Take(string source, List<string> orderIds)
        {
            lock (_writes)
            {
                var candidates = _writes.FindAll(w => string.Equals(w.Source, source, StringComparison.Ordinal));
                var covered = new int[candidates.Count];
                foreach (var id in orderIds)
                {
                    var found = candidates.FindIndex(w => w.Orders.Contains(id));
                    if (found < 0)
                    {
                        return null;
                    }

                    covered[found]++;
                }

                var taken = new List<RecentWrite>();
                for (var i = 0; i < candidates.Count; i++)
                {
                    if (covered[i] > 0 && covered[i] != candidates[i].Orders.Count)
                    {
                        return null;
                    }

                    if (covered[i] > 0)
                    {
                        taken.Add(candidates[i]);
                    }
                }

                _writes.RemoveAll(taken.Contains);
                _orders -= orderIds.Count;
                return taken;
            }
        }
    }
}
