using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>
/// Watermarks per source and partition. A write is fenced: it checks, in the same transaction and under a shared lock on
/// the lock row, that the writer's lease token is still the newest for its lock.
/// </summary>
internal sealed class WatermarkStore(RelationalDatabase database, ILogger logger) : IWatermarkStore
{
    public Task<DateTimeOffset?> GetAsync(string source, string partition, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, "SELECT value FROM watermarks WHERE source = @source AND partition_key = @partition");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@source", source);
                    command.Add("@partition", partition);
                    var value = await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false);
                    return value is null ? (DateTimeOffset?)null : Sql.ToTime(value.Value);
                }
            },
            cancellationToken);

    public Task<DateTimeOffset> AdvanceAsync(string source, string partition, DateTimeOffset value, JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(partition);
        ArgumentNullException.ThrowIfNull(lease);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // The shared lock makes a concurrent TryAcquire (an UPDATE of the row) wait until this write commits.
                var check = Sql.Command(connection, transaction, $"SELECT fencing_token FROM job_locks WHERE name = @name {database.ForShare}");
                await using (check.ConfigureAwait(false))
                {
                    check.Add("@name", lease.Name);
                    var current = await check.ScalarInt64Async(cancellationToken).ConfigureAwait(false);
                    if (current != lease.FencingToken)
                    {
                        Log.WatermarkLeaseLost(logger, source, partition, lease.Name, lease.FencingToken);
                        throw new LeaseLostException(lease);
                    }
                }

                var upsert = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO watermarks (source, partition_key, value, lock_name, fencing_token) VALUES (@source, @partition, @value, @name, @token)
                    ON CONFLICT (source, partition_key) DO UPDATE SET
                        value = CASE WHEN excluded.value > watermarks.value THEN excluded.value ELSE watermarks.value END,
                        lock_name = excluded.lock_name,
                        fencing_token = excluded.fencing_token
                    RETURNING value
                    """);
                await using (upsert.ConfigureAwait(false))
                {
                    upsert.Add("@source", source);
                    upsert.Add("@partition", partition);
                    upsert.Add("@value", value);
                    upsert.Add("@name", lease.Name);
                    upsert.Add("@token", lease.FencingToken);
                    return Sql.ToTime(await upsert.ScalarInt64Async(cancellationToken).ConfigureAwait(false) ?? value.UtcTicks);
                }
            },
            cancellationToken);
    }
}
