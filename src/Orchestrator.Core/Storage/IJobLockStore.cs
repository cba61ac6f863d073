namespace Orchestrator.Storage;

/// <summary>
/// Job locks held as leases, so that one poller or one sync run works at a time across processes and machines.
/// </summary>
/// <remarks>
/// Each acquisition gets a fencing token larger than every earlier one for the same lock. Stores that take a lease in a write
/// (for example <see cref="IWatermarkStore.AdvanceAsync"/>) refuse it once a newer token exists, so a holder that lost its
/// lease (paused, partitioned) cannot write after another took over.
/// </remarks>
public interface IJobLockStore
{
    /// <summary>Takes a lock if it is free or its lease has expired.</summary>
    /// <param name="name">The lock name, for example <c>intake:coupang-main:*</c>.</param>
    /// <param name="owner">Who takes it (host and process), for people.</param>
    /// <param name="leaseDuration">How long the lease holds unless renewed.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease, or <see langword="null"/> when another holder has it.</returns>
    Task<JobLease?> TryAcquireAsync(string name, string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Extends a lease that is still held.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="leaseDuration">The new duration from now.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The renewed lease, or <see langword="null"/> when it was lost.</returns>
    Task<JobLease?> RenewAsync(JobLease lease, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Releases a lease; releasing a lost lease does nothing.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task ReleaseAsync(JobLease lease, CancellationToken cancellationToken);
}

/// <summary>Represents a held job lock.</summary>
/// <param name="Name">The lock name.</param>
/// <param name="Owner">The holder.</param>
/// <param name="FencingToken">Grows with every acquisition of this lock.</param>
/// <param name="ExpiresAt">When the lease ends unless renewed.</param>
public sealed record JobLease(string Name, string Owner, long FencingToken, DateTimeOffset ExpiresAt);

/// <summary>Represents a write refused because the writer's lease was taken over.</summary>
public sealed class LeaseLostException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="LeaseLostException"/> class.</summary>
    /// <param name="lease">The lease that was lost.</param>
    public LeaseLostException(JobLease lease)
        : base("ERR-LOCK-001", $"The lease on '{lease?.Name}' (token {lease?.FencingToken}) was taken over by another holder; the write was refused.")
    {
        Lease = lease!;
    }

    /// <summary>Gets the lost lease.</summary>
    public JobLease Lease { get; }
}
