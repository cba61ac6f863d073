using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Storage;

namespace Orchestrator.Crash.Host;

/// <summary>The intake poll each order source is in right now, in this host: set when the poll's partition lock is taken, cleared when it is released.</summary>
internal sealed class PollLabels(string host)
{
    private readonly ConcurrentDictionary<string, string> _current = new(StringComparer.Ordinal);

    public string Host { get; } = host;

    public void Start(string source, string label) => _current[source] = label;

    public void End(string source, string label) => _current.TryRemove(new KeyValuePair<string, string>(source, label));

    public string? Current(string source) => _current.GetValueOrDefault(source);
}

/// <summary>Adds <c>X-Crash-Host</c> to every request and <c>X-Crash-Poll</c> to the requests of a source that is being polled.</summary>
internal sealed class CrashLabelHandler(PollLabels labels) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("X-Crash-Host", labels.Host);
        var source = request.RequestUri?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (source is not null && labels.Current(source) is { } poll)
        {
            request.Headers.TryAddWithoutValidation("X-Crash-Poll", poll);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Passes every call to the real lock store and labels the intake polls (lock <c>intake:{source}:{partition}</c>) with the lease's fencing
/// token. With <c>Crash__IntakeLockOff=true</c> (the test that shows the poll check can fail) an intake lock held by another host is
/// pretended to be granted, so two hosts poll one partition at once.
/// </summary>
internal sealed class LabellingJobLockStore(IJobLockStore inner, PollLabels labels, bool intakeLockOff) : IJobLockStore
{
    private const long Forged = -1;
    private long _forged;

    public async Task<JobLease?> TryAcquireAsync(string name, string owner, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var lease = await inner.TryAcquireAsync(name, owner, leaseDuration, now, cancellationToken).ConfigureAwait(false);
        var intake = name.StartsWith("intake:", StringComparison.Ordinal);
        if (lease is null && intake && intakeLockOff)
        {
            lease = new JobLease(name, owner, Forged, now + leaseDuration);
        }

        if (lease is not null && Partition(name) is { } p)
        {
            var token = lease.FencingToken == Forged
                ? "forged-" + Interlocked.Increment(ref _forged).ToString(CultureInfo.InvariantCulture)
                : lease.FencingToken.ToString(CultureInfo.InvariantCulture);
            labels.Start(p.Source, $"{p.Partition}|{token}");
        }

        return lease;
    }

    public Task<JobLease?> RenewAsync(JobLease lease, TimeSpan leaseDuration, DateTimeOffset now, CancellationToken cancellationToken) =>
        lease.FencingToken == Forged
            ? Task.FromResult<JobLease?>(lease with { ExpiresAt = now + leaseDuration })
            : inner.RenewAsync(lease, leaseDuration, now, cancellationToken);

    public async Task ReleaseAsync(JobLease lease, CancellationToken cancellationToken)
    {
        if (Partition(lease.Name) is { } p && labels.Current(p.Source) is { } label && label.StartsWith(p.Partition + "|", StringComparison.Ordinal))
        {
            labels.End(p.Source, label);
        }

        if (lease.FencingToken != Forged)
        {
            await inner.ReleaseAsync(lease, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The source and partition of a partition lock (<c>intake:{source}:{partition}</c>); the job lock <c>intake:{source}</c> has none.</summary>
    private static (string Source, string Partition)? Partition(string name)
    {
        var parts = name.Split(':', 3);
        return parts.Length == 3 && parts[0] == "intake" ? (parts[1], parts[2]) : null;
    }
}
