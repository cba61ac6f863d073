using System.Data.Common;

namespace Orchestrator.Storage.Relational;

/// <summary>Stock Reconciliation Tasks; a partial unique index keeps one not-closed task per warehouse and SKU.</summary>
internal sealed class ReconciliationTaskStore(RelationalDatabase database) : IReconciliationTaskStore
{
    private const string Columns =
        "id, warehouse_id, sku_code, inventory_qty, wes_qty, discrepancy_transaction_id, created_at, status, counted_qty, counted_by, counted_at, resynced_at";

    public Task<ReconciliationTask> CreateAsync(ReconciliationTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrWhiteSpace(task.WarehouseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(task.SkuCode);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var insert = Sql.Command(
                    connection,
                    transaction,
                    $"""
                    INSERT INTO reconciliation_tasks (warehouse_id, sku_code, inventory_qty, wes_qty, discrepancy_transaction_id, created_at, status)
                    VALUES (@warehouse_id, @sku_code, @inventory_qty, @wes_qty, @discrepancy_transaction_id, @created_at, 'OPEN')
                    ON CONFLICT (warehouse_id, sku_code) WHERE status <> 'RESYNCED' DO NOTHING
                    RETURNING {Columns}
                    """);
                await using (insert.ConfigureAwait(false))
                {
                    insert.Add("@warehouse_id", task.WarehouseId);
                    insert.Add("@sku_code", task.SkuCode);
                    insert.Add("@inventory_qty", task.InventoryQty);
                    insert.Add("@wes_qty", task.WesQty);
                    insert.Add("@discrepancy_transaction_id", task.DiscrepancyTransactionId ?? string.Empty);
                    insert.Add("@created_at", task.CreatedAt);
                    var created = await insert.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                    if (created is not null)
                    {
                        return created;
                    }
                }

                var existing = Sql.Command(
                    connection,
                    transaction,
                    $"SELECT {Columns} FROM reconciliation_tasks WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code AND status <> 'RESYNCED'");
                await using (existing.ConfigureAwait(false))
                {
                    existing.Add("@warehouse_id", task.WarehouseId);
                    existing.Add("@sku_code", task.SkuCode);
                    return await existing.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException("The open reconciliation task vanished while it was being read.");
                }
            },
            cancellationToken);
    }

    public Task<ReconciliationTask?> GetAsync(long id, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM reconciliation_tasks WHERE id = @id");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@id", id);
                    return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<ReconciliationTask>> ListAsync(ReconciliationTaskStatus? status, string? warehouseId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<ReconciliationTask>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, string.Empty);
                await using (command.ConfigureAwait(false))
                {
                    var where = status is null ? "status <> 'RESYNCED'" : "status = @status";
                    if (status is not null)
                    {
                        command.Add("@status", Codes.Of(status.Value));
                    }

                    if (warehouseId is not null)
                    {
                        where += " AND warehouse_id = @warehouse_id";
                        command.Add("@warehouse_id", warehouseId);
                    }

                    command.Add("@limit", limit);
#pragma warning disable CA2100 // `where` is one of two constant filters plus a constant clause; the values are parameters
                    command.CommandText = $"SELECT {Columns} FROM reconciliation_tasks WHERE {where} ORDER BY created_at, id LIMIT @limit";
#pragma warning restore CA2100
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<ReconciliationTask?> RecordCountAsync(long id, int countedQty, string countedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(countedQty);
        ArgumentException.ThrowIfNullOrWhiteSpace(countedBy);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    $"UPDATE reconciliation_tasks SET status = 'COUNTED', counted_qty = @qty, counted_by = @by, counted_at = @at WHERE id = @id AND status = 'OPEN' RETURNING {Columns}");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@qty", countedQty);
                    command.Add("@by", countedBy);
                    command.Add("@at", at);
                    command.Add("@id", id);
                    return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<bool> MarkResyncedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
        => database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(connection, transaction, "UPDATE reconciliation_tasks SET status = 'RESYNCED', resynced_at = @at WHERE id = @id AND status = 'COUNTED'");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@at", at);
                    command.Add("@id", id);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);

    private static ReconciliationTask Map(DbDataReader r)
        => new(r.GetString(1), r.GetString(2), r.Int32(3), r.Int32(4), r.GetString(5), r.Time(6))
        {
            Id = r.Int64(0),
            Status = Codes.ReconciliationTaskStatusOf(r.GetString(7)),
            CountedQty = r.NullableInt32(8),
            CountedBy = r.NullableString(9),
            CountedAt = r.NullableTime(10),
            ResyncedAt = r.NullableTime(11),
        };
}
