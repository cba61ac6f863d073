using System.Collections.Concurrent;

namespace Orchestrator.Simulation.Tests;

/// <summary>The crash of the orchestrator process, raised from a fault point inside a simulated dependency or a store.</summary>
internal sealed class SimulatedCrashException(string where) : Exception($"simulated crash at {where}");

/// <summary>Names the faults the simulation injects.</summary>
internal enum FaultKind
{
    Timeout,
    ServerError,
    RateLimited,
    ResponseLost,
    Duplicate,
    OutOfOrder,
    LateCommit,
    Crash,
    Cancellation,
}

/// <summary>
/// The fault plan of one seed: every simulated dependency and every store call passes a fault point here. While faults are on,
/// a point may crash the orchestrator (every later call of any dependency or store throws until it is rebuilt) or cancel the step.
/// Each dependency draws from its own <see cref="Random"/> derived from the seed, so concurrent components do not steal each
/// other's draws.
/// </summary>
internal sealed class Faults : IDisposable
{
    private readonly ConcurrentDictionary<FaultKind, int> _counts = new();
    private readonly Random _crashRandom;
    private CancellationTokenSource? _step;
    private volatile string? _crashedAt;

    public Faults(int seed, double intensity)
    {
        Seed = seed;
        Intensity = intensity;
        _crashRandom = For("crash");
    }

    public int Seed { get; }

    /// <summary>Gets the base probability of a transient fault at a point (0 = clean).</summary>
    public double Intensity { get; }

    /// <summary>Gets or sets a value indicating whether faults are injected (off for the final clean cycles).</summary>
    public bool Active { get; set; } = true;

    /// <summary>Gets or sets the probability of a crash at a fault point while active.</summary>
    public double CrashRate { get; set; }

    /// <summary>Gets or sets the probability of a cancellation at a fault point while active.</summary>
    public double CancelRate { get; set; }

    public bool Crashed => _crashedAt is not null;

    public IReadOnlyDictionary<FaultKind, int> Counts => _counts;

    // System.HashCode and string.GetHashCode are randomized per process; a replay needs the same draws every time.
    public Random For(string component) => new(unchecked((Seed * 1_000_003) ^ StableHash(component)));

    public void Count(FaultKind kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Starts a step: returns its token, which a cancellation or crash fault cancels.</summary>
    public CancellationToken BeginStep()
    {
        _step?.Dispose();
        _step = new CancellationTokenSource();
        return _step.Token;
    }

    public void Dispose() => _step?.Dispose();

    public void Restarted() => _crashedAt = null;

    /// <summary>A fault point: throws when the process has crashed, and may crash it or cancel the step.</summary>
    public void Point(string where)
    {
        if (_crashedAt is { } at)
        {
            throw new SimulatedCrashException(at);
        }

        if (!Active)
        {
            return;
        }

        double draw;
        lock (_crashRandom)
        {
            draw = _crashRandom.NextDouble();
        }

        if (draw < CrashRate)
        {
            _crashedAt = where;
            Count(FaultKind.Crash);
            _step?.Cancel();
            throw new SimulatedCrashException(where);
        }

        if (draw < CrashRate + CancelRate && _step is { IsCancellationRequested: false } step)
        {
            Count(FaultKind.Cancellation);
            step.Cancel();
            step.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Draws a transient fault for a call, or null.</summary>
    public FaultKind? Transient(Random random, double weight = 1)
    {
        if (!Active || random.NextDouble() >= Intensity * weight)
        {
            return null;
        }

        var kind = random.Next(4) switch
        {
            0 => FaultKind.Timeout,
            1 => FaultKind.ServerError,
            2 => FaultKind.RateLimited,
            _ => FaultKind.ResponseLost,
        };
        Count(kind);
        return kind;
    }

    public bool Chance(Random random, double probability) => Active && random.NextDouble() < probability;

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
