using System.Runtime.CompilerServices;
using Orchestrator.Stock;
using Orchestrator.Warehouse;

namespace Orchestrator.Simulation.Tests;

/// <summary>A simulated WES: on hand and reserved per SKU, a movement log, idempotent writes by transaction id, and faults.</summary>
internal sealed class SimWes(Faults faults, TimeProvider time, string warehouseId) : IWesClient
{
    private readonly Random _random = faults.For("wes");
    private readonly Dictionary<string, (int OnHand, int Reserved)> _stock = new(StringComparer.Ordinal);
    private readonly List<WesMovement> _movements = [];
    private readonly HashSet<string> _applied = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string WarehouseId { get; } = warehouseId;

    public IReadOnlyCollection<string> Skus => _stock.Keys;

    public int Writes { get; private set; }

    public IReadOnlyList<WesMovement> Movements
    {
        get
        {
            lock (_lock)
            {
                return _movements.ToList();
            }
        }
    }

    public void Seed(string sku, int onHand, int reserved)
    {
        lock (_lock)
        {
            _stock[sku] = (onHand, reserved);
        }
    }

    public (int OnHand, int Reserved) Get(string sku)
    {
        lock (_lock)
        {
            return _stock[sku];
        }
    }

    /// <summary>A business event in the warehouse (not a fault): a shipment, a receipt, a scrap, or a reservation change.</summary>
    public void Move(string tx, string sku, WesMovementKind kind, int quantity)
    {
        lock (_lock)
        {
            var (onHand, reserved) = _stock[sku];
            var delta = new WesMovement(tx, WarehouseId, sku, kind, quantity, time.GetUtcNow()).OnHandDelta;
            if (onHand + delta < 0)
            {
                return;
            }

            _stock[sku] = (onHand + delta, Math.Min(reserved, onHand + delta));
            _movements.Add(new WesMovement(tx, WarehouseId, sku, kind, quantity, time.GetUtcNow()));
            _applied.Add(tx);
        }
    }

    public void SetReserved(string sku, int reserved)
    {
        lock (_lock)
        {
            var (onHand, _) = _stock[sku];
            _stock[sku] = (onHand, Math.Min(reserved, onHand));
        }
    }

    public Task<WesSnapshotInfo> ReadSnapshotAsync(StockSnapshotBuilder into, WesSnapshotRequest request, CancellationToken cancellationToken)
    {
        Call("wes.snapshot", read: true, cancellationToken);
        lock (_lock)
        {
            foreach (var (sku, (onHand, reserved)) in _stock)
            {
                if (request.SkuCodes is { } only && !only.Contains(sku))
                {
                    continue;
                }

                var ordinal = into.Set(sku, onHand);
                into.SetReserved(ordinal, reserved);
            }
        }

        return Task.FromResult(new WesSnapshotInfo(null, 1));
    }

    public Task<WesOperationResult> CommitAsync(WesStockOperation operation, CancellationToken cancellationToken) => Operate(operation, WesMovementKind.Commit, cancellationToken);

    public Task<WesOperationResult> RestockAsync(WesStockOperation operation, CancellationToken cancellationToken) => Operate(operation, WesMovementKind.Restock, cancellationToken);

    public Task<WesOperationResult> ScrapAsync(WesStockOperation operation, CancellationToken cancellationToken) => Operate(operation, WesMovementKind.Scrap, cancellationToken);

    public Task<WesOperationResult> SetStockAsync(WesStockUpdate update, CancellationToken cancellationToken)
    {
        var lost = Call("wes.set-stock", read: false, cancellationToken);
        bool replayed;
        lock (_lock)
        {
            replayed = !_applied.Add(update.TransactionId);
            if (!replayed)
            {
                var (onHand, reserved) = _stock[update.SkuCode];
                _movements.Add(new WesMovement(update.TransactionId, WarehouseId, update.SkuCode, WesMovementKind.Adjust, update.OnHand - onHand, time.GetUtcNow()));
                _stock[update.SkuCode] = (update.OnHand, Math.Min(reserved, update.OnHand));
                Writes++;
            }
        }

        if (lost)
        {
            throw new WarehouseApiException(ChannelFailureKind.Timeout, "simulated: the set-stock was applied but its answer was lost");
        }

        return Task.FromResult(new WesOperationResult(update.TransactionId, replayed));
    }

    public async IAsyncEnumerable<WesMovement> ReadMovementsAsync(string warehouseId, DateTimeOffset windowStart, DateTimeOffset windowEnd, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        Call("wes.movements", read: true, cancellationToken);
        List<WesMovement> page;
        lock (_lock)
        {
            page = _movements.Where(m => m.OccurredAt >= windowStart && m.OccurredAt < windowEnd).ToList();
        }

        if (faults.Chance(_random, faults.Intensity))
        {
            faults.Count(FaultKind.OutOfOrder);
            page = page.OrderBy(_ => _random.Next()).ToList();
        }

        if (page.Count > 0 && faults.Chance(_random, faults.Intensity))
        {
            faults.Count(FaultKind.Duplicate);
            page.Insert(_random.Next(page.Count + 1), page[_random.Next(page.Count)]);
        }

        foreach (var movement in page)
        {
            yield return movement;
        }
    }

    private Task<WesOperationResult> Operate(WesStockOperation operation, WesMovementKind kind, CancellationToken cancellationToken)
    {
        var lost = Call("wes." + kind, read: false, cancellationToken);
        var replayed = false;
        foreach (var line in operation.Lines)
        {
            lock (_lock)
            {
                replayed = _applied.Contains(operation.TransactionId);
            }

            if (!replayed)
            {
                Move(operation.TransactionId, line.SkuCode, kind, line.Quantity);
            }
        }

        if (lost)
        {
            throw new WarehouseApiException(ChannelFailureKind.Timeout, "simulated: applied, answer lost");
        }

        return Task.FromResult(new WesOperationResult(operation.TransactionId, replayed));
    }

    /// <summary>A call's fault point; returns true when a write must be applied and its answer then lost.</summary>
    private bool Call(string where, bool read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        faults.Point(where);
        FaultKind? fault;
        lock (_random)
        {
            fault = faults.Transient(_random);
        }

        return fault switch
        {
            FaultKind.Timeout => throw new WarehouseApiException(ChannelFailureKind.Timeout, "simulated WES timeout"),
            FaultKind.ServerError => throw new WarehouseApiException(ChannelFailureKind.Unavailable, "simulated WES 503", 503),
            FaultKind.RateLimited => throw new WarehouseApiException(ChannelFailureKind.RateLimited, "simulated WES 429", 429),
            FaultKind.ResponseLost when read => throw new WarehouseApiException(ChannelFailureKind.Timeout, "simulated WES answer lost"),
            FaultKind.ResponseLost => true,
            _ => false,
        };
    }
}
