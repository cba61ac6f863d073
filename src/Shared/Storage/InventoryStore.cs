using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orchestrator.Stock;

namespace Orchestrator.Storage.Relational;

/// <summary>
/// The inventory book of record. An adjustment first records its transaction id (a unique key), then changes the row in the
/// same transaction, so a replay or a concurrent duplicate finds the id taken and changes nothing.
/// </summary>
internal sealed class InventoryStore(RelationalDatabase database, TimeProvider time, ILogger logger) : IInventoryStore
{
    private const string Columns = "warehouse_id, sku_code, on_hand, reserved, committed, location, version, updated_at";

    public Task<long> ReadSnapshotAsync(StockSnapshotBuilder into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (into.Kind != StockSourceKind.Inventory)
        {
            throw new ArgumentException($"The builder must be of kind {StockSourceKind.Inventory}, not {into.Kind}.", nameof(into));
        }

        return database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, "SELECT sku_code, on_hand, reserved, location, version FROM inventory_positions WHERE warehouse_id = @warehouse_id");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@warehouse_id", into.WarehouseId);
                    var highest = 0L;
                    var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            var ordinal = into.Set(reader.GetString(0), reader.Int64(1), reader.NullableString(3));
                            into.SetReserved(ordinal, reader.Int64(2));
                            highest = Math.Max(highest, reader.Int64(4));
                        }
                    }

                    return highest;
                }
            },
            cancellationToken);
    }

    public Task<InventoryPosition?> GetPositionAsync(string warehouseId, string skuCode, CancellationToken cancellationToken)
        => database.ReadAsync(connection => ReadPositionAsync(connection, null, warehouseId, skuCode, string.Empty, cancellationToken), cancellationToken);

    public async Task<InventoryAdjustmentResult> ApplyAsync(InventoryAdjustment adjustment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustment);
        var results = await ApplyManyAsync([adjustment], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    public Task<IReadOnlyList<InventoryAdjustmentResult>> ApplyManyAsync(IReadOnlyList<InventoryAdjustment> adjustments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adjustments);
        if (adjustments.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<InventoryAdjustmentResult>>([]);
        }

        foreach (var adjustment in adjustments)
        {
            ArgumentNullException.ThrowIfNull(adjustment);
            adjustment.Validate();
        }

        // Rows are locked in (warehouse, SKU) order so that two batches touching the same SKUs cannot deadlock;
        // the sort is stable, so changes to one SKU keep their order.
        var order = Enumerable.Range(0, adjustments.Count)
            .OrderBy(i => adjustments[i].WarehouseId, StringComparer.Ordinal)
            .ThenBy(i => adjustments[i].SkuCode, StringComparer.Ordinal)
            .ToArray();
        var now = time.GetUtcNow();
        return database.WriteAsync<IReadOnlyList<InventoryAdjustmentResult>>(
            async (connection, transaction) =>
            {
                var results = new InventoryAdjustmentResult[adjustments.Count];
                foreach (var index in order)
                {
                    results[index] = await ApplyOneAsync(connection, transaction, adjustments[index], now, cancellationToken).ConfigureAwait(false);
                }

                return results;
            },
            cancellationToken);
    }

    public Task<IReadOnlySet<string>> GetAppliedAsync(IReadOnlyCollection<string> transactionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transactionIds);
        if (transactionIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        return database.ReadAsync<IReadOnlySet<string>>(
            async connection =>
            {
                var applied = new HashSet<string>(StringComparer.Ordinal);

                // Chunks keep the parameter count under every engine's limit.
                foreach (var chunk in transactionIds.Distinct(StringComparer.Ordinal).Chunk(500))
                {
                    var command = Sql.Command(connection, null, string.Empty);
                    await using (command.ConfigureAwait(false))
                    {
#pragma warning disable CA2100 // the IN list is generated parameter names (@t0, @t1, …); the transaction ids are parameters
                        command.CommandText = $"SELECT transaction_id FROM inventory_transactions WHERE transaction_id IN ({command.AddList("t", chunk)})";
#pragma warning restore CA2100
                        foreach (var id in await command.ListAsync(r => r.GetString(0), cancellationToken).ConfigureAwait(false))
                        {
                            applied.Add(id);
                        }
                    }
                }

                return applied;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<InventoryPosition>> GetChangesAsync(string warehouseId, long afterVersion, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<InventoryPosition>>(
            async connection =>
            {
                var command = Sql.Command(
                    connection,
                    null,
                    $"SELECT {Columns} FROM inventory_positions WHERE warehouse_id = @warehouse_id AND version > @after ORDER BY version LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@warehouse_id", warehouseId);
                    command.Add("@after", afterVersion);
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    /// <summary>Upserts whole positions (an initial load or a full-sync overwrite) through the provider's bulk path.</summary>
    public Task<int> LoadAsync(IReadOnlyList<InventoryPosition> positions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            return Task.FromResult(0);
        }

        var seen = new HashSet<(string, string)>(positions.Count);
        foreach (var p in positions)
        {
            ArgumentNullException.ThrowIfNull(p);
            if (string.IsNullOrWhiteSpace(p.WarehouseId) || string.IsNullOrWhiteSpace(p.SkuCode))
            {
                throw new InvalidStockDataException("An inventory position needs a warehouse id and a SKU code.", p.SkuCode);
            }

            if (p.OnHand < 0 || p.Reserved < 0 || p.Committed < 0)
            {
                throw new InvalidStockDataException($"SKU '{p.SkuCode}' in warehouse '{p.WarehouseId}' has a negative quantity (on hand {p.OnHand}, reserved {p.Reserved}, committed {p.Committed}).", p.SkuCode);
            }

            if (!seen.Add((p.WarehouseId, p.SkuCode)))
            {
                throw new InvalidStockDataException($"SKU '{p.SkuCode}' appears twice for warehouse '{p.WarehouseId}' in one load.", p.SkuCode);
            }
        }

        return database.BulkLoadInventoryAsync(positions, cancellationToken);
    }

    private async Task<InventoryAdjustmentResult> ApplyOneAsync(DbConnection connection, DbTransaction transaction, InventoryAdjustment adjustment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The id is claimed first: a concurrent duplicate waits on this key and then finds it taken.
        var record = Sql.Command(
            connection,
            transaction,
            """
            INSERT INTO inventory_transactions (transaction_id, warehouse_id, sku_code, kind, quantity, reason, version, applied_at)
            VALUES (@transaction_id, @warehouse_id, @sku_code, @kind, @quantity, @reason, 0, @now)
            ON CONFLICT (transaction_id) DO NOTHING
            """);
        await using (record.ConfigureAwait(false))
        {
            record.Add("@transaction_id", adjustment.TransactionId);
            record.Add("@warehouse_id", adjustment.WarehouseId);
            record.Add("@sku_code", adjustment.SkuCode);
            record.Add("@kind", Codes.Of(adjustment.Kind));
            record.Add("@quantity", adjustment.Quantity);
            record.Add("@reason", adjustment.Reason);
            record.Add("@now", now);
            if (await record.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return await ReplayAsync(connection, transaction, adjustment, now, cancellationToken).ConfigureAwait(false);
            }
        }

        // Make sure the row exists before locking it; a first change to a SKU starts from zero.
        var ensure = Sql.Command(
            connection,
            transaction,
            "INSERT INTO inventory_positions (warehouse_id, sku_code, on_hand, reserved, committed, location, version, updated_at) VALUES (@warehouse_id, @sku_code, 0, 0, 0, NULL, 0, @now) ON CONFLICT (warehouse_id, sku_code) DO NOTHING");
        await using (ensure.ConfigureAwait(false))
        {
            ensure.Add("@warehouse_id", adjustment.WarehouseId);
            ensure.Add("@sku_code", adjustment.SkuCode);
            ensure.Add("@now", now);
            await ensure.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        var before = await ReadPositionAsync(connection, transaction, adjustment.WarehouseId, adjustment.SkuCode, database.ForUpdate, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The inventory row vanished inside its own transaction.");
        var (onHand, reserved, committed) = Compute(before, adjustment);
        var version = await database.NextInventoryVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var update = Sql.Command(
            connection,
            transaction,
            """
            UPDATE inventory_positions SET on_hand = @on_hand, reserved = @reserved, committed = @committed, location = coalesce(@location, location), version = @version, updated_at = @now
            WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code;
            UPDATE inventory_transactions SET version = @version WHERE transaction_id = @transaction_id
            """);
        await using (update.ConfigureAwait(false))
        {
            update.Add("@on_hand", onHand);
            update.Add("@reserved", reserved);
            update.Add("@committed", committed);
            update.Add("@location", adjustment.Location);
            update.Add("@version", version);
            update.Add("@now", now);
            update.Add("@warehouse_id", adjustment.WarehouseId);
            update.Add("@sku_code", adjustment.SkuCode);
            update.Add("@transaction_id", adjustment.TransactionId);
            await update.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }

        var after = before with { OnHand = onHand, Reserved = reserved, Committed = committed, Location = adjustment.Location ?? before.Location, Version = version, UpdatedAt = now };
        return new InventoryAdjustmentResult(adjustment.TransactionId, true, after);
    }

    /// <summary>Reports a replayed id with the position it changed, as that position is now.</summary>
    private static async Task<InventoryAdjustmentResult> ReplayAsync(DbConnection connection, DbTransaction transaction, InventoryAdjustment adjustment, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var original = Sql.Command(connection, transaction, "SELECT warehouse_id, sku_code FROM inventory_transactions WHERE transaction_id = @transaction_id");
        (string Warehouse, string Sku) target = (adjustment.WarehouseId, adjustment.SkuCode);
        await using (original.ConfigureAwait(false))
        {
            original.Add("@transaction_id", adjustment.TransactionId);
            var rows = await original.ListAsync(r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
            if (rows.Count == 1)
            {
                target = rows[0];
            }
        }

        var current = await ReadPositionAsync(connection, transaction, target.Warehouse, target.Sku, string.Empty, cancellationToken).ConfigureAwait(false)
            ?? new InventoryPosition(target.Warehouse, target.Sku, 0, 0, 0, null, 0, now);
        return new InventoryAdjustmentResult(adjustment.TransactionId, false, current);
    }

    private (int OnHand, int Reserved, int Committed) Compute(InventoryPosition p, InventoryAdjustment a)
    {
        long onHand = p.OnHand, reserved = p.Reserved, committed = p.Committed, q = a.Quantity;
        switch (a.Kind)
        {
            case InventoryAdjustmentKind.Receive:
            case InventoryAdjustmentKind.Restock:
            case InventoryAdjustmentKind.ManualAdjust:
                onHand += q;
                break;
            case InventoryAdjustmentKind.Scrap:
                onHand -= q;
                break;
            case InventoryAdjustmentKind.SetOnHand:
                onHand = q;
                break;
            case InventoryAdjustmentKind.Reserve:
                reserved += q;
                if (reserved > onHand)
                {
                    throw Refuse(a, $"reserving {q} would reserve {reserved} of {onHand} on hand");
                }

                break;
            case InventoryAdjustmentKind.ReleaseReservation:
                reserved -= q;
                break;
            case InventoryAdjustmentKind.CommitReservation:
                reserved -= q;
                onHand -= q;
                committed += q;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(a), a.Kind, "Unknown adjustment kind.");
        }

        if (onHand < 0 || reserved < 0)
        {
            throw Refuse(a, $"the result would be on hand {onHand}, reserved {reserved}");
        }

        if (onHand > int.MaxValue || reserved > int.MaxValue || committed > int.MaxValue)
        {
            throw Refuse(a, "the result would overflow a quantity");
        }

        return ((int)onHand, (int)reserved, (int)committed);
    }

    private InvalidStockDataException Refuse(InventoryAdjustment a, string reason)
    {
        Log.AdjustmentRefused(logger, a.TransactionId, a.WarehouseId, a.SkuCode, reason);
        return new InvalidStockDataException($"Inventory adjustment '{a.TransactionId}' ({a.Kind} {a.Quantity}) of SKU '{a.SkuCode}' in warehouse '{a.WarehouseId}' was refused: {reason}.", a.SkuCode);
    }

    private static async Task<InventoryPosition?> ReadPositionAsync(DbConnection connection, DbTransaction? transaction, string warehouseId, string skuCode, string lockClause, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, $"SELECT {Columns} FROM inventory_positions WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code {lockClause}");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@warehouse_id", warehouseId);
            command.Add("@sku_code", skuCode);
            return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
        }
    }

    private static InventoryPosition Map(DbDataReader r)
        => new(r.GetString(0), r.GetString(1), r.Int32(2), r.Int32(3), r.Int32(4), r.NullableString(5), r.Int64(6), r.Time(7));
}
