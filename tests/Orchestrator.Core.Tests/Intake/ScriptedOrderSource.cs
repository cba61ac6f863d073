using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Intake;

namespace Orchestrator.Tests.Intake;

/// <summary>
/// An order source held in memory for pipeline tests: keyset pages by (changed-at, order id), orders that become visible
/// late, duplicate deliveries, and scripted failures of pages and marks.
/// </summary>
internal sealed class ScriptedOrderSource(string name = "shop") : IOrderSource
{
    private readonly Lock _lock = new();
    private readonly List<SourceOrder> _visible = [];

    public string Name { get; } = name;

    public ConcurrentDictionary<string, int> MarkCalls { get; } = new(StringComparer.Ordinal);

    public int Fetches;

    /// <summary>Fails the fetch with this 1-based number (counted over the source's life), once.</summary>
    public int FailFetchNumber { get; set; }

    /// <summary>Makes the next N mark calls throw.</summary>
    public int FailMarks { get; set; }

    /// <summary>Delivers every order of a page twice in that page.</summary>
    public bool DuplicateWithinPage { get; set; }

    /// <summary>When set, the first fetch waits for it (to hold a poller inside its lock).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public HashSet<string> Marked => MarkCalls.Keys.ToHashSet(StringComparer.Ordinal);

    public SourceOrder Add(string orderId, DateTimeOffset changedAt, string? warehouse = "WH1", int quantity = 1, string sku = "SKU-1")
    {
        var order = new SourceOrder(Name, orderId, changedAt, changedAt, "PAID", warehouse, [new OrderLine(sku, quantity)]);
        Add(order);
        return order;
    }

    public void Add(SourceOrder order)
    {
        lock (_lock)
        {
            _visible.Add(order);
        }
    }

    public async Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref Fetches);
        if (Gate is { } gate)
        {
            Gate = null;
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (number == FailFetchNumber)
        {
            throw new HttpRequestException($"scripted failure of fetch {number}");
        }

        List<SourceOrder> window;
        lock (_lock)
        {
            window = _visible
                .Where(o => o.ChangedAt >= query.From && o.ChangedAt < query.To)
                .Where(o => query.Partition.WarehouseId is null || o.WarehouseId == query.Partition.WarehouseId)
                .OrderBy(o => o.ChangedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .ToList();
        }

        if (query.Cursor is { } cursor)
        {
            var parts = cursor.Split('|');
            var at = DateTimeOffset.Parse(parts[0], CultureInfo.InvariantCulture);
            window = window.Where(o => o.ChangedAt > at || (o.ChangedAt == at && string.CompareOrdinal(o.OrderId, parts[1]) > 0)).ToList();
        }

        var page = window.Take(query.PageSize).ToList();
        var next = window.Count > query.PageSize ? $"{page[^1].ChangedAt:o}|{page[^1].OrderId}" : null;
        var delivered = DuplicateWithinPage ? page.Concat(page).ToList() : page;
        return new OrderPage(delivered, next, $"trace-{number}");
    }

    public Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        if (FailMarks > 0)
        {
            FailMarks--;
            throw new HttpRequestException("scripted failure of a mark");
        }

        foreach (var id in orderIds)
        {
            MarkCalls.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.FromResult(new MarkReceivedResult(orderIds.ToList(), []));
    }
}
