namespace Orchestrator.Sandbox.Faults;

/// <summary>Names the faults a simulator can inject.</summary>
public enum SandboxFaultKind
{
    /// <summary>Wait <see cref="FaultRule.Delay"/>, then serve the request normally.</summary>
    Latency,

    /// <summary>Answer <see cref="FaultRule.StatusCode"/> (for example 500 or 503) in the service's error shape, without serving the request.</summary>
    Status,

    /// <summary>Answer 429 in the service's shape, with <c>Retry-After</c> when <see cref="FaultRule.RetryAfter"/> is set.</summary>
    RateLimit,

    /// <summary>Hold the request for <see cref="FaultRule.Delay"/> (or until the client gives up), then answer 504.</summary>
    Hang,

    /// <summary>Serve the request (a write is applied), then drop the connection without a response.</summary>
    DropResponse,

    /// <summary>Answer 200 with a truncated, unparseable JSON body, without serving the request.</summary>
    MalformedBody,
}

/// <summary>Describes one scripted fault: which requests it hits, how many times, and what it does.</summary>
/// <param name="Kind">What the fault does.</param>
public sealed record FaultRule(SandboxFaultKind Kind)
{
    /// <summary>Gets the HTTP method to match (for example <c>PUT</c>), or <see langword="null"/> for any.</summary>
    public string? Method { get; init; }

    /// <summary>Gets a text the request path must contain, or <see langword="null"/> for any path.</summary>
    public string? PathContains { get; init; }

    /// <summary>Gets how many matching requests the fault hits; <see cref="int.MaxValue"/> for all.</summary>
    public int Times { get; init; } = 1;

    /// <summary>Gets how many matching requests pass untouched before the fault starts.</summary>
    public int Skip { get; init; }

    /// <summary>Gets the status of a <see cref="SandboxFaultKind.Status"/> fault.</summary>
    public int StatusCode { get; init; } = 503;

    /// <summary>Gets the delay of a <see cref="SandboxFaultKind.Latency"/> or <see cref="SandboxFaultKind.Hang"/> fault.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the <c>Retry-After</c> of a <see cref="SandboxFaultKind.RateLimit"/> fault, or <see langword="null"/> to send none.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>
/// Holds the faults scripted for one simulator. Each request takes the first matching rule that still has hits left.
/// </summary>
/// <remarks>Thread safety: rules may be added while requests are served. Reusable by any simulator (channels, WES).</remarks>
public sealed class FaultScript
{
    private readonly Lock _lock = new();
    private readonly List<Entry> _rules = [];

    /// <summary>Gets how many requests a fault was applied to so far.</summary>
    public int AppliedCount { get; private set; }

    /// <summary>Adds a rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This script, for chaining.</returns>
    public FaultScript Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (_lock)
        {
            _rules.Add(new Entry(rule));
        }

        return this;
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _rules.Clear();
        }
    }

    /// <summary>Takes the fault for a request, if a rule matches and has hits left.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The request path.</param>
    /// <param name="rule">The fault to apply.</param>
    /// <returns><see langword="true"/> when a fault applies.</returns>
    public bool TryTake(string method, string path, out FaultRule rule)
    {
        lock (_lock)
        {
            foreach (var entry in _rules)
            {
                var r = entry.Rule;
                if ((r.Method is not null && !string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase))
                    || (r.PathContains is not null && !path.Contains(r.PathContains, StringComparison.Ordinal)))
                {
                    continue;
                }

                if (entry.Seen++ < r.Skip || entry.Hits >= r.Times)
                {
                    continue;
                }

                entry.Hits++;
                AppliedCount++;
                rule = r;
                return true;
            }
        }

        rule = null!;
        return false;
    }

    private sealed class Entry(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;

        public int Seen { get; set; }

        public int Hits { get; set; }
    }
}
