namespace Orchestrator.Intake;

/// <summary>
/// A system the orchestrator polls for new orders: an order database, or a channel's order API.
/// </summary>
/// <remarks>
/// Pages are read with a keyset cursor (changed-at, order id) so that no order is skipped when others are inserted while
/// paging. A page that fails throws; it is never reported as an empty page.
/// </remarks>
public interface IOrderSource
{
    /// <summary>Gets the source name; with the order id it keys the order buffer.</summary>
    string Name { get; }

    /// <summary>Reads one page of orders changed in a window.</summary>
    /// <param name="query">The partition, window, cursor and page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken);

    /// <summary>Marks orders as received (in progress) at the source. Marking an order twice is harmless.</summary>
    /// <param name="orderIds">The orders to mark.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Which orders were marked and which were not.</returns>
    Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken);
}

/// <summary>Selects one page of orders.</summary>
/// <param name="Partition">The partition (a warehouse, a created-time slice, or <see cref="OrderPartition.All"/>).</param>
/// <param name="From">The start of the changed-at window (inclusive).</param>
/// <param name="To">The end of the changed-at window (exclusive).</param>
/// <param name="Cursor">The cursor returned with the previous page, or <see langword="null"/> for the first page.</param>
/// <param name="PageSize">The most orders to return.</param>
public sealed record OrderQuery(OrderPartition Partition, DateTimeOffset From, DateTimeOffset To, string? Cursor, int PageSize);

/// <summary>Identifies a slice of a source that one poller handles.</summary>
/// <param name="Key">The partition key, for example a warehouse id; <c>*</c> for the whole source.</param>
/// <param name="WarehouseId">Only orders of this warehouse, or <see langword="null"/>.</param>
public sealed record OrderPartition(string Key, string? WarehouseId = null)
{
    /// <summary>Gets the partition that covers the whole source.</summary>
    public static OrderPartition All { get; } = new("*");
}

/// <summary>Represents one page of orders.</summary>
/// <param name="Orders">The orders, in (changed-at, order id) order.</param>
/// <param name="NextCursor">The cursor of the next page, or <see langword="null"/> when this was the last page.</param>
/// <param name="TraceId">The source's trace id for the request, for gap reports.</param>
public sealed record OrderPage(IReadOnlyList<SourceOrder> Orders, string? NextCursor, string? TraceId = null)
{
    /// <summary>Gets a value indicating whether more pages follow.</summary>
    public bool HasMore => NextCursor is not null;
}

/// <summary>Represents an order as the source reported it.</summary>
/// <param name="Source">The source name.</param>
/// <param name="OrderId">The source's order id; unique within the source.</param>
/// <param name="CreatedAt">When the order was created.</param>
/// <param name="ChangedAt">When the order last changed at the source (the polling key).</param>
/// <param name="Status">The source's status text.</param>
/// <param name="WarehouseId">The fulfilling warehouse, when known.</param>
/// <param name="Lines">The order lines.</param>
/// <param name="Attributes">Other fields the flow router may use (channel, customer type, …).</param>
public sealed record SourceOrder(
    string Source,
    string OrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ChangedAt,
    string Status,
    string? WarehouseId,
    IReadOnlyList<OrderLine> Lines,
    IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>Represents one line of an order.</summary>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Quantity">The quantity ordered; more than 0.</param>
public sealed record OrderLine(string SkuCode, int Quantity);

/// <summary>Reports which orders a source marked as received.</summary>
/// <param name="Marked">The orders marked (including ones that already were).</param>
/// <param name="Failed">The orders not marked, with the reason.</param>
public sealed record MarkReceivedResult(IReadOnlyList<string> Marked, IReadOnlyList<MarkFailure> Failed);

/// <summary>Represents an order a source did not mark.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Reason">Why.</param>
/// <param name="IsTransient">Whether retrying later may succeed.</param>
public sealed record MarkFailure(string OrderId, string Reason, bool IsTransient);

/// <summary>Names the two fulfilment flows an order can be routed to.</summary>
public enum FlowType
{
    /// <summary>Flow A.</summary>
    A,

    /// <summary>Flow B.</summary>
    B,
}

/// <summary>Decides which flow an order goes to.</summary>
public interface IFlowRouter
{
    /// <summary>Routes an order.</summary>
    /// <param name="order">The order.</param>
    /// <returns>The flow.</returns>
    FlowType Route(SourceOrder order);
}

/// <summary>Names the states of a buffered order and its task.</summary>
public enum OrderStatus
{
    /// <summary>Buffered, not yet processed.</summary>
    New,

    /// <summary>Being processed.</summary>
    InProgress,

    /// <summary>Done.</summary>
    Completed,

    /// <summary>Failed; retried with backoff, then held for a person.</summary>
    Failed,
}
