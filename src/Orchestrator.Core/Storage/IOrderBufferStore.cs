using Orchestrator.Intake;

namespace Orchestrator.Storage;

/// <summary>
/// The order buffer: each order taken from a source exactly once, keyed by (source, order id), with its task state.
/// </summary>
/// <remarks>Implementations enforce uniqueness in the database (a unique key), not by reading first, so two pollers racing insert an order once.</remarks>
public interface IOrderBufferStore
{
    /// <summary>Inserts orders; an order already buffered is left as it is and reported as a duplicate.</summary>
    /// <param name="orders">The orders.</param>
    /// <param name="receivedAt">When they were taken.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One outcome per order, in order.</returns>
    Task<IReadOnlyList<OrderInsertOutcome>> InsertAsync(IReadOnlyList<SourceOrder> orders, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Writes what one step of the intake produced in one transaction (one durable commit): records the orders of
    /// <see cref="OrderBufferWrite.MarkedAtSource"/> as marked at the source, then inserts <see cref="OrderBufferWrite.Orders"/>,
    /// each new one with its task (<see cref="OrderToBuffer.Flow"/>) or as FAILED held for a person
    /// (<see cref="OrderToBuffer.Error"/>). An order already buffered, or repeated earlier in the same write, is left as it is
    /// and reported as a duplicate; its task is never created twice.
    /// </summary>
    /// <param name="write">The orders to insert and the marks to record.</param>
    /// <param name="cancellationToken">Cancels the call; nothing of a cancelled write is kept.</param>
    /// <returns>One outcome per order of <see cref="OrderBufferWrite.Orders"/>, in order.</returns>
    Task<IReadOnlyList<OrderInsertOutcome>> WriteAsync(OrderBufferWrite write, CancellationToken cancellationToken);

    /// <summary>Records that orders were marked as received at their source.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="orderIds">The orders.</param>
    /// <param name="markedAt">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task SetMarkedAtSourceAsync(string source, IReadOnlyList<string> orderIds, DateTimeOffset markedAt, CancellationToken cancellationToken);

    /// <summary>Gets buffered orders not yet marked at their source (to repair after a crash), oldest first.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    Task<IReadOnlyList<BufferedOrder>> GetNotMarkedAtSourceAsync(string source, int limit, CancellationToken cancellationToken);

    /// <summary>Gets the buffered orders not yet marked at their source that one partition's repair may take, oldest write first:
    /// those of its own writes, of writes without a partition, and of other partitions' writes made before
    /// <see cref="NotMarkedQuery.OtherPartitionsBefore"/> (a live poller of another partition may be marking its recent ones).</summary>
    /// <param name="query">The source, partition and limit.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    Task<IReadOnlyList<BufferedOrder>> GetNotMarkedAtSourceAsync(NotMarkedQuery query, CancellationToken cancellationToken);

    /// <summary>Gets buffered orders that have no task yet, oldest first.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    Task<IReadOnlyList<BufferedOrder>> GetWithoutTaskAsync(string source, int limit, CancellationToken cancellationToken);

    /// <summary>Creates the tasks of buffered orders, each once, in one transaction; an order that already has a task keeps it.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="tasks">The orders and the flow the router chose for each.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many tasks were created now.</returns>
    Task<int> CreateTasksAsync(string source, IReadOnlyList<OrderTaskRequest> tasks, CancellationToken cancellationToken);

    /// <summary>Moves an order from one status to another if it is still in the first (compare and set).</summary>
    /// <param name="transition">The transition.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the order was in <see cref="OrderTransition.From"/> and moved.</returns>
    Task<bool> TransitionAsync(OrderTransition transition, CancellationToken cancellationToken);

    /// <summary>Gets failed orders whose next attempt is due and that have attempts left.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="maxAttempts">Orders with this many attempts or more are held for a person and not returned.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    Task<IReadOnlyList<BufferedOrder>> GetDueForRetryAsync(DateTimeOffset now, int maxAttempts, int limit, CancellationToken cancellationToken);

    /// <summary>Gets orders that have a task and are in a status, least recently changed first.</summary>
    /// <param name="status">The status.</param>
    /// <param name="source">Only this source, or <see langword="null"/> for all.</param>
    /// <param name="updatedBefore">Only orders not changed since this time (to find work a crash left in progress), or <see langword="null"/>.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The orders.</returns>
    Task<IReadOnlyList<BufferedOrder>> GetTasksAsync(OrderStatus status, string? source, DateTimeOffset? updatedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>Gets one buffered order.</summary>
    /// <param name="source">The source name.</param>
    /// <param name="orderId">The order.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The order, or <see langword="null"/>.</returns>
    Task<BufferedOrder?> GetAsync(string source, string orderId, CancellationToken cancellationToken);

    /// <summary>Counts buffered orders by status.</summary>
    /// <param name="source">Only this source, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of each status.</returns>
    Task<IReadOnlyDictionary<OrderStatus, long>> CountByStatusAsync(string? source, CancellationToken cancellationToken);
}

/// <summary>One durable write of the intake: orders to buffer (with their tasks) and earlier orders now marked at their source.</summary>
/// <param name="Source">The source name; every order and mark belongs to it.</param>
/// <param name="At">When: the received time of the new orders, the task time, and the time the marks are recorded.</param>
public sealed record OrderBufferWrite(string Source, DateTimeOffset At)
{
    /// <summary>Gets the orders to insert, each once by (source, order id).</summary>
    public IReadOnlyList<OrderToBuffer> Orders { get; init; } = [];

    /// <summary>Gets the intake partition making this write (its key), or <see langword="null"/>; see
    /// <see cref="IOrderBufferStore.GetNotMarkedAtSourceAsync(NotMarkedQuery, CancellationToken)"/>.</summary>
    public string? Partition { get; init; }

    /// <summary>Gets the ids of orders (buffered by an earlier, committed write) that the source has confirmed as marked received.
    /// They are recorded before the inserts, so they never reach an order of the same write; the first mark of an order is kept.</summary>
    public IReadOnlyList<string> MarkedAtSource { get; init; } = [];
}

/// <summary>Which unmarked orders a partition's repair reads.</summary>
/// <param name="Source">The source name.</param>
/// <param name="Limit">At most this many orders.</param>
public sealed record NotMarkedQuery(string Source, int Limit)
{
    /// <summary>Gets the partition whose repair reads (its key); <see langword="null"/> reads every partition's orders.</summary>
    public string? Partition { get; init; }

    /// <summary>Gets the time before which other partitions' writes are taken too (their poller is gone); when
    /// <see langword="null"/>, they are never taken.</summary>
    public DateTimeOffset? OtherPartitionsBefore { get; init; }
}

/// <summary>An order to buffer and what to do with it when it is new.</summary>
/// <param name="Order">The order as the source reported it.</param>
/// <param name="Flow">The flow the router chose: the task is created with the buffered row; <see langword="null"/> leaves the
/// order without a task (the next poll's repair routes it again).</param>
/// <param name="Error">Why the order is invalid: it is buffered as FAILED with this error, held for a person, without a task.</param>
public sealed record OrderToBuffer(SourceOrder Order, FlowType? Flow = null, string? Error = null);

/// <summary>Asks for the task of a buffered order.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Flow">The flow the router chose.</param>
public sealed record OrderTaskRequest(string OrderId, FlowType Flow);

/// <summary>Reports whether an order was inserted into the buffer.</summary>
/// <param name="Source">The source name.</param>
/// <param name="OrderId">The order.</param>
/// <param name="Inserted">True when inserted now; false when it was already buffered.</param>
public sealed record OrderInsertOutcome(string Source, string OrderId, bool Inserted);

/// <summary>Represents an order in the buffer with its task state.</summary>
/// <param name="Order">The order as the source reported it.</param>
/// <param name="Status">The task status.</param>
/// <param name="Flow">The flow, once the task exists.</param>
/// <param name="Attempts">How many times processing failed.</param>
/// <param name="LastError">The last failure, if any.</param>
/// <param name="ReceivedAt">When it was buffered.</param>
/// <param name="MarkedAtSourceAt">When it was marked at the source, if it was.</param>
/// <param name="NextAttemptAt">When a failed order is retried next, if it is.</param>
public sealed record BufferedOrder(
    SourceOrder Order,
    OrderStatus Status,
    FlowType? Flow,
    int Attempts,
    string? LastError,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? MarkedAtSourceAt,
    DateTimeOffset? NextAttemptAt);

/// <summary>Represents a compare-and-set move of an order's status.</summary>
/// <param name="Source">The source name.</param>
/// <param name="OrderId">The order.</param>
/// <param name="From">The status the order must be in.</param>
/// <param name="To">The new status.</param>
/// <param name="At">When.</param>
/// <param name="Error">The failure, when moving to <see cref="OrderStatus.Failed"/> (counts an attempt).</param>
/// <param name="NextAttemptAt">When to retry a failed order, or <see langword="null"/> to hold it for a person.</param>
public sealed record OrderTransition(
    string Source,
    string OrderId,
    OrderStatus From,
    OrderStatus To,
    DateTimeOffset At,
    string? Error = null,
    DateTimeOffset? NextAttemptAt = null);
