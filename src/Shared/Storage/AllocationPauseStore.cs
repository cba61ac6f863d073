namespace Orchestrator.Storage.Relational;

/// <summary>Allocation pauses; resumed pauses stay as an audit trail, and a partial unique index allows one active pause per SKU.</summary>
internal sealed class AllocationPauseStore(RelationalDatabase database) : IAllocationPauseStore
{
    public Task<bool> PauseAsync(AllocationPause pause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pause);
        ArgumentException.ThrowIfNullOrWhiteSpace(pause.WarehouseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(pause.SkuCode);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO allocation_pauses (warehouse_id, sku_code, reason, paused_by, paused_at) VALUES (@warehouse_id, @sku_code, @reason, @by, @at)
                    ON CONFLICT (warehouse_id, sku_code) WHERE resumed_at IS NULL DO NOTHING
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@warehouse_id", pause.WarehouseId);
                    command.Add("@sku_code", pause.SkuCode);
                    command.Add("@reason", pause.Reason ?? string.Empty);
                    command.Add("@by", pause.PausedBy ?? string.Empty);
                    command.Add("@at", pause.PausedAt);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);
    }

    public Task<bool> ResumeAsync(string warehouseId, string skuCode, string resumedBy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resumedBy);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE allocation_pauses SET resumed_by = @by, resumed_at = @at WHERE warehouse_id = @warehouse_id AND sku_code = @sku_code AND resumed_at IS NULL");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@by", resumedBy);
                    command.Add("@at", at);
                    command.Add("@warehouse_id", warehouseId);
                    command.Add("@sku_code", skuCode);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<AllocationPause>> ListAsync(string? warehouseId, CancellationToken cancellationToken)
        => database.ReadAsync<IReadOnlyList<AllocationPause>>(
            async connection =>
            {
                var filter = warehouseId is null ? string.Empty : "AND warehouse_id = @warehouse_id";
                var command = Sql.Command(
                    connection,
                    null,
                    $"SELECT warehouse_id, sku_code, reason, paused_by, paused_at FROM allocation_pauses WHERE resumed_at IS NULL {filter} ORDER BY warehouse_id, sku_code");
                await using (command.ConfigureAwait(false))
                {
                    if (warehouseId is not null)
                    {
                        command.Add("@warehouse_id", warehouseId);
                    }

                    return await command.ListAsync(r => new AllocationPause(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4)), cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
}
