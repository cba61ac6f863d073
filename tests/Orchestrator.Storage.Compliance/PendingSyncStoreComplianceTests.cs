namespace Orchestrator.Storage.Compliance;

/// <summary>The pending-sync queue (outbox): idempotent enqueue, coalescing, leased claims, backoff, dead letters.</summary>
public abstract class PendingSyncStoreComplianceTests : StorageComplianceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Makes a queue item.</summary>
    protected PendingSyncItem Item(string id, string key = "coupang-main:SKU-1", string payload = "{\"qty\":1}", int priority = 0, string target = "coupang-main", TimeSpan? delay = null)
        => new(id, target, "channel-stock", key, payload, priority, Time.GetUtcNow() + (delay ?? TimeSpan.Zero));

    /// <summary>A retried producer enqueues the same change again; the queue must hold it once.</summary>
    [Fact]
    public async Task EnqueueAsync_SameTransactionIdTwice_AddedOnce()
    {
        Assert.Equal(1, await Storage.PendingSync.EnqueueAsync([Item("tx-1", "k1")], Ct));
        Assert.Equal(0, await Storage.PendingSync.EnqueueAsync([Item("tx-1", "k1")], Ct));

        Assert.Equal(1, (await Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Pending]);
    }

    /// <summary>Only the latest target quantity of a SKU should be sent: a pending item with the same key takes the new payload, and a replay of the older id must not bring the old payload back.</summary>
    [Fact]
    public async Task EnqueueAsync_SameKeyWhilePending_CoalescesToLatestPayload()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1", payload: "{\"qty\":5}")], Ct);
        Assert.Equal(1, await Storage.PendingSync.EnqueueAsync([Item("tx-2", payload: "{\"qty\":3}", priority: 9)], Ct));
        Assert.Equal(0, await Storage.PendingSync.EnqueueAsync([Item("tx-1", payload: "{\"qty\":5}")], Ct));

        var claimed = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Equal("tx-2", claimed.Item.TransactionId);
        Assert.Equal("{\"qty\":3}", claimed.Item.Payload);
        Assert.Equal(9, claimed.Item.Priority);
    }

    /// <summary>A change made while the previous one is being sent must not be folded into the in-flight item, or it would be lost when that item completes.</summary>
    [Fact]
    public async Task EnqueueAsync_SameKeyWhileInFlight_AddsSecondItem()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1")], Ct);
        var first = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        Assert.Equal(1, await Storage.PendingSync.EnqueueAsync([Item("tx-2", payload: "{\"qty\":0}")], Ct));
        Assert.True(await Storage.PendingSync.CompleteAsync(first, Now, Ct));

        var second = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Equal("tx-2", second.Item.TransactionId);
    }

    /// <summary>Sold-out SKUs go first (priority), then the oldest; items not yet due and other targets stay in the queue.</summary>
    [Fact]
    public async Task ClaimAsync_MixedItems_HighestPriorityFirstAndOnlyDue()
    {
        await Storage.PendingSync.EnqueueAsync(
            [
                Item("low", "k-low", priority: 0),
                Item("high", "k-high", priority: 5),
                Item("later", "k-later", priority: 9, delay: TimeSpan.FromMinutes(5)),
                Item("naver", "k-naver", priority: 9, target: "naver"),
            ],
            Ct);

        var claimed = await Storage.PendingSync.ClaimAsync("coupang-main", 10, Lease, Now, Ct);

        Assert.Equal(["high", "low"], claimed.Select(c => c.Item.TransactionId));
        Assert.All(claimed, c => Assert.Equal(Now + Lease, c.LeaseExpiresAt));
        Assert.All(claimed, c => Assert.Equal(0, c.Attempts));
    }

    /// <summary>The outbox's core promise between instances: workers claiming at the same time never get the same item, and every due item is claimed.</summary>
    [Fact]
    public async Task ClaimAsync_ConcurrentClaimersOnTwoInstances_EachItemClaimedExactlyOnce()
    {
        await Storage.PendingSync.EnqueueAsync(Enumerable.Range(0, 30).Select(i => Item("tx-" + i, "k-" + i)).ToList(), Ct);

        var claims = await RaceAsync(6, (storage, _) => storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        var ids = claims.SelectMany(c => c).Select(c => c.Id).ToList();
        Assert.Equal(30, ids.Count);
        Assert.Equal(30, ids.Distinct().Count());
    }

    /// <summary>A worker that died keeps its lease only until it expires; then the item is claimable again with the lost attempt counted, and the old holder's late Complete is refused.</summary>
    [Fact]
    public async Task ClaimAsync_LeaseExpired_ClaimableAgainAndStaleCompleteRefused()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1")], Ct);
        var first = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Empty(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        Time.Advance(Lease);
        var second = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(1, second.Attempts);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        Assert.False(await Storage.PendingSync.CompleteAsync(first, Now, Ct));
        Assert.True(await Storage.PendingSync.CompleteAsync(second, Now, Ct));
        Assert.Equal(1, (await Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Delivered]);
    }

    /// <summary>A worker crashed holding an older quantity; a newer item of the same key was delivered meanwhile. When the crashed lease
    /// expires, the older quantity must not be resent: the claim completes it as superseded instead of returning it.</summary>
    [Fact]
    public async Task ClaimAsync_LeaseExpiredAfterNewerItemOfSameKeyDelivered_CompletesOlderAsSupersededNotReturned()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1", "k", "{\"qty\":5}")], Ct);
        var crashed = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Storage.PendingSync.EnqueueAsync([Item("tx-2", "k", "{\"qty\":3}")], Ct);
        var newer = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Equal("tx-2", newer.Item.TransactionId);
        Assert.True(await Storage.PendingSync.CompleteAsync(newer, Now, Ct));

        Time.Advance(Lease);
        Assert.Empty(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        var states = await Storage.PendingSync.CountByStateAsync(Ct);
        Assert.Equal(2, states[PendingSyncState.Delivered]);
        Assert.Equal(0, states.GetValueOrDefault(PendingSyncState.InFlight));
        Assert.Equal(0, states.GetValueOrDefault(PendingSyncState.Pending));
        Assert.False(await Storage.PendingSync.CompleteAsync(crashed, Now, Ct));
    }

    /// <summary>The superseded check compares when payloads were enqueued, not row ids: an older row that took a newer payload by
    /// coalescing after the delivery is still sent, and an item of another key is untouched.</summary>
    [Fact]
    public async Task ClaimAsync_OlderRowCoalescedWithPayloadNewerThanDelivered_IsReturned()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1", "k", "{\"qty\":5}"), Item("tx-other", "other")], Ct);
        var claims = await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct);
        var first = Assert.Single(claims, c => c.Item.TransactionId == "tx-1");
        Time.Advance(TimeSpan.FromSeconds(1));
        await Storage.PendingSync.EnqueueAsync([Item("tx-2", "k", "{\"qty\":3}")], Ct);
        var second = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Equal(PendingSyncState.Pending, await Storage.PendingSync.FailAsync(first, "timeout", Now, 5, Ct));
        Assert.True(await Storage.PendingSync.CompleteAsync(second, Now, Ct));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Storage.PendingSync.EnqueueAsync([Item("tx-3", "k", "{\"qty\":1}")], Ct);

        var claimed = await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct);

        var latest = Assert.Single(claimed);
        Assert.Equal(("tx-3", "{\"qty\":1}"), (latest.Item.TransactionId, latest.Item.Payload));
        Time.Advance(Lease);
        Assert.Contains(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct), c => c.Item.TransactionId == "tx-other");
    }

    /// <summary>A failed send is retried at the time the caller's backoff chose, not before, with its attempt counted.</summary>
    [Fact]
    public async Task FailAsync_AttemptsLeft_RetriedAtGivenTime()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1")], Ct);
        var claim = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        Assert.Equal(PendingSyncState.Pending, await Storage.PendingSync.FailAsync(claim, "429 rate limited", Now.AddSeconds(30), 5, Ct));

        Assert.Empty(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now.AddSeconds(29), Ct));
        var retry = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now.AddSeconds(30), Ct));
        Assert.Equal(1, retry.Attempts);
    }

    /// <summary>After the maximum attempts an item needs a person: it leaves the queue, shows in the dead letters with its error, and can be put back.</summary>
    [Fact]
    public async Task FailAsync_LastAttempt_DeadLettersAndRequeueResetsAttempts()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1")], Ct);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claim = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
            var state = await Storage.PendingSync.FailAsync(claim, "boom " + attempt, Now, 3, Ct);
            Assert.Equal(attempt < 3 ? PendingSyncState.Pending : PendingSyncState.DeadLettered, state);
        }

        Assert.Empty(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        var dead = Assert.Single(await Storage.PendingSync.GetDeadLetteredAsync(10, Ct));
        Assert.Equal(3, dead.Attempts);
        Assert.Equal("boom 3", dead.LastError);
        Assert.Equal(PendingSyncState.DeadLettered, dead.State);

        Assert.True(await Storage.PendingSync.RequeueAsync(dead.Id, Now, Ct));
        Assert.False(await Storage.PendingSync.RequeueAsync(dead.Id, Now, Ct));
        var again = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Assert.Equal(0, again.Attempts);
    }

    /// <summary>A holder whose lease was taken over must not be able to fail (and so reschedule) an item another worker now holds.</summary>
    [Fact]
    public async Task FailAsync_StaleClaim_ChangesNothing()
    {
        await Storage.PendingSync.EnqueueAsync([Item("tx-1")], Ct);
        var stale = Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));
        Time.Advance(Lease);
        Assert.Single(await Storage.PendingSync.ClaimAsync(null, 10, Lease, Now, Ct));

        Assert.Equal(PendingSyncState.InFlight, await Storage.PendingSync.FailAsync(stale, "late", Now, 1, Ct));
        Assert.Equal(1, (await Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.InFlight]);
    }
}
