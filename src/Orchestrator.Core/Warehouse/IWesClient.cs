using Orchestrator.Stock;

namespace Orchestrator.Warehouse;

/// <summary>
/// Connects the orchestrator to the warehouse execution system (WES): the physical truth of what is on the shelf.
/// </summary>
/// <remarks>
/// Every write carries a transaction id and the WES applies it at most once: replaying the same id returns the first
/// result with <see cref="WesOperationResult.Replayed"/> set. Failures map to <see cref="WarehouseApiException"/> (ERR-INV-004).
/// </remarks>
public interface IWesClient
{
    /// <summary>Reads the stock of a warehouse (on hand, reserved, location per SKU), page by page, straight into the builder.</summary>
    /// <param name="into">A builder of kind <see cref="StockSourceKind.Warehouse"/> for the warehouse to read.</param>
    /// <param name="request">Which SKUs to read and since when.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the WES said about the snapshot (its version high-water mark, for incremental reads).</returns>
    /// <exception cref="WarehouseApiException">The WES failed after the client's retries, or answered with a body the client could not read.</exception>
    Task<WesSnapshotInfo> ReadSnapshotAsync(StockSnapshotBuilder into, WesSnapshotRequest request, CancellationToken cancellationToken);

    /// <summary>Confirms a pick or shipment: deducts on hand and releases the reservation.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    Task<WesOperationResult> CommitAsync(WesStockOperation operation, CancellationToken cancellationToken);

    /// <summary>Returns goods to stock.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    Task<WesOperationResult> RestockAsync(WesStockOperation operation, CancellationToken cancellationToken);

    /// <summary>Writes goods off as scrap.</summary>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    Task<WesOperationResult> ScrapAsync(WesStockOperation operation, CancellationToken cancellationToken);

    /// <summary>Sets the absolute on-hand quantity of a SKU (manual adjustment, cycle count).</summary>
    /// <param name="update">The update.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    Task<WesOperationResult> SetStockAsync(WesStockUpdate update, CancellationToken cancellationToken);

    /// <summary>Reads the stock movements (commits, restocks, scraps, adjustments) the WES recorded in a time window.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="windowStart">The start of the window (inclusive).</param>
    /// <param name="windowEnd">The end of the window (exclusive).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The movements, oldest first.</returns>
    IAsyncEnumerable<WesMovement> ReadMovementsAsync(string warehouseId, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken);
}

/// <summary>Selects what <see cref="IWesClient.ReadSnapshotAsync"/> reads.</summary>
/// <param name="SkuCodes">Only these SKUs, or <see langword="null"/> for all.</param>
/// <param name="UpdatedSinceVersion">Only rows changed after this version (incremental sync), or <see langword="null"/> for all.</param>
public sealed record WesSnapshotRequest(IReadOnlyCollection<string>? SkuCodes = null, long? UpdatedSinceVersion = null)
{
    /// <summary>Gets a request for every SKU.</summary>
    public static WesSnapshotRequest All { get; } = new();
}

/// <summary>Describes a snapshot the WES returned.</summary>
/// <param name="HighestVersion">The highest row version seen, for the next incremental read; <see langword="null"/> when the WES has no versions.</param>
/// <param name="Pages">How many pages were read.</param>
public sealed record WesSnapshotInfo(long? HighestVersion, int Pages);

/// <summary>Represents one line of a WES stock operation.</summary>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Quantity">The quantity; more than 0.</param>
/// <param name="Location">The location, when it matters.</param>
public sealed record WesLine(string SkuCode, int Quantity, string? Location = null);

/// <summary>Represents a commit, restock or scrap sent to the WES.</summary>
/// <param name="TransactionId">Identifies the operation; the WES applies each id once.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="Lines">The lines.</param>
/// <param name="Reference">An order number or reason, for people.</param>
public sealed record WesStockOperation(string TransactionId, string WarehouseId, IReadOnlyList<WesLine> Lines, string? Reference = null);

/// <summary>Represents an absolute on-hand quantity sent to the WES.</summary>
/// <param name="TransactionId">Identifies the update; the WES applies each id once.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="OnHand">The new on-hand quantity; 0 or more.</param>
/// <param name="ExpectedVersion">Applies only if the row is still at this version, or <see langword="null"/>.</param>
/// <param name="Reason">Why, for people.</param>
public sealed record WesStockUpdate(string TransactionId, string WarehouseId, string SkuCode, int OnHand, long? ExpectedVersion = null, string? Reason = null);

/// <summary>Reports the outcome of a WES write.</summary>
/// <param name="TransactionId">The transaction id.</param>
/// <param name="Replayed">Whether the WES had already applied this id and returned the first result.</param>
public sealed record WesOperationResult(string TransactionId, bool Replayed);

/// <summary>Names the kinds of stock movement a WES records.</summary>
public enum WesMovementKind
{
    /// <summary>A pick or shipment was confirmed: on hand went down and the reservation should be committed.</summary>
    Commit,

    /// <summary>Goods went back to stock: on hand went up.</summary>
    Restock,

    /// <summary>Goods were written off: on hand went down.</summary>
    Scrap,

    /// <summary>On hand was set or corrected (cycle count, manual adjustment).</summary>
    Adjust,
}

/// <summary>Represents a stock movement recorded by the WES.</summary>
/// <param name="TransactionId">The WES transaction id; the inventory store applies each once.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Kind">The kind of movement.</param>
/// <param name="Quantity">The quantity moved (for <see cref="WesMovementKind.Adjust"/>, the signed change).</param>
/// <param name="OccurredAt">When the WES recorded it.</param>
public sealed record WesMovement(string TransactionId, string WarehouseId, string SkuCode, WesMovementKind Kind, int Quantity, DateTimeOffset OccurredAt)
{
    /// <summary>Gets how the movement changed on hand in the WES: negative for commits and scraps, positive for restocks.</summary>
    public int OnHandDelta => Kind switch
    {
        WesMovementKind.Commit or WesMovementKind.Scrap => -Quantity,
        _ => Quantity,
    };
}
