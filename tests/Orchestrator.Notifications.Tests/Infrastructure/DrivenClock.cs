using Orchestrator.TestUtilities;

namespace Orchestrator.Testing;

/// <summary>
/// Wraps a <see cref="ManualTimeProvider"/> and knows which timers are armed, so a test can run code that waits on the clock
/// (pacing, Retry-After, backoff) without sleeping: <see cref="RunAsync{T}"/> moves the clock to the next due timer each time the
/// code under test arms one, until the code completes.
/// </summary>
public sealed class DrivenClock : TimeProvider, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<Tracked> _armed = [];
    private readonly SemaphoreSlim _signal = new(0);

    public DrivenClock(DateTimeOffset? start = null) => Manual = new ManualTimeProvider(start);

    public ManualTimeProvider Manual { get; }

    /// <summary>Gets or sets the longest wait <see cref="RunAsync{T}"/> skips on its own. Longer timers (an attempt timeout that
    /// is armed while a request is on the wire) are left alone: the test moves the clock past them itself.</summary>
    public TimeSpan AutoAdvanceLimit { get; set; } = TimeSpan.MaxValue;

    /// <summary>Gets the total time the clock was moved by <see cref="RunAsync{T}"/>.</summary>
    public TimeSpan Waited { get; private set; }

    public override DateTimeOffset GetUtcNow() => Manual.GetUtcNow();

    public override long GetTimestamp() => Manual.GetTimestamp();

    public override long TimestampFrequency => Manual.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Manual.LocalTimeZone;

    public void Advance(TimeSpan delta) => Manual.Advance(delta);

    public void Dispose() => _signal.Dispose();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new Tracked(this);
        tracked.Inner = Manual.CreateTimer(
            s =>
            {
                lock (_lock)
                {
                    if (tracked.Period <= TimeSpan.Zero)
                    {
                        _armed.Remove(tracked);
                    }
                    else
                    {
                        tracked.DueAt = Manual.GetUtcNow() + tracked.Period;
                    }
                }

                callback(s);
            },
            state,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        tracked.Change(dueTime, period);
        return tracked;
    }

    /// <summary>Runs <paramref name="action"/>, moving the clock to each timer it arms, and returns its result.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        var task = action();
        while (true)
        {
            var signalled = _signal.WaitAsync();
            if (await Task.WhenAny(task, signalled) == task)
            {
                return await task;
            }

            DateTimeOffset? next;
            lock (_lock)
            {
                next = _armed.Where(t => t.DueAt is not null).Select(t => t.DueAt).Min();
            }

            if (next is { } due && due - Manual.GetUtcNow() > AutoAdvanceLimit)
            {
                continue;
            }

            if (next is { } due2 && due2 > Manual.GetUtcNow())
            {
                var step = due2 - Manual.GetUtcNow();
                Waited += step;
                Manual.Advance(step);
            }
            else if (next is not null)
            {
                Manual.Advance(TimeSpan.Zero);
            }
        }
    }

    public Task RunAsync(Func<Task> action) => RunAsync(async () =>
    {
        await action();
        return true;
    });

    private sealed class Tracked(DrivenClock owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; set; }

        public TimeSpan Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.Manual.GetUtcNow() + dueTime;
                owner._armed.Remove(this);
                if (DueAt is not null)
                {
                    owner._armed.Add(this);
                }
            }

            Inner.Change(dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                owner._signal.Release();
            }

            return true;
        }

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._armed.Remove(this);
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
