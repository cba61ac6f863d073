namespace Orchestrator.Reconciliation;

/// <summary>Names the kinds of Inventory ↔ WES discrepancy (seed 000).</summary>
public enum DiscrepancyType
{
    /// <summary>The WES counts a different quantity than the inventory store (数量差異).</summary>
    Quantity,

    /// <summary>The quantities agree but the WES location differs from the one on record (儲位差異).</summary>
    Location,

    /// <summary>The WES confirmed a pick or shipment that the inventory store has not committed (任務差異).</summary>
    Task,

    /// <summary>The WES recorded a return or a scrap that the inventory store has not applied (回庫/報廢差異).</summary>
    ReturnOrScrap,
}

/// <summary>Names the states of a logged discrepancy.</summary>
public enum DiscrepancyStatus
{
    /// <summary>Not yet resolved.</summary>
    Open,

    /// <summary>Resolved by a person or by an automatic fix.</summary>
    Resolved,
}

/// <summary>
/// Represents one row of the StockDiscrepancyLog: a difference between the inventory store and the WES for one SKU in one warehouse.
/// </summary>
/// <param name="TransactionId">Identifies the detection; every fix applied for it carries an id derived from it, so replays change nothing.</param>
/// <param name="Type">The kind of discrepancy.</param>
/// <param name="SkuCode">The SKU (sku_code).</param>
/// <param name="WarehouseId">The warehouse (warehouse_id).</param>
/// <param name="InventoryQty">The inventory store's on hand (inventory_qty).</param>
/// <param name="WesQty">The WES on hand (wes_qty).</param>
/// <param name="DetectedAt">When it was detected (detected_at).</param>
/// <param name="InventoryLocation">The location on record in the inventory store.</param>
/// <param name="WesLocation">The location the WES reports.</param>
/// <param name="ExplainedQuantity">The part of the difference explained by WES movements the inventory store has not applied.</param>
public sealed record StockDiscrepancy(
    string TransactionId,
    DiscrepancyType Type,
    string SkuCode,
    string WarehouseId,
    int InventoryQty,
    int WesQty,
    DateTimeOffset DetectedAt,
    string? InventoryLocation = null,
    string? WesLocation = null,
    int ExplainedQuantity = 0)
{
    /// <summary>Gets the store's id of the log row, or 0 before it is stored.</summary>
    public long Id { get; init; }

    /// <summary>Gets the difference, WES minus inventory (discrepancy): negative when the book shows more than the shelf.</summary>
    public int Discrepancy => WesQty - InventoryQty;

    /// <summary>Gets the difference as a percentage of the larger of the two quantities (0 when both are 0, 100 when one is 0).</summary>
    public decimal DiscrepancyPercent => DiscrepancyMath.Percent(InventoryQty, WesQty);

    /// <summary>Gets the status (status).</summary>
    public DiscrepancyStatus Status { get; init; } = DiscrepancyStatus.Open;

    /// <summary>Gets who resolved it (resolved_by): a person, or <c>orchestrator</c> for an automatic fix.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>Gets when it was resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Gets a note (note).</summary>
    public string? Note { get; init; }
}

/// <summary>Computes the relative size of a difference.</summary>
public static class DiscrepancyMath
{
    /// <summary>Returns |a − b| as a percentage of the larger of the two, rounded to two decimals; 0 when both are 0.</summary>
    /// <param name="inventoryQty">One quantity.</param>
    /// <param name="wesQty">The other quantity.</param>
    /// <returns>The percentage, 0 to 100 for non-negative inputs.</returns>
    public static decimal Percent(int inventoryQty, int wesQty)
    {
        var larger = Math.Max(Math.Abs((long)inventoryQty), Math.Abs((long)wesQty));
        if (larger == 0)
        {
            return 0m;
        }

        return Math.Round(Math.Abs((long)wesQty - inventoryQty) * 100m / larger, 2, MidpointRounding.AwayFromZero);
    }
}
