using Orchestrator.Stock;

namespace Orchestrator.Storage;

/// <summary>
/// The book of record: on hand, reserved and committed quantities per SKU and warehouse.
/// </summary>
/// <remarks>
/// <para>Every change carries a transaction id and is applied at most once: replaying an id changes nothing and returns
/// the position as it is, with <see cref="InventoryAdjustmentResult.Applied"/> false.</para>
/// <para>Each row carries a version that grows with every change, so a reader can ask only for what changed.</para>
/// <para>The SQLite and PostgreSQL storage packages implement it, so a host can run with no inventory system of its own;
/// a host with one implements this interface over it.</para>
/// </remarks>
public interface IInventoryStore
{
    /// <summary>Reads on hand (the quantity column), reserved and location of every SKU of the builder's warehouse into the builder.</summary>
    /// <param name="into">A builder of kind <see cref="StockSourceKind.Inventory"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The highest row version read.</returns>
    Task<long> ReadSnapshotAsync(StockSnapshotBuilder into, CancellationToken cancellationToken);

    /// <summary>Gets the position of one SKU in one warehouse.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The position, or <see langword="null"/> when the SKU has never been stocked there.</returns>
    Task<InventoryPosition?> GetPositionAsync(string warehouseId, string skuCode, CancellationToken cancellationToken);

    /// <summary>Applies a change once, keyed by its transaction id.</summary>
    /// <param name="adjustment">The change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether it was applied now, and the position after it.</returns>
    /// <exception cref="InvalidStockDataException">The change would make on hand or reserved negative, or reserve more than is on hand.</exception>
    Task<InventoryAdjustmentResult> ApplyAsync(InventoryAdjustment adjustment, CancellationToken cancellationToken);

    /// <summary>Applies many changes, each once; in one transaction where the provider allows it.</summary>
    /// <param name="adjustments">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per change, in order.</returns>
    Task<IReadOnlyList<InventoryAdjustmentResult>> ApplyManyAsync(IReadOnlyList<InventoryAdjustment> adjustments, CancellationToken cancellationToken);

    /// <summary>Returns which of the given transaction ids have been applied.</summary>
    /// <param name="transactionIds">The ids to check.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ids that were applied.</returns>
    Task<IReadOnlySet<string>> GetAppliedAsync(IReadOnlyCollection<string> transactionIds, CancellationToken cancellationToken);

    /// <summary>Reads the positions of a warehouse that changed after a version, lowest version first.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="afterVersion">Only rows with a higher version.</param>
    /// <param name="limit">At most this many rows.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The changed positions.</returns>
    Task<IReadOnlyList<InventoryPosition>> GetChangesAsync(string warehouseId, long afterVersion, int limit, CancellationToken cancellationToken);
}

/// <summary>Represents what the inventory store holds for one SKU in one warehouse.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="OnHand">Units physically held according to the book.</param>
/// <param name="Reserved">Units promised to orders and not yet shipped.</param>
/// <param name="Committed">Units shipped against reservations so far.</param>
/// <param name="Location">The location on record, if any.</param>
/// <param name="Version">Grows with every change of this row.</param>
/// <param name="UpdatedAt">When the row last changed.</param>
public sealed record InventoryPosition(string WarehouseId, string SkuCode, int OnHand, int Reserved, int Committed, string? Location, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>Gets on hand less reserved, floored at 0.</summary>
    public int Available => Math.Max(0, OnHand - Reserved);
}

/// <summary>Names the kinds of inventory change.</summary>
public enum InventoryAdjustmentKind
{
    /// <summary>Goods received: on hand grows by the quantity.</summary>
    Receive,

    /// <summary>An order reserves units: reserved grows by the quantity.</summary>
    Reserve,

    /// <summary>A reservation is cancelled: reserved shrinks by the quantity.</summary>
    ReleaseReservation,

    /// <summary>A reservation is shipped: reserved and on hand shrink, committed grows (the WES commit API).</summary>
    CommitReservation,

    /// <summary>Goods returned to stock: on hand grows (the WES restock API).</summary>
    Restock,

    /// <summary>Goods written off: on hand shrinks.</summary>
    Scrap,

    /// <summary>On hand is set to the quantity (cycle count, a WES snapshot overwrite, an auto-fix).</summary>
    SetOnHand,

    /// <summary>On hand changes by the signed quantity (a person's manual adjustment).</summary>
    ManualAdjust,
}

/// <summary>Represents one change to the inventory store.</summary>
/// <param name="TransactionId">Identifies the change; applied at most once.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Kind">The kind of change.</param>
/// <param name="Quantity">The quantity: 0 or more, except for <see cref="InventoryAdjustmentKind.ManualAdjust"/> where it is the signed change.</param>
/// <param name="Reason">Why, for people and the audit trail.</param>
/// <param name="Location">A new location to record, or <see langword="null"/> to keep the current one.</param>
public sealed record InventoryAdjustment(
    string TransactionId,
    string WarehouseId,
    string SkuCode,
    InventoryAdjustmentKind Kind,
    int Quantity,
    string? Reason = null,
    string? Location = null)
{
    /// <summary>Checks the fields that do not depend on the stored position.</summary>
    /// <exception cref="InvalidStockDataException">An id is empty or the quantity is negative where it must not be.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(TransactionId) || string.IsNullOrWhiteSpace(WarehouseId) || string.IsNullOrWhiteSpace(SkuCode))
        {
            throw new InvalidStockDataException("An inventory adjustment needs a transaction id, a warehouse id and a SKU code.", SkuCode);
        }

        if (Kind != InventoryAdjustmentKind.ManualAdjust && Quantity < 0)
        {
            throw new InvalidStockDataException($"A {Kind} adjustment cannot have a negative quantity ({Quantity}) (transaction '{TransactionId}').", SkuCode);
        }
    }
}

/// <summary>Reports the outcome of an <see cref="InventoryAdjustment"/>.</summary>
/// <param name="TransactionId">The transaction id.</param>
/// <param name="Applied">Whether it was applied now (false for a replay of an id already applied).</param>
/// <param name="Position">The position after the change.</param>
public sealed record InventoryAdjustmentResult(string TransactionId, bool Applied, InventoryPosition Position);
