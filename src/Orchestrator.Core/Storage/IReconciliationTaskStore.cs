namespace Orchestrator.Storage;

/// <summary>
/// Stock Reconciliation Tasks (seed 000): cycle counts assigned to warehouse operators when a discrepancy lasts over its threshold.
/// </summary>
public interface IReconciliationTaskStore
{
    /// <summary>Creates a task, unless the SKU already has an open task in the warehouse.</summary>
    /// <param name="task">The task.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The open task of the SKU: the new one, or the one that already existed.</returns>
    Task<ReconciliationTask> CreateAsync(ReconciliationTask task, CancellationToken cancellationToken);

    /// <summary>Gets a task.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The task, or <see langword="null"/>.</returns>
    Task<ReconciliationTask?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Gets tasks by status, oldest first.</summary>
    /// <param name="status">The status, or <see langword="null"/> for every task not closed.</param>
    /// <param name="warehouseId">Only this warehouse, or <see langword="null"/>.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tasks.</returns>
    Task<IReadOnlyList<ReconciliationTask>> ListAsync(ReconciliationTaskStatus? status, string? warehouseId, int limit, CancellationToken cancellationToken);

    /// <summary>Records the counted quantity of an open task; the task becomes <see cref="ReconciliationTaskStatus.Counted"/>.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="countedQty">The quantity counted on the shelf.</param>
    /// <param name="countedBy">Who counted.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The task after the call, or <see langword="null"/> when it was not open.</returns>
    Task<ReconciliationTask?> RecordCountAsync(long id, int countedQty, string countedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks a counted task as resynced (both systems set to the count), closing it.</summary>
    /// <param name="id">The task id.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the task was counted and is now closed.</returns>
    Task<bool> MarkResyncedAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Names the states of a reconciliation task.</summary>
public enum ReconciliationTaskStatus
{
    /// <summary>Waiting for a count.</summary>
    Open,

    /// <summary>Counted; the resync has not run yet.</summary>
    Counted,

    /// <summary>Both systems were set to the count.</summary>
    Resynced,
}

/// <summary>Represents a Stock Reconciliation Task.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="InventoryQty">The inventory store's quantity when the task was raised.</param>
/// <param name="WesQty">The WES quantity when the task was raised.</param>
/// <param name="DiscrepancyTransactionId">The detection that raised it.</param>
/// <param name="CreatedAt">When it was raised.</param>
public sealed record ReconciliationTask(string WarehouseId, string SkuCode, int InventoryQty, int WesQty, string DiscrepancyTransactionId, DateTimeOffset CreatedAt)
{
    /// <summary>Gets the store's id, or 0 before it is stored.</summary>
    public long Id { get; init; }

    /// <summary>Gets the status.</summary>
    public ReconciliationTaskStatus Status { get; init; } = ReconciliationTaskStatus.Open;

    /// <summary>Gets the counted quantity, once counted.</summary>
    public int? CountedQty { get; init; }

    /// <summary>Gets who counted.</summary>
    public string? CountedBy { get; init; }

    /// <summary>Gets when it was counted.</summary>
    public DateTimeOffset? CountedAt { get; init; }

    /// <summary>Gets when it was resynced.</summary>
    public DateTimeOffset? ResyncedAt { get; init; }
}
