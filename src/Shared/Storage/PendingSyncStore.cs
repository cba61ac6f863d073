using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>
/// The pending-sync queue (outbox). Claims update the chosen rows in the same statement that picks them, under the
/// provider's row lock (<c>FOR UPDATE SKIP LOCKED</c>) or its single writer (<c>BEGIN IMMEDIATE</c>), so no item is claimed twice at once.
/// </summary>
internal sealed class PendingSyncStore(RelationalDatabase database, TimeProvider time, ILogger logger) : IPendingSyncStore
{
    private const string Columns =
        "id, transaction_id, target, kind, coalescing_key, payload, priority, not_before, state, attempts, last_error, updated_at";

    public Task<int> EnqueueAsync(IReadOnlyList<PendingSyncItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.FromResult(0);
        }

        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.TransactionId);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.Target);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.CoalescingKey);
        }

        var now = time.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var added = 0;
                var remember = Sql.Command(
                    connection,
                    transaction,
                    "INSERT INTO pending_sync_transactions (transaction_id, enqueued_at) VALUES (@transaction_id, @now) ON CONFLICT (transaction_id) DO NOTHING");

                // A pending (unclaimed) item with the same key takes the new payload and id; a retry keeps its backoff.
                var upsert = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO pending_sync (transaction_id, target, kind, coalescing_key, payload, priority, not_before, state, attempts, created_at, updated_at, enqueued_at)
                    VALUES (@transaction_id, @target, @kind, @key, @payload, @priority, @not_before, 'PENDING', 0, @now, @now, @now)
                    ON CONFLICT (coalescing_key) WHERE state = 'PENDING' DO UPDATE SET
                        transaction_id = excluded.transaction_id,
                        target = excluded.target,
                        kind = excluded.kind,
                        payload = excluded.payload,
                        priority = excluded.priority,
                        not_before = CASE WHEN pending_sync.not_before > excluded.not_before THEN pending_sync.not_before ELSE excluded.not_before END,
                        updated_at = excluded.updated_at,
                        enqueued_at = excluded.enqueued_at
                    """);
                await using (remember.ConfigureAwait(false))
                await using (upsert.ConfigureAwait(false))
                {
                    var rememberId = remember.Add("@transaction_id", (string?)null);
                    remember.Add("@now", now);
                    var id = upsert.Add("@transaction_id", (string?)null);
                    var target = upsert.Add("@target", (string?)null);
                    var kind = upsert.Add("@kind", (string?)null);
                    var key = upsert.Add("@key", (string?)null);
                    var payload = upsert.Add("@payload", (string?)null);
                    var priority = upsert.Add("@priority", (int?)null);
                    var notBefore = upsert.Add("@not_before", (long?)null);
                    upsert.Add("@now", now);
                    foreach (var item in items)
                    {
                        rememberId.Value = item.TransactionId;
                        if (await remember.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 0)
                        {
                            continue;
                        }

                        id.Value = item.TransactionId;
                        target.Value = item.Target;
                        kind.Value = item.Kind ?? string.Empty;
                        key.Value = item.CoalescingKey;
                        payload.Value = item.Payload ?? string.Empty;
                        priority.Value = item.Priority;
                        notBefore.Value = item.NotBefore.UtcTicks;
                        added += await upsert.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                return added;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<ClaimedSyncItem>> ClaimAsync(string? target, int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        var token = Guid.NewGuid();
        var expires = now + leaseDuration;
        return database.WriteAsync<IReadOnlyList<ClaimedSyncItem>>(
            async (connection, transaction) =>
            {
                var filter = target is null ? string.Empty : "AND target = @target";

                // A claimable item whose key already has a delivered item enqueued after it is stale (quantities are absolute):
                // it is completed as superseded instead of being returned, so a reclaimed stale lease never resends an older value.
                var supersede = Sql.Command(
                    connection,
                    transaction,
                    $"""
                    UPDATE pending_sync SET state = 'DELIVERED', lease_token = NULL, lease_expires_at = NULL, updated_at = @now,
                        last_error = 'superseded: a newer item with the same coalescing key was already delivered'
                    WHERE id IN (
                        SELECT p.id FROM pending_sync p
                        WHERE ((p.state = 'PENDING' AND p.not_before <= @now) OR (p.state = 'IN_FLIGHT' AND p.lease_expires_at <= @now)) {(target is null ? string.Empty : "AND p.target = @target")}
                          AND EXISTS (
                            SELECT 1 FROM pending_sync d
                            WHERE d.coalescing_key = p.coalescing_key AND d.state = 'DELIVERED'
                              AND (d.enqueued_at > p.enqueued_at OR (d.enqueued_at = p.enqueued_at AND d.id > p.id)))
                        {database.ForUpdateSkipLocked})
                    """);
                await using (supersede.ConfigureAwait(false))
                {
                    supersede.Add("@now", now);
                    if (target is not null)
                    {
                        supersede.Add("@target", target);
                    }

                    var superseded = await supersede.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                    if (superseded > 0)
                    {
                        Log.ClaimSuperseded(logger, superseded, target ?? "*");
                    }
                }

                // A claim whose lease ran out is claimable again: its holder is presumed dead, and its late Complete is refused by the token.
                // That lost attempt counts, so an item that kills its worker every time still reaches the dead letters.
                var command = Sql.Command(
                    connection,
                    transaction,
                    $"""
                    UPDATE pending_sync SET attempts = attempts + CASE WHEN state = 'IN_FLIGHT' THEN 1 ELSE 0 END,
                        state = 'IN_FLIGHT', lease_token = @token, lease_expires_at = @expires, updated_at = @now
                    WHERE id IN (
                        SELECT id FROM pending_sync
                        WHERE ((state = 'PENDING' AND not_before <= @now) OR (state = 'IN_FLIGHT' AND lease_expires_at <= @now)) {filter}
                        ORDER BY priority DESC, not_before, id
                        LIMIT @max {database.ForUpdateSkipLocked})
                    RETURNING {Columns}
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@token", token.ToString("N", CultureInfo.InvariantCulture));
                    command.Add("@expires", expires);
                    command.Add("@now", now);
                    command.Add("@max", maxItems);
                    if (target is not null)
                    {
                        command.Add("@target", target);
                    }

                    var rows = await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                    return rows
                        .OrderByDescending(r => r.Item.Priority).ThenBy(r => r.Item.NotBefore).ThenBy(r => r.Id)
                        .Select(r => new ClaimedSyncItem(r.Id, r.Item, r.Attempts, token, expires))
                        .ToList();
                }
            },
            cancellationToken);
    }

    public Task<bool> CompleteAsync(ClaimedSyncItem claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE pending_sync SET state = 'DELIVERED', lease_token = NULL, lease_expires_at = NULL, updated_at = @now WHERE id = @id AND state = 'IN_FLIGHT' AND lease_token = @token");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@now", now);
                    command.Add("@id", claim.Id);
                    command.Add("@token", claim.LeaseToken.ToString("N", CultureInfo.InvariantCulture));
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);
    }

    public Task<PendingSyncState> FailAsync(ClaimedSyncItem claim, string errorMessage, DateTimeOffset nextAttemptAt, int maxAttempts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAttempts);
        var now = time.GetUtcNow();
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadForUpdateAsync(connection, transaction, claim.Id, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    // The item was superseded by a newer one with the same key and removed.
                    return PendingSyncState.Pending;
                }

                if (current.Value.State != "IN_FLIGHT" || current.Value.Token != claim.LeaseToken.ToString("N", CultureInfo.InvariantCulture))
                {
                    return Codes.PendingSyncStateOf(current.Value.State);
                }

                var attempts = current.Value.Attempts + 1;
                if (attempts >= maxAttempts)
                {
                    await UpdateAsync(connection, transaction, "DEAD_LETTERED", claim.Id, attempts, errorMessage, null, now, cancellationToken).ConfigureAwait(false);
                    Log.DeadLettered(logger, claim.Id, claim.Item.Kind, claim.Item.Target, attempts);
                    return PendingSyncState.DeadLettered;
                }

                // A newer change with the same key is already pending: it carries the latest payload, so this one is dropped.
                if (await SupersededAsync(connection, transaction, current.Value.Key, cancellationToken).ConfigureAwait(false))
                {
                    await DeleteAsync(connection, transaction, claim.Id, cancellationToken).ConfigureAwait(false);
                    return PendingSyncState.Pending;
                }

                await UpdateAsync(connection, transaction, "PENDING", claim.Id, attempts, errorMessage, nextAttemptAt, now, cancellationToken).ConfigureAwait(false);
                return PendingSyncState.Pending;
            },
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<PendingSyncState, long>> CountByStateAsync(CancellationToken cancellationToken)
        => database.ReadAsync<IReadOnlyDictionary<PendingSyncState, long>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, "SELECT state, count(*) FROM pending_sync GROUP BY state");
                await using (command.ConfigureAwait(false))
                {
                    var counts = Enum.GetValues<PendingSyncState>().ToDictionary(s => s, _ => 0L);
                    foreach (var (state, count) in await command.ListAsync(r => (Codes.PendingSyncStateOf(r.GetString(0)), r.Int64(1)), cancellationToken).ConfigureAwait(false))
                    {
                        counts[state] = count;
                    }

                    return counts;
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<PendingSyncRecord>> GetDeadLetteredAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<PendingSyncRecord>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM pending_sync WHERE state = 'DEAD_LETTERED' ORDER BY updated_at DESC, id DESC LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
        => database.WriteAsync(
            async (connection, transaction) =>
            {
                var current = await ReadForUpdateAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                if (current is not { State: "DEAD_LETTERED" })
                {
                    return false;
                }

                if (await SupersededAsync(connection, transaction, current.Value.Key, cancellationToken).ConfigureAwait(false))
                {
                    // A newer change for the same key is already pending and will be sent instead.
                    await DeleteAsync(connection, transaction, id, cancellationToken).ConfigureAwait(false);
                    return true;
                }

                var command = Sql.Command(
                    connection,
                    transaction,
                    "UPDATE pending_sync SET state = 'PENDING', attempts = 0, not_before = @now, updated_at = @now WHERE id = @id AND state = 'DEAD_LETTERED'");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@now", now);
                    command.Add("@id", id);
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken);

    private async Task<(string State, string? Token, int Attempts, string Key)?> ReadForUpdateAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, $"SELECT state, lease_token, attempts, coalescing_key FROM pending_sync WHERE id = @id {database.ForUpdate}");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@id", id);
            var rows = await command.ListAsync(r => (r.GetString(0), r.NullableString(1), r.Int32(2), r.GetString(3)), cancellationToken).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }
    }

    private static async Task<bool> SupersededAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, "SELECT count(*) FROM pending_sync WHERE coalescing_key = @key AND state = 'PENDING'");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@key", key);
            return await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false) > 0;
        }
    }

    private static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, "DELETE FROM pending_sync WHERE id = @id");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@id", id);
            await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task UpdateAsync(DbConnection connection, DbTransaction transaction, string state, long id, int attempts, string errorMessage, DateTimeOffset? notBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var setNotBefore = notBefore is null ? string.Empty : ", not_before = @not_before";
        var command = Sql.Command(
            connection,
            transaction,
            $"UPDATE pending_sync SET state = @state, attempts = @attempts, last_error = @error, lease_token = NULL, lease_expires_at = NULL, updated_at = @now{setNotBefore} WHERE id = @id");
        await using (command.ConfigureAwait(false))
        {
            command.Add("@state", state);
            command.Add("@attempts", attempts);
            command.Add("@error", errorMessage);
            command.Add("@now", now);
            command.Add("@id", id);
            if (notBefore is not null)
            {
                command.Add("@not_before", notBefore);
            }

            await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static PendingSyncRecord Map(DbDataReader r)
        => new(
            r.Int64(0),
            new PendingSyncItem(r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.Int32(6), r.Time(7)),
            Codes.PendingSyncStateOf(r.GetString(8)),
            r.Int32(9),
            r.NullableString(10),
            r.Time(11));
}
