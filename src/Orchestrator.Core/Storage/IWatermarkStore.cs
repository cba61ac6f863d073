namespace Orchestrator.Storage;

/// <summary>
/// The last-polled watermark of each order source and partition.
/// </summary>
public interface IWatermarkStore
{
    /// <summary>Gets the watermark of a source partition.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="partition">The partition key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The watermark, or <see langword="null"/> before the first poll.</returns>
    Task<DateTimeOffset?> GetAsync(string source, string partition, CancellationToken cancellationToken);

    /// <summary>Moves the watermark forward; a value older than the stored one leaves it unchanged.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="partition">The partition key.</param>
    /// <param name="value">The new watermark.</param>
    /// <param name="lease">The poller's lease; the write is refused when a newer lease exists.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stored watermark after the call.</returns>
    /// <exception cref="LeaseLostException">A newer lease on the lock exists.</exception>
    Task<DateTimeOffset> AdvanceAsync(string source, string partition, DateTimeOffset value, JobLease lease, CancellationToken cancellationToken);
}
