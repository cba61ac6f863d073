using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace Orchestrator.Internal.Http;

/// <summary>Orders the requests waiting for a <see cref="RateBudget"/>: a lower value is served first.</summary>
internal enum RequestPriority
{
    /// <summary>Sold-out and low-stock pushes: overselling risk, served first.</summary>
    Critical = 0,

    /// <summary>Ordinary stock pushes and order calls.</summary>
    Normal = 1,

    /// <summary>Bulk reads (full stock reads) that can wait.</summary>
    Bulk = 2,
}

/// <summary>
/// A token bucket for one seller account (a Coupang vendor, a Naver application, a Cafe24 mall) with priority lanes,
/// driven by a <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>Every request that goes on the wire takes one permit (retries too), so the sustained rate never exceeds
/// <see cref="PermitsPerSecond"/> and a burst never exceeds <see cref="BurstCapacity"/>: exceeding the configured limit is
/// impossible by construction. Live tuning (<see cref="ObserveServerBudget"/>) can only lower the rate and burst below the
/// configured ceiling, never raise them above it; a 429 (<see cref="PauseFor"/>) empties the bucket and stops all grants until it passes.</para>
/// <para>Waiters are served strictly by <see cref="RequestPriority"/>, then first come first served.</para>
/// <para>Thread safety: all members are safe to call concurrently.</para>
/// </remarks>
internal sealed class RateBudget : RateLimiter
{
    private static readonly RateLimitLease Granted = new Lease(true, null);
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly LinkedList<Waiter>[] _lanes = [new(), new(), new()];
    private readonly ITimer _timer;
    private readonly double _ceilingRate;
    private readonly int _ceilingBurst;
    private readonly int _queueLimit;
    private double _rate;
    private int _burst;
    private double _tokens;
    private long _lastRefill;
    private long _pausedUntil;
    private long _idleSince;
    private int _queued;
    private long _granted;
    private long _rejected;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="RateBudget"/> class.</summary>
    /// <param name="account">The account the budget belongs to, for diagnostics.</param>
    /// <param name="permitsPerSecond">The documented sustained rate; the ceiling.</param>
    /// <param name="burstCapacity">The documented burst; the ceiling. The bucket starts full.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="queueLimit">The most requests that may wait; more are refused at once.</param>
    public RateBudget(string account, double permitsPerSecond, int burstCapacity, TimeProvider timeProvider, int queueLimit = 100_000)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burstCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueLimit);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Account = account;
        _timeProvider = timeProvider;
        _ceilingRate = _rate = permitsPerSecond;
        _ceilingBurst = _burst = burstCapacity;
        _queueLimit = queueLimit;
        _tokens = burstCapacity;
        _lastRefill = _idleSince = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static s => ((RateBudget)s!).Pump(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets the account the budget belongs to.</summary>
    public string Account { get; }

    /// <summary>Gets the sustained rate currently kept to.</summary>
    public double PermitsPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _rate;
            }
        }
    }

    /// <summary>Gets the burst currently allowed.</summary>
    public int BurstCapacity
    {
        get
        {
            lock (_lock)
            {
                return _burst;
            }
        }
    }

    /// <summary>Gets the number of requests waiting.</summary>
    public int QueuedCount => Volatile.Read(ref _queued);

    /// <summary>Gets the estimated time until every request waiting now has been granted (0 when none wait).</summary>
    public TimeSpan EstimatedDrainTime
    {
        get
        {
            lock (_lock)
            {
                var now = _timeProvider.GetTimestamp();
                Refill(now);
                var pause = PauseRemaining(now);
                var deficit = _queued - _tokens;
                var refill = deficit <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(deficit / _rate);
                return pause + refill;
            }
        }
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                return _queued > 0 ? null : _timeProvider.GetElapsedTime(_idleSince);
            }
        }
    }

    /// <summary>Waits for one permit in a priority lane.</summary>
    /// <param name="priority">The lane.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The lease; <see cref="RateLimitLease.IsAcquired"/> is false only when the queue is full.</returns>
    public ValueTask<RateLimitLease> AcquireAsync(RequestPriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _timeProvider.GetTimestamp();
            Refill(now);
            if (_queued == 0 && PauseRemaining(now) == TimeSpan.Zero && _tokens >= 1)
            {
                _tokens -= 1;
                _granted++;
                return ValueTask.FromResult(Granted);
            }

            if (_queued >= _queueLimit)
            {
                _rejected++;
                return ValueTask.FromResult<RateLimitLease>(new Lease(false, TimeSpan.FromSeconds((_queued - _tokens) / _rate)));
            }

            waiter = new Waiter();
            waiter.Node = _lanes[(int)priority].AddLast(waiter);
            _queued++;
            ScheduleLocked(now);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(
                static s =>
                {
                    var (budget, w, token) = ((RateBudget, Waiter, CancellationToken))s!;
                    budget.Cancel(w, token);
                },
                (this, waiter, cancellationToken));
        }

        return new ValueTask<RateLimitLease>(waiter.Completion.Task);
    }

    /// <summary>Stops all grants for a while and empties the bucket (after a 429 or a server's "calls remain" header).</summary>
    /// <param name="duration">How long to stop.</param>
    public void PauseFor(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var until = now + (long)(duration.TotalSeconds * _timeProvider.TimestampFrequency);
            if (until > _pausedUntil)
            {
                _pausedUntil = until;
            }

            _tokens = 0;
            _lastRefill = now;
            ScheduleLocked(now);
        }
    }

    /// <summary>Tunes the budget from what the server reported about its own bucket.</summary>
    /// <param name="remaining">Calls the server still allows now, when reported; the bucket never holds more.</param>
    /// <param name="replenishPerSecond">The server's refill rate, when reported; never raises the rate above the ceiling.</param>
    /// <param name="burst">The server's bucket size, when reported; never raises the burst above the ceiling.</param>
    public void ObserveServerBudget(double? remaining, double? replenishPerSecond = null, int? burst = null)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Refill(now);
            if (replenishPerSecond is > 0)
            {
                _rate = Math.Min(_ceilingRate, replenishPerSecond.Value);
            }

            if (burst is > 0)
            {
                _burst = Math.Min(_ceilingBurst, burst.Value);
                _tokens = Math.Min(_tokens, _burst);
            }

            if (remaining is { } left)
            {
                // Requests of ours may still be in flight, so the server's view can only make us more careful.
                _tokens = Math.Min(_tokens, Math.Max(0, left));
            }

            ScheduleLocked(now);
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            Refill(_timeProvider.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = (long)_tokens,
                CurrentQueuedCount = _queued,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _rejected,
            };
        }
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            Refill(now);
            if (_queued == 0 && PauseRemaining(now) == TimeSpan.Zero && _tokens >= 1)
            {
                _tokens -= 1;
                _granted++;
                return Granted;
            }

            _rejected++;
            return new Lease(false, TimeSpan.FromSeconds(Math.Max(0, 1 - _tokens) / _rate) + PauseRemaining(now));
        }
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        return AcquireAsync(RequestPriority.Normal, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }

        List<Waiter> abandoned = [];
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var lane in _lanes)
            {
                abandoned.AddRange(lane);
                lane.Clear();
            }

            _queued = 0;
        }

        _timer.Dispose();
        foreach (var waiter in abandoned)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetException(new ObjectDisposedException(nameof(RateBudget)));
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            waiter.Node.List.Remove(waiter.Node);
            _queued--;
            if (_queued == 0)
            {
                _idleSince = _timeProvider.GetTimestamp();
            }
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void Pump()
    {
        List<Waiter>? ready = null;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var now = _timeProvider.GetTimestamp();
            Refill(now);
            if (PauseRemaining(now) == TimeSpan.Zero)
            {
                foreach (var lane in _lanes)
                {
                    while (lane.First is { } first && _tokens >= 1)
                    {
                        lane.RemoveFirst();
                        _tokens -= 1;
                        _queued--;
                        _granted++;
                        (ready ??= []).Add(first.Value);
                    }
                }
            }

            if (_queued == 0 && ready is not null)
            {
                _idleSince = now;
            }

            ScheduleLocked(now);
        }

        if (ready is null)
        {
            return;
        }

        foreach (var waiter in ready)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult(Granted);
        }
    }

    private void ScheduleLocked(long now)
    {
        if (_queued == 0)
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var pause = PauseRemaining(now);
        var due = pause > TimeSpan.Zero
            ? pause
            : _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / _rate);

        // Round up to whole milliseconds so the timer never fires a hair before the token exists.
        due = TimeSpan.FromMilliseconds(Math.Ceiling(due.TotalMilliseconds));
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void Refill(long now)
    {
        var from = Math.Max(_lastRefill, _pausedUntil);
        if (now > from)
        {
            var seconds = (now - from) / (double)_timeProvider.TimestampFrequency;
            _tokens = Math.Min(_burst, _tokens + (seconds * _rate));
        }

        if (now > _lastRefill)
        {
            _lastRefill = now;
        }
    }

    private TimeSpan PauseRemaining(long now) => _pausedUntil > now
        ? TimeSpan.FromSeconds((_pausedUntil - now) / (double)_timeProvider.TimestampFrequency)
        : TimeSpan.Zero;

    private sealed class Waiter
    {
        public TaskCompletionSource<RateLimitLease> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
