using System.Globalization;
using Orchestrator.Intake;

namespace Orchestrator.Simulation.Tests;

/// <summary>
/// A simulated order database: orders become visible at their commit time, which may be later than their changed-at time (a
/// transaction committed late behind the watermark); keyset paging by (changed-at, id); faults on reads and marks; duplicate
/// and out-of-order rows in pages.
/// </summary>
internal sealed class SimOrderSource(string name, Faults faults, TimeProvider time) : IOrderSource
{
    private readonly Random _random = faults.For("source:" + name);
    private readonly List<(SourceOrder Order, DateTimeOffset VisibleAt)> _orders = [];
    private readonly HashSet<string> _marked = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public IReadOnlyCollection<string> Marked
    {
        get
        {
            lock (_lock)
            {
                return _marked.ToList();
            }
        }
    }

    public IReadOnlyList<SourceOrder> Orders
    {
        get
        {
            lock (_lock)
            {
                return _orders.Select(o => o.Order).ToList();
            }
        }
    }

    /// <summary>Adds an order changed now and committed after <paramref name="commitDelay"/>.</summary>
    public void Add(string orderId, string sku, int quantity, TimeSpan commitDelay)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            _orders.Add((new SourceOrder(Name, orderId, now, now, "PAID", "WH1", [new OrderLine(sku, quantity)]), now + commitDelay));
        }
    }

    /// <summary>Changes a committed order again (a status change): it is read again and must stay buffered once.</summary>
    public void Touch(int index)
    {
        lock (_lock)
        {
            if (_orders.Count == 0)
            {
                return;
            }

            var i = index % _orders.Count;
            var (order, visibleAt) = _orders[i];
            var now = time.GetUtcNow();
            if (visibleAt <= now)
            {
                _orders[i] = (order with { ChangedAt = now, Status = "PREPARING" }, now);
            }
        }
    }

    public Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        faults.Point($"{Name}.fetch");
        lock (_random)
        {
            if (faults.Transient(_random) is { } fault)
            {
                throw new TimeoutException($"simulated order database {fault}");
            }
        }

        var now = time.GetUtcNow();
        var after = Parse(query.Cursor);
        List<SourceOrder> rows;
        lock (_lock)
        {
            rows = _orders.Where(o => o.VisibleAt <= now && o.Order.ChangedAt >= query.From && o.Order.ChangedAt < query.To)
                .Select(o => o.Order)
                .Where(o => after is not { } a || o.ChangedAt > a.Item1 || (o.ChangedAt == a.Item1 && string.CompareOrdinal(o.OrderId, a.Item2) > 0))
                .OrderBy(o => o.ChangedAt).ThenBy(o => o.OrderId, StringComparer.Ordinal)
                .Take(query.PageSize + 1)
                .ToList();
        }

        var more = rows.Count > query.PageSize;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var cursor = more ? Format(rows[^1]) : null;
        lock (_random)
        {
            if (rows.Count > 1 && faults.Chance(_random, faults.Intensity))
            {
                faults.Count(FaultKind.OutOfOrder);
                rows = rows.OrderBy(_ => _random.Next()).ToList();
            }

            if (rows.Count > 0 && faults.Chance(_random, faults.Intensity))
            {
                faults.Count(FaultKind.Duplicate);
                rows.Insert(_random.Next(rows.Count + 1), rows[_random.Next(rows.Count)]);
            }
        }

        return Task.FromResult(new OrderPage(rows, cursor, "trace-" + now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
    }

    public Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        faults.Point($"{Name}.mark");
        FaultKind? fault;
        lock (_random)
        {
            fault = faults.Transient(_random);
        }

        if (fault is FaultKind.Timeout or FaultKind.ServerError or FaultKind.RateLimited)
        {
            throw new TimeoutException($"simulated mark {fault}");
        }

        var marked = new List<string>();
        var failed = new List<MarkFailure>();
        lock (_lock)
        {
            foreach (var id in orderIds)
            {
                if (!_orders.Any(o => o.Order.OrderId == id))
                {
                    failed.Add(new MarkFailure(id, "unknown order", false));
                    continue;
                }

                if (faults.Chance(_random, faults.Intensity * 0.5))
                {
                    failed.Add(new MarkFailure(id, "simulated lock timeout", true));
                    continue;
                }

                _marked.Add(id);
                marked.Add(id);
            }
        }

        faults.Point($"{Name}.mark (applied)");
        if (fault is FaultKind.ResponseLost)
        {
            throw new TimeoutException("simulated: marked, answer lost");
        }

        return Task.FromResult(new MarkReceivedResult(marked, failed));
    }

    private static string Format(SourceOrder order) => order.ChangedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + order.OrderId;

    private static (DateTimeOffset, string)? Parse(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        return (new DateTimeOffset(long.Parse(cursor.AsSpan(0, bar), CultureInfo.InvariantCulture), TimeSpan.Zero), cursor[(bar + 1)..]);
    }
}
