using System.Collections.Concurrent;

namespace Orchestrator.Dashboard.Internal;

/// <summary>
/// Remembers the signatures and event ids of accepted events for the timestamp tolerance window: within the window a replay is refused,
/// after it the timestamp check refuses it. In memory, so per process; the event sink also ignores an event id it has already applied.
/// </summary>
internal sealed class EventReplayCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextPrune;

    /// <summary>Remembers the keys until <paramref name="expiresAt"/>; returns <see langword="false"/> when any of them is already remembered.</summary>
    public bool TryRemember(string signatureKey, string eventKey, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        Prune(now);
        if (!TryAdd(signatureKey, expiresAt, now))
        {
            return false;
        }

        if (!TryAdd(eventKey, expiresAt, now))
        {
            _seen.TryRemove(signatureKey, out _);
            return false;
        }

        return true;
    }

    /// <summary>Forgets keys of an event that could not be recorded, so the sender can retry it.</summary>
    public void Forget(string signatureKey, string eventKey)
    {
        _seen.TryRemove(signatureKey, out _);
        _seen.TryRemove(eventKey, out _);
    }

    private bool TryAdd(string key, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        while (true)
        {
            if (_seen.TryAdd(key, expiresAt))
            {
                return true;
            }

            if (!_seen.TryGetValue(key, out var existing))
            {
                continue;
            }

            if (existing > now)
            {
                return false;
            }

            if (_seen.TryUpdate(key, expiresAt, existing))
            {
                return true;
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        var ticks = now.UtcTicks;
        var next = Interlocked.Read(ref _nextPrune);
        if (ticks < next || Interlocked.CompareExchange(ref _nextPrune, ticks + TimeSpan.TicksPerMinute, next) != next)
        {
            return;
        }

        foreach (var (key, expiresAt) in _seen)
        {
            if (expiresAt <= now)
            {
                _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, expiresAt));
            }
        }
    }
}
