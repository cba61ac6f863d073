namespace Orchestrator.Storage;

/// <summary>
/// The pending-sync queue (an outbox): a change that must reach another system is recorded here before it is sent,
/// claimed with a lease, retried with backoff and dead-lettered after too many attempts.
/// </summary>
/// <remarks>
/// <para>An item is never claimed by two workers at once: a claim takes a lease, and only the lease holder can complete or fail the item.</para>
/// <para>Enqueuing an item whose <see cref="PendingSyncItem.CoalescingKey"/> already has a pending (unclaimed) item replaces that
/// item's payload, so only the latest target quantity of a SKU is sent.</para>
/// </remarks>
public interface IPendingSyncStore
{
    /// <summary>Records items to send. An item whose transaction id was already enqueued is ignored.</summary>
    /// <param name="items">The items.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many items were added or coalesced into a pending one.</returns>
    Task<int> EnqueueAsync(IReadOnlyList<PendingSyncItem> items, CancellationToken cancellationToken);

    /// <summary>Claims due items for sending, highest priority first, then oldest first.</summary>
    /// <param name="target">Only items for this target, or <see langword="null"/> for any.</param>
    /// <param name="maxItems">At most this many.</param>
    /// <param name="leaseDuration">How long the claim holds; after it the item can be claimed again.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The claimed items.</returns>
    Task<IReadOnlyList<ClaimedSyncItem>> ClaimAsync(string? target, int maxItems, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks a claimed item as delivered.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the claim was still held.</returns>
    Task<bool> CompleteAsync(ClaimedSyncItem claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: the item is retried at <paramref name="nextAttemptAt"/>, or dead-lettered when it has used its attempts.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="errorMessage">What went wrong, with no secrets.</param>
    /// <param name="nextAttemptAt">When to try again.</param>
    /// <param name="maxAttempts">After this many attempts the item is dead-lettered.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The item's state after the call.</returns>
    Task<PendingSyncState> FailAsync(ClaimedSyncItem claim, string errorMessage, DateTimeOffset nextAttemptAt, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>Counts items by state.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of each state.</returns>
    Task<IReadOnlyDictionary<PendingSyncState, long>> CountByStateAsync(CancellationToken cancellationToken);

    /// <summary>Gets dead-lettered items for a person to look at, newest first.</summary>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The items.</returns>
    Task<IReadOnlyList<PendingSyncRecord>> GetDeadLetteredAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Puts a dead-lettered item back in the queue with its attempts reset.</summary>
    /// <param name="id">The item id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the item was dead-lettered and is pending again.</returns>
    Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>Represents a change to deliver to another system.</summary>
/// <param name="TransactionId">Identifies the change; enqueuing the same id twice adds it once.</param>
/// <param name="Target">Where it goes: a channel instance name, or <c>wes</c>.</param>
/// <param name="Kind">What it is, for example <c>channel-stock</c> or <c>wes-set-stock</c>.</param>
/// <param name="CoalescingKey">Items with the same key replace each other while pending, for example <c>coupang-main:SKU-1</c>.</param>
/// <param name="Payload">The change, as JSON.</param>
/// <param name="Priority">Higher goes first (sold-out and low-stock SKUs first).</param>
/// <param name="NotBefore">Not sent before this time.</param>
public sealed record PendingSyncItem(string TransactionId, string Target, string Kind, string CoalescingKey, string Payload, int Priority, DateTimeOffset NotBefore);

/// <summary>Represents an item claimed for sending.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Item">The item.</param>
/// <param name="Attempts">Attempts made before this one.</param>
/// <param name="LeaseToken">Proves the claim; completing or failing with a stale token does nothing.</param>
/// <param name="LeaseExpiresAt">When the claim ends.</param>
public sealed record ClaimedSyncItem(long Id, PendingSyncItem Item, int Attempts, Guid LeaseToken, DateTimeOffset LeaseExpiresAt);

/// <summary>Represents a stored queue item.</summary>
/// <param name="Id">The item id.</param>
/// <param name="Item">The item.</param>
/// <param name="State">The state.</param>
/// <param name="Attempts">Attempts made.</param>
/// <param name="LastError">The last failure, if any.</param>
/// <param name="UpdatedAt">When the item last changed.</param>
public sealed record PendingSyncRecord(long Id, PendingSyncItem Item, PendingSyncState State, int Attempts, string? LastError, DateTimeOffset UpdatedAt);

/// <summary>Names the states of a queue item.</summary>
public enum PendingSyncState
{
    /// <summary>Waiting to be sent (or to be retried).</summary>
    Pending,

    /// <summary>Claimed by a worker, lease not expired.</summary>
    InFlight,

    /// <summary>Delivered.</summary>
    Delivered,

    /// <summary>Given up on after the maximum attempts; needs a person.</summary>
    DeadLettered,
}
