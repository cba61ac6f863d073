using System.Data.Common;
using System.Text;
using Orchestrator.Reconciliation;

namespace Orchestrator.Storage.Relational;

/// <summary>The StockDiscrepancyLog: append through the provider's bulk path, keyset-paged queries, resolve and daily summary.</summary>
internal sealed class DiscrepancyLogStore(RelationalDatabase database) : IDiscrepancyLogStore
{
    private const string Columns =
        "id, transaction_id, type, sku_code, warehouse_id, inventory_qty, wes_qty, detected_at, inventory_location, wes_location, explained_qty, status, resolved_by, resolved_at, note";

    public Task<int> AppendAsync(IReadOnlyList<StockDiscrepancy> discrepancies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(discrepancies);
        if (discrepancies.Count == 0)
        {
            return Task.FromResult(0);
        }

        foreach (var row in discrepancies)
        {
            ArgumentNullException.ThrowIfNull(row);
            if (string.IsNullOrWhiteSpace(row.TransactionId) || string.IsNullOrWhiteSpace(row.SkuCode) || string.IsNullOrWhiteSpace(row.WarehouseId))
            {
                throw new InvalidStockDataException("A discrepancy needs a transaction id, a SKU code and a warehouse id.", row.SkuCode);
            }
        }

        return database.BulkAppendDiscrepanciesAsync(discrepancies, cancellationToken);
    }

    public Task<DiscrepancyPage> QueryAsync(DiscrepancyQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, 10_000);
        return database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, string.Empty);
                await using (command.ConfigureAwait(false))
                {
                    // Only the filters given become SQL, so each query can use the matching index.
                    var where = new StringBuilder("WHERE 1 = 1");
                    if (query.WarehouseId is not null)
                    {
                        where.Append(" AND warehouse_id = @warehouse_id");
                        command.Add("@warehouse_id", query.WarehouseId);
                    }

                    if (query.SkuCode is not null)
                    {
                        where.Append(" AND sku_code = @sku_code");
                        command.Add("@sku_code", query.SkuCode);
                    }

                    if (query.From is { } start)
                    {
                        where.Append(" AND detected_at >= @start");
                        command.Add("@start", start);
                    }

                    if (query.To is { } end)
                    {
                        where.Append(" AND detected_at < @end");
                        command.Add("@end", end);
                    }

                    if (query.Status is { } status)
                    {
                        where.Append(" AND status = @status");
                        command.Add("@status", Codes.Of(status));
                    }

                    if (query.Type is { } type)
                    {
                        where.Append(" AND type = @type");
                        command.Add("@type", Codes.Of(type));
                    }

                    if (query.BeforeId is { } before)
                    {
                        where.Append(" AND id < @before");
                        command.Add("@before", before);
                    }

                    // One row more than the page tells whether another page follows.
                    command.Add("@limit", query.PageSize + 1);
#pragma warning disable CA2100 // only constant filters ('AND status = @status', …) are appended to `where`; the values are parameters
                    command.CommandText = $"SELECT {Columns} FROM stock_discrepancy_log {where} ORDER BY id DESC LIMIT @limit";
#pragma warning restore CA2100
                    var rows = await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                    if (rows.Count > query.PageSize)
                    {
                        rows.RemoveAt(rows.Count - 1);
                        return new DiscrepancyPage(rows, rows[^1].Id);
                    }

                    return new DiscrepancyPage(rows, null);
                }
            },
            cancellationToken);
    }

    public Task<StockDiscrepancy?> GetOpenAsync(string warehouseId, string skuCode, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(
                    connection,
                    null,
                    $"SELECT {Columns} FROM stock_discrepancy_log WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code AND status = 'OPEN' ORDER BY id DESC LIMIT 1");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@warehouse_id", warehouseId);
                    command.Add("@sku_code", skuCode);
                    return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);

    public Task<int> CountOpenAsync(string warehouseId, string skuCode, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(
                    connection,
                    null,
                    "SELECT count(*) FROM stock_discrepancy_log WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code AND status = 'OPEN'");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@warehouse_id", warehouseId);
                    command.Add("@sku_code", skuCode);
                    return (int)(await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false) ?? 0);
                }
            },
            cancellationToken);

    public Task<bool> ResolveAsync(long id, string resolvedBy, string? note, DateTimeOffset resolvedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resolvedBy);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE stock_discrepancy_log SET status = 'RESOLVED', resolved_by = @by, resolved_at = @at, note = coalesce(@note, note) WHERE id = @id AND status = 'OPEN'");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@by", resolvedBy);
                    command.Add("@at", resolvedAt);
                    command.Add("@note", note);
                    command.Add("@id", id);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);
    }

    public Task<int> ResolveOpenAsync(string warehouseId, string skuCode, string resolvedBy, string? note, DateTimeOffset resolvedAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(skuCode);
        ArgumentException.ThrowIfNullOrWhiteSpace(resolvedBy);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    UPDATE stock_discrepancy_log SET status = 'RESOLVED', resolved_by = @by, resolved_at = @at, note = coalesce(@note, note)
                    WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code AND status = 'OPEN'
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@by", resolvedBy);
                    command.Add("@at", resolvedAt);
                    command.Add("@note", note);
                    command.Add("@warehouse_id", warehouseId);
                    command.Add("@sku_code", skuCode);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<DiscrepancyDailySummary>> SummarizeByDayAsync(DateOnly firstDay, DateOnly lastDay, string? warehouseId, CancellationToken cancellationToken)
    {
        // Times are UTC ticks since 0001-01-01, so ticks / ticks-per-day is the UTC day number of DateOnly.
        var start = (long)firstDay.DayNumber * Sql.TicksPerDay;
        var end = ((long)lastDay.DayNumber + 1) * Sql.TicksPerDay;
        return database.ReadAsync<IReadOnlyList<DiscrepancyDailySummary>>(
            async connection =>
            {
                var filter = warehouseId is null ? string.Empty : "AND warehouse_id = @warehouse_id";
                var command = Sql.Command(
                    connection,
                    null,
                    $"""
                    SELECT detected_at / @day AS day_number, warehouse_id, type, count(*),
                           sum(CASE WHEN status = 'OPEN' THEN 1 ELSE 0 END), CAST(sum(abs(discrepancy)) AS bigint)
                    FROM stock_discrepancy_log
                    WHERE detected_at >= @start AND detected_at < @end {filter}
                    GROUP BY 1, 2, 3
                    ORDER BY 1, 2, 3
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@day", Sql.TicksPerDay);
                    command.Add("@start", start);
                    command.Add("@end", end);
                    if (warehouseId is not null)
                    {
                        command.Add("@warehouse_id", warehouseId);
                    }

                    return await command.ListAsync(
                        r => new DiscrepancyDailySummary(
                            DateOnly.FromDayNumber((int)r.Int64(0)),
                            r.GetString(1),
                            Codes.DiscrepancyTypeOf(r.GetString(2)),
                            r.Int64(3),
                            r.Int64(4),
                            r.Int64(5)),
                        cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    private static StockDiscrepancy Map(DbDataReader r)
        => new(
            r.GetString(1),
            Codes.DiscrepancyTypeOf(r.GetString(2)),
            r.GetString(3),
            r.GetString(4),
            r.Int32(5),
            r.Int32(6),
            r.Time(7),
            r.NullableString(8),
            r.NullableString(9),
            r.Int32(10))
        {
            Id = r.Int64(0),
            Status = Codes.DiscrepancyStatusOf(r.GetString(11)),
            ResolvedBy = r.NullableString(12),
            ResolvedAt = r.NullableTime(13),
            Note = r.NullableString(14),
        };
}
