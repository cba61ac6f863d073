namespace Orchestrator.Hosting.Internal;

/// <summary>A request to run a workflow: why, and for which SKUs (null = all).</summary>
/// <param name="Trigger">The trigger recorded with the run.</param>
/// <param name="SkuCodes">The SKUs, or <see langword="null"/> for a full run.</param>
/// <param name="Tick">The schedule tick this run serves, when scheduled.</param>
/// <param name="Incremental">Whether this is the lighter run between two ticks (a job's BetweenTicks interval).</param>
internal sealed record RunRequest(string Trigger, IReadOnlyCollection<string>? SkuCodes, DateTimeOffset? Tick = null, bool Incremental = false);

/// <summary>
/// Coalesces run requests of one job: requests made while one is queued merge into it (reasons joined, SKU sets unioned,
/// a full request absorbs SKU-subset ones); the job takes the merged request when it is free.
/// </summary>
internal sealed class RequestQueue
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SortedSet<string>? _reasons;
    private HashSet<string>? _skus;
    private bool _full;

    public void Add(string reason, IReadOnlyCollection<string>? skus)
    {
        lock (_lock)
        {
            _reasons ??= new SortedSet<string>(StringComparer.Ordinal);
            _reasons.Add(reason);
            if (skus is null)
            {
                _full = true;
                _skus = null;
            }
            else if (!_full)
            {
                _skus ??= new HashSet<string>(StringComparer.Ordinal);
                _skus.UnionWith(skus);
            }

            _signal.TrySetResult();
        }
    }

    /// <summary>Completes when a request is queued.</summary>
    public Task WaitAsync()
    {
        lock (_lock)
        {
            return _signal.Task;
        }
    }

    /// <summary>Takes the merged request, if any.</summary>
    public RunRequest? Take()
    {
        lock (_lock)
        {
            if (_reasons is null)
            {
                return null;
            }

            var request = new RunRequest(string.Join('+', _reasons), _full ? null : _skus!.ToArray());
            _reasons = null;
            _skus = null;
            _full = false;
            _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return request;
        }
    }
}
