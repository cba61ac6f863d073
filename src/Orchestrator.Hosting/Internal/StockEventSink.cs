using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Events;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Hosting.Internal;

/// <summary>
/// Takes stock events in: <c>order.completed</c> and <c>inventory.received</c> ask for a sync of their SKUs; <c>inventory.manual_adjust</c>
/// sets the inventory store's on hand (transaction id = the event id), sends the new on hand to the WES through the pending-sync queue,
/// then asks for a sync of its SKUs.
/// </summary>
internal sealed class StockEventSink(OrchestratorRuntime runtime, Workflows workflows, IOrchestratorTriggers triggers) : IStockEventSink
{
    public async Task<StockEventReceipt> AcceptAsync(StockEvent stockEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stockEvent);
        try
        {
            await ValidateAsync(stockEvent, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidStockDataException ex)
        {
            Log.EventRefused(runtime.Logger, stockEvent.EventId ?? "(none)", stockEvent.Type.ToString(), ex.Message);
            throw;
        }

        var skus = stockEvent.Lines.Select(l => l.SkuCode).ToArray();
        var duplicate = false;
        if (stockEvent.Type == StockEventType.InventoryManualAdjust)
        {
            duplicate = await ApplyManualAdjustAsync(stockEvent, cancellationToken).ConfigureAwait(false);
        }

        await triggers.RequestChannelSyncAsync(EventName(stockEvent.Type), skus, cancellationToken).ConfigureAwait(false);
        Log.EventAccepted(runtime.Logger, stockEvent.EventId, EventName(stockEvent.Type), skus.Length, duplicate);
        return new StockEventReceipt(stockEvent.EventId, duplicate, skus.Length);
    }

    /// <summary>The transaction id of one line: the event id, with <c>:{sku}</c> when the event has more than one line.</summary>
    internal static string TransactionId(StockEvent stockEvent, StockEventLine line) =>
        stockEvent.Lines.Count == 1 ? stockEvent.EventId : $"{stockEvent.EventId}:{line.SkuCode}";

    internal static string EventName(StockEventType type) => type switch
    {
        StockEventType.OrderCompleted => "order.completed",
        StockEventType.InventoryReceived => "inventory.received",
        StockEventType.InventoryManualAdjust => "inventory.manual_adjust",
        _ => throw new InvalidStockDataException($"Unknown stock event type {type}."),
    };

    private async Task<bool> ApplyManualAdjustAsync(StockEvent stockEvent, CancellationToken cancellationToken)
    {
        var sp = runtime.Services;
        var inventory = sp.GetRequiredService<IInventoryStore>();
        var adjustments = stockEvent.Lines.Select(l => new InventoryAdjustment(TransactionId(stockEvent, l), stockEvent.WarehouseId, l.SkuCode,
            InventoryAdjustmentKind.SetOnHand, l.Quantity, "inventory.manual_adjust")).ToList();
        var results = await inventory.ApplyManyAsync(adjustments, cancellationToken).ConfigureAwait(false);

        // Inventory → WES: recorded in the queue under the same transaction id (a replay adds nothing), then sent now if the WES answers;
        // otherwise the pending-sync worker retries it. The WES records it as an adjust movement the inventory store already knows.
        var worker = workflows.PendingSyncWorker();
        foreach (var line in stockEvent.Lines)
        {
            await worker.PushToWesAsync(new WesStockUpdate(TransactionId(stockEvent, line), stockEvent.WarehouseId, line.SkuCode, line.Quantity, Reason: "inventory.manual_adjust"), cancellationToken).ConfigureAwait(false);
        }

        return results.All(r => !r.Applied);
    }

    private async Task ValidateAsync(StockEvent e, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(e.EventId))
        {
            throw new InvalidStockDataException("A stock event needs an event id.");
        }

        if (!Enum.IsDefined(e.Type))
        {
            throw new InvalidStockDataException($"Stock event {e.EventId} has an unknown type ({(int)e.Type}).");
        }

        if (!string.Equals(e.WarehouseId, runtime.Options.WarehouseId, StringComparison.Ordinal))
        {
            throw new InvalidStockDataException($"Stock event {e.EventId} is for warehouse '{e.WarehouseId}', which this host does not serve ('{runtime.Options.WarehouseId}').");
        }

        if (e.Lines is null || e.Lines.Count == 0)
        {
            throw new InvalidStockDataException($"Stock event {e.EventId} has no lines.");
        }

        var catalog = await workflows.CatalogAsync(cancellationToken).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in e.Lines)
        {
            if (line is null || string.IsNullOrWhiteSpace(line.SkuCode))
            {
                throw new InvalidStockDataException($"Stock event {e.EventId} has a line without a SKU code.");
            }

            if (line.Quantity < 0)
            {
                throw new InvalidStockDataException($"Stock event {e.EventId}: SKU {line.SkuCode} has a negative quantity ({line.Quantity}).", line.SkuCode);
            }

            if (!seen.Add(line.SkuCode))
            {
                throw new InvalidStockDataException($"Stock event {e.EventId}: SKU {line.SkuCode} appears twice.", line.SkuCode);
            }

            if (!catalog.TryGetOrdinal(line.SkuCode, out _))
            {
                throw new InvalidStockDataException($"Stock event {e.EventId}: SKU {line.SkuCode} is not in the listings catalog.", line.SkuCode);
            }
        }
    }
}
