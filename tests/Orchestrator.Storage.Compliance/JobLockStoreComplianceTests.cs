namespace Orchestrator.Storage.Compliance;

/// <summary>Job locks as leases with fencing tokens (seed 000: 確保同時間僅一個 polling job 執行).</summary>
public abstract class JobLockStoreComplianceTests : StorageComplianceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>A free lock is taken with a first fencing token, and nobody else gets it while the lease runs.</summary>
    [Fact]
    public async Task TryAcquireAsync_HeldLock_SecondHolderGetsNothing()
    {
        var lease = await Storage.JobLocks.TryAcquireAsync("intake:erp:*", "host-a", Lease, Now, Ct);

        Assert.NotNull(lease);
        Assert.Equal("host-a", lease.Owner);
        Assert.Equal(Now + Lease, lease.ExpiresAt);
        Assert.Null(await Storage.JobLocks.TryAcquireAsync("intake:erp:*", "host-b", Lease, Now.AddSeconds(59), Ct));
        Assert.NotNull(await Storage.JobLocks.TryAcquireAsync("other-lock", "host-b", Lease, Now, Ct));
    }

    /// <summary>Two instances asking for the same lock at the same moment: exactly one may run the job.</summary>
    [Fact]
    public async Task TryAcquireAsync_TwoInstancesConcurrently_ExactlyOneWins()
    {
        var leases = await RaceAsync(8, (storage, i) => storage.JobLocks.TryAcquireAsync("sync:WF-INV-001", "host-" + i, Lease, Now, Ct));

        Assert.Single(leases, l => l is not null);
    }

    /// <summary>A holder that died loses the lock when its lease expires; the next holder gets a larger fencing token, so the old holder's writes can be refused.</summary>
    [Fact]
    public async Task TryAcquireAsync_ExpiredLease_TakenOverWithLargerToken()
    {
        var first = await Storage.JobLocks.TryAcquireAsync("lock", "host-a", Lease, Now, Ct);
        Time.Advance(Lease);

        var second = await Storage.JobLocks.TryAcquireAsync("lock", "host-b", Lease, Now, Ct);

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first!.FencingToken);
        Assert.Null(await Storage.JobLocks.RenewAsync(first, Lease, Now, Ct));
    }

    /// <summary>A long job renews its lease to keep the lock; renewing moves the expiry from now.</summary>
    [Fact]
    public async Task RenewAsync_HeldLease_ExtendsExpiry()
    {
        var lease = await Storage.JobLocks.TryAcquireAsync("lock", "host-a", Lease, Now, Ct);
        Time.Advance(TimeSpan.FromSeconds(50));

        var renewed = await Storage.JobLocks.RenewAsync(lease!, Lease, Now, Ct);

        Assert.NotNull(renewed);
        Assert.Equal(Now + Lease, renewed.ExpiresAt);
        Assert.Equal(lease!.FencingToken, renewed.FencingToken);
        Assert.Null(await Storage.JobLocks.TryAcquireAsync("lock", "host-b", Lease, Now.AddSeconds(30), Ct));
    }

    /// <summary>A lease that expired is lost even if nobody took it yet, so its holder stops instead of assuming it still runs alone.</summary>
    [Fact]
    public async Task RenewAsync_ExpiredLease_ReturnsNull()
    {
        var lease = await Storage.JobLocks.TryAcquireAsync("lock", "host-a", Lease, Now, Ct);
        Time.Advance(Lease);

        Assert.Null(await Storage.JobLocks.RenewAsync(lease!, Lease, Now, Ct));
    }

    /// <summary>Releasing frees the lock at once, but the fencing token keeps growing, so a released holder can never write again.</summary>
    [Fact]
    public async Task ReleaseAsync_ThenAcquire_TokenStillGrows()
    {
        var first = await Storage.JobLocks.TryAcquireAsync("lock", "host-a", Lease, Now, Ct);
        await Storage.JobLocks.ReleaseAsync(first!, Ct);

        var second = await Storage.JobLocks.TryAcquireAsync("lock", "host-b", Lease, Now, Ct);
        await Storage.JobLocks.ReleaseAsync(first!, Ct);

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first!.FencingToken);
        Assert.Null(await Storage.JobLocks.TryAcquireAsync("lock", "host-c", Lease, Now, Ct));
    }
}
