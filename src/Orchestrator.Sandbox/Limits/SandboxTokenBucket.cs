namespace Orchestrator.Sandbox.Limits;

/// <summary>A server-side token bucket that decides whether a simulator answers 429. Reusable by any simulator.</summary>
/// <remarks>Thread-safe. Time comes from the <see cref="TimeProvider"/> the sandbox was started with.</remarks>
public sealed class SandboxTokenBucket
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _last;

    /// <summary>Initializes a new instance of the <see cref="SandboxTokenBucket"/> class, full.</summary>
    /// <param name="ratePerSecond">Tokens added per second.</param>
    /// <param name="capacity">The bucket size.</param>
    /// <param name="timeProvider">The clock.</param>
    public SandboxTokenBucket(double ratePerSecond, int capacity, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Rate = ratePerSecond;
        Capacity = capacity;
        _time = timeProvider;
        _tokens = capacity;
        _last = timeProvider.GetTimestamp();
    }

    /// <summary>Gets the refill rate per second.</summary>
    public double Rate { get; }

    /// <summary>Gets the bucket size.</summary>
    public int Capacity { get; }

    /// <summary>Gets how many requests were refused so far.</summary>
    public int RefusedCount { get; private set; }

    /// <summary>Gets the tokens left now (whole tokens).</summary>
    public int Remaining
    {
        get
        {
            lock (_lock)
            {
                Refill();
                return (int)_tokens;
            }
        }
    }

    /// <summary>Takes one token.</summary>
    /// <param name="retryAfter">When refused: the time until a token exists.</param>
    /// <returns><see langword="true"/> when the request may be served.</returns>
    public bool TryTake(out TimeSpan retryAfter)
    {
        lock (_lock)
        {
            Refill();
            if (_tokens >= 1)
            {
                _tokens -= 1;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            RefusedCount++;
            retryAfter = TimeSpan.FromSeconds((1 - _tokens) / Rate);
            return false;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var seconds = (now - _last) / (double)_time.TimestampFrequency;
        if (seconds > 0)
        {
            _tokens = Math.Min(Capacity, _tokens + (seconds * Rate));
            _last = now;
        }
    }
}
