namespace Orchestrator.Http.Internal;

/// <summary>
/// Spaces calls so that at most <c>burst</c> start within any <c>interval</c>, on a <see cref="TimeProvider"/> so tests can drive it.
/// </summary>
/// <remarks>
/// A token bucket: it starts full with <c>burst</c> tokens and gains one token every <c>interval / burst</c>. Waiters are served in
/// the order they arrive. System.Threading.RateLimiting replenishes on its own real-time timer, which a manual clock cannot move,
/// hence this small gate. Thread-safe.
/// </remarks>
internal sealed class PacingGate : IDisposable
{
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Lock _lock = new();
    private readonly TimeSpan _tokenInterval;
    private readonly int _burst;
    private double _tokens;
    private DateTimeOffset _updatedAt;
    private DateTimeOffset _blockedUntil;

    public PacingGate(TimeProvider time, int burst, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        _time = time;
        _burst = burst;
        _tokenInterval = interval / burst;
        _tokens = burst;
        _updatedAt = time.GetUtcNow();
        _blockedUntil = DateTimeOffset.MinValue;
    }

    /// <summary>Waits for a turn.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        if (_tokenInterval <= TimeSpan.Zero)
        {
            return;
        }

        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    var now = _time.GetUtcNow();
                    Refill(now);
                    wait = _blockedUntil - now;
                    if (wait <= TimeSpan.Zero && _tokens >= 1)
                    {
                        _tokens -= 1;
                        return;
                    }

                    if (wait <= TimeSpan.Zero)
                    {
                        wait = _tokenInterval * (1 - _tokens);
                    }
                }

                await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Stops every call until <paramref name="until"/>, for example after a 429 with Retry-After.</summary>
    public void BlockUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = now - _updatedAt;
        if (elapsed > TimeSpan.Zero)
        {
            _tokens = Math.Min(_burst, _tokens + (elapsed / _tokenInterval));
            _updatedAt = now;
        }
    }

    public void Dispose() => _turn.Dispose();
}
