namespace Orchestrator.Sandbox;

/// <summary>Records one stock write a channel simulator applied (a test hook: crash tests check the order of accepted quantities).</summary>
/// <param name="Sequence">The write's position in the simulator's log, from 1.</param>
/// <param name="At">When it was applied, on the simulator's clock.</param>
/// <param name="SkuCode">The seller's SKU code of the listing written.</param>
/// <param name="Quantity">The quantity the listing shows after the write.</param>
public sealed record SandboxStockWrite(long Sequence, DateTimeOffset At, string SkuCode, int Quantity);

/// <summary>Describes one request a <see cref="SandboxServer"/> served, given to <see cref="SandboxOptions.RequestObserver"/> (a test hook).</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The request path.</param>
/// <param name="Query">The query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Headers">The request headers except <c>Authorization</c> (credentials stay out of test records).</param>
/// <param name="StartedAt">When the server started serving it.</param>
/// <param name="CompletedAt">When the server finished serving it.</param>
/// <param name="StatusCode">The response status.</param>
public sealed record SandboxRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    int StatusCode);

/// <summary>The stock-write log of one simulator.</summary>
internal sealed class StockWriteLog(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly List<SandboxStockWrite> _writes = [];

    public void Add(string skuCode, int quantity)
    {
        lock (_lock)
        {
            _writes.Add(new SandboxStockWrite(_writes.Count + 1, time.GetUtcNow(), skuCode, quantity));
        }
    }

    public IReadOnlyList<SandboxStockWrite> Snapshot()
    {
        lock (_lock)
        {
            return [.. _writes];
        }
    }
}
