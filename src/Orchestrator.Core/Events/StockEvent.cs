namespace Orchestrator.Events;

/// <summary>Names the stock events a host accepts (seed 002's event triggers of WF-INV-001).</summary>
public enum StockEventType
{
    /// <summary><c>order.completed</c>: an order shipped, so the SKUs it held changed.</summary>
    OrderCompleted,

    /// <summary><c>inventory.received</c>: goods were received into the warehouse.</summary>
    InventoryReceived,

    /// <summary><c>inventory.manual_adjust</c>: an operator set a SKU's on-hand quantity in the Inventory system (Inventory → WES).</summary>
    InventoryManualAdjust,
}

/// <summary>One SKU a stock event touches.</summary>
/// <param name="SkuCode">The SKU code.</param>
/// <param name="Quantity">The quantity of the line: shipped, received, or for a manual adjustment the new on-hand quantity. Never negative.</param>
public sealed record StockEventLine(string SkuCode, int Quantity);

/// <summary>A stock event, already authenticated and parsed by whoever received it (for example the dashboard's event endpoints).</summary>
/// <param name="EventId">The sender's unique id of the event; it is the transaction id of any stock change it makes, so a replay changes nothing.</param>
/// <param name="Type">The event type.</param>
/// <param name="WarehouseId">The warehouse the event happened in.</param>
/// <param name="Lines">The SKUs it touches; at least one, each SKU once.</param>
/// <param name="OccurredAt">When the sender says it happened.</param>
public sealed record StockEvent(string EventId, StockEventType Type, string WarehouseId, IReadOnlyList<StockEventLine> Lines, DateTimeOffset OccurredAt);

/// <summary>What became of an accepted stock event.</summary>
/// <param name="EventId">The event id.</param>
/// <param name="Duplicate">Whether the event was seen before, so nothing was done again.</param>
/// <param name="SkusToSync">How many SKUs were queued for a channel sync.</param>
public sealed record StockEventReceipt(string EventId, bool Duplicate, int SkusToSync);

/// <summary>Takes stock events in: applies what they change (by the event id, once) and asks for a sync of the SKUs they touch.</summary>
/// <remarks>The hosting package implements it; receivers such as the dashboard's event endpoints authenticate and parse, then call it.</remarks>
public interface IStockEventSink
{
    /// <summary>Accepts one event. Returns once the event is durably recorded; the sync it asks for runs later, coalesced with others.</summary>
    /// <param name="stockEvent">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What became of it.</returns>
    /// <exception cref="InvalidStockDataException">The event can never be applied (no lines, a negative quantity, a SKU twice, an unknown warehouse or SKU).</exception>
    Task<StockEventReceipt> AcceptAsync(StockEvent stockEvent, CancellationToken cancellationToken);
}

/// <summary>Asks the host's workflows to run now instead of waiting for their schedule.</summary>
/// <remarks>Requests are coalesced: asking while a run is queued adds to it rather than starting another; a run never overlaps itself.</remarks>
public interface IOrchestratorTriggers
{
    /// <summary>Asks for a WF-INV-001 channel sync.</summary>
    /// <param name="reason">Why, recorded as the run's trigger: <c>manual</c>, an event name, …</param>
    /// <param name="skuCodes">Only these SKUs, or <see langword="null"/> for the whole catalog.</param>
    /// <param name="cancellationToken">Cancels the request (not the run).</param>
    /// <returns>A task that completes when the request is queued.</returns>
    Task RequestChannelSyncAsync(string reason, IReadOnlyCollection<string>? skuCodes, CancellationToken cancellationToken);

    /// <summary>Asks for an Inventory ↔ WES reconciliation, which also resyncs reconciliation tasks that were counted.</summary>
    /// <param name="reason">Why, recorded as the run's trigger.</param>
    /// <param name="cancellationToken">Cancels the request (not the run).</param>
    /// <returns>A task that completes when the request is queued.</returns>
    Task RequestReconciliationAsync(string reason, CancellationToken cancellationToken);
}
