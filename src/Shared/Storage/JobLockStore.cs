using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>
/// Job locks as lease rows. Taking a lock is one atomic upsert that succeeds only when the row is new or its lease has
/// expired, and raises the fencing token by one; the row is kept on release so the token never goes back.
/// </summary>
internal sealed class JobLockStore(RelationalDatabase database, ILogger logger) : IJobLockStore
{
    public Task<JobLease?> TryAcquireAsync(string name, string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        var expires = now + leaseDuration;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO job_locks (name, owner, fencing_token, expires_at, acquired_at) VALUES (@name, @owner, 1, @expires, @now)
                    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, fencing_token = job_locks.fencing_token + 1,
                        expires_at = excluded.expires_at, acquired_at = excluded.acquired_at
                    WHERE job_locks.expires_at <= @now
                    RETURNING fencing_token
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@name", name);
                    command.Add("@owner", owner);
                    command.Add("@expires", expires);
                    command.Add("@now", now);
                    var token = await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false);
                    if (token is null)
                    {
                        return null;
                    }

                    Log.LockAcquired(logger, name, owner, token.Value);
                    return new JobLease(name, owner, token.Value, expires);
                }
            },
            cancellationToken);
    }

    public Task<JobLease?> RenewAsync(JobLease lease, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        var expires = now + leaseDuration;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                // An expired lease is lost even if nobody took it yet: its holder must not assume it still runs alone.
                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE job_locks SET expires_at = @expires WHERE name = @name AND fencing_token = @token AND owner = @owner AND expires_at > @now");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@expires", expires);
                    command.Add("@name", lease.Name);
                    command.Add("@token", lease.FencingToken);
                    command.Add("@owner", lease.Owner);
                    command.Add("@now", now);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1 ? lease with { ExpiresAt = expires } : null;
                }
            },
            cancellationToken);
    }

    public Task ReleaseAsync(JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE job_locks SET expires_at = 0, owner = NULL WHERE name = @name AND fencing_token = @token");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@name", lease.Name);
                    command.Add("@token", lease.FencingToken);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }
}
