using Orchestrator.Stock;
using Orchestrator.Warehouse;

namespace Orchestrator.Reconciliation;

/// <summary>
/// Compares the inventory store with the WES for one warehouse and classifies every difference (seed 000):
/// quantity, location, task (a WES pick the inventory has not committed) and return/scrap.
/// </summary>
/// <remarks>
/// <para>A SKU one side does not report counts as 0 on that side. A SKU both sides report as 0, or neither reports, is not a discrepancy.</para>
/// <para>WES movements the inventory store has not applied explain part of a difference: commits make it a
/// <see cref="DiscrepancyType.Task"/>, restocks and scraps a <see cref="DiscrepancyType.ReturnOrScrap"/>. An unapplied commit is a
/// task discrepancy even when the quantities happen to agree, because the reservation is still open.</para>
/// </remarks>
public static class DiscrepancyClassifier
{
    /// <summary>Classifies the differences between an inventory snapshot and a WES snapshot.</summary>
    /// <param name="inventory">The inventory store's snapshot (<see cref="StockSourceKind.Inventory"/>).</param>
    /// <param name="wes">The WES snapshot (<see cref="StockSourceKind.Warehouse"/>) of the same warehouse and catalog.</param>
    /// <param name="unappliedMovements">WES movements of this warehouse that the inventory store has not applied.</param>
    /// <param name="runId">The detection run; with the warehouse and SKU it makes each discrepancy's transaction id.</param>
    /// <param name="detectedAt">When the comparison ran.</param>
    /// <returns>One discrepancy per SKU that differs, in ordinal order.</returns>
    /// <exception cref="DataMismatchException">The snapshots are of the wrong kinds, of different warehouses or of different catalogs, or a movement is of another warehouse.</exception>
    public static IReadOnlyList<StockDiscrepancy> Classify(
        StockSnapshot inventory,
        StockSnapshot wes,
        IReadOnlyCollection<WesMovement> unappliedMovements,
        string runId,
        DateTimeOffset detectedAt)
    {
        ArgumentNullException.ThrowIfNull(inventory);
        ArgumentNullException.ThrowIfNull(wes);
        ArgumentNullException.ThrowIfNull(unappliedMovements);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        Validate(inventory, wes);

        var pending = GroupMovements(wes, unappliedMovements);
        var result = new List<StockDiscrepancy>();
        var inv = inventory.Quantities;
        var wesQty = wes.Quantities;
        // A movement may name a SKU neither snapshot reports; it was added to the catalog while grouping.
        var length = Math.Max(Math.Max(inv.Length, wesQty.Length), inventory.Catalog.Count);
        for (var ordinal = 0; ordinal < length; ordinal++)
        {
            var i = ordinal < inv.Length ? Math.Max(inv[ordinal], 0) : 0;
            var w = ordinal < wesQty.Length ? Math.Max(wesQty[ordinal], 0) : 0;
            var hasPending = pending.TryGetValue(ordinal, out var movements);
            string? invLocation = null;
            string? wesLocation = null;
            var locationDiffers = false;
            if (i == w && !hasPending)
            {
                invLocation = inventory.GetLocation(ordinal);
                wesLocation = wes.GetLocation(ordinal);
                locationDiffers = w > 0 && invLocation is not null && wesLocation is not null && !string.Equals(invLocation, wesLocation, StringComparison.Ordinal);
                if (!locationDiffers)
                {
                    continue;
                }
            }
            else
            {
                invLocation = inventory.GetLocation(ordinal);
                wesLocation = wes.GetLocation(ordinal);
            }

            var type = DiscrepancyType.Quantity;
            var explained = 0;
            if (hasPending)
            {
                explained = movements.Delta;
                type = movements.HasCommit ? DiscrepancyType.Task
                    : movements.HasReturnOrScrap ? DiscrepancyType.ReturnOrScrap
                    : DiscrepancyType.Quantity;
            }
            else if (locationDiffers)
            {
                type = DiscrepancyType.Location;
            }

            var sku = inventory.Catalog.GetCode(ordinal);
            result.Add(new StockDiscrepancy(
                TransactionIdFor(runId, inventory.WarehouseId, sku),
                type,
                sku,
                inventory.WarehouseId,
                i,
                w,
                detectedAt,
                invLocation,
                wesLocation,
                explained));
        }

        return result;
    }

    /// <summary>Builds the transaction id of a detection: <c>{runId}:{warehouseId}:{skuCode}</c>.</summary>
    /// <param name="runId">The detection run.</param>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <returns>The transaction id.</returns>
    public static string TransactionIdFor(string runId, string warehouseId, string skuCode) => $"{runId}:{warehouseId}:{skuCode}";

    private static void Validate(StockSnapshot inventory, StockSnapshot wes)
    {
        if (inventory.Kind != StockSourceKind.Inventory)
        {
            throw new DataMismatchException($"'{inventory.Source}' is a {inventory.Kind} snapshot; expected the inventory store's.");
        }

        if (wes.Kind != StockSourceKind.Warehouse)
        {
            throw new DataMismatchException($"'{wes.Source}' is a {wes.Kind} snapshot; expected the WES's.");
        }

        if (!ReferenceEquals(inventory.Catalog, wes.Catalog))
        {
            throw new DataMismatchException("The inventory and WES snapshots were built on different SKU catalogs; ordinals would not line up.");
        }

        if (!string.Equals(inventory.WarehouseId, wes.WarehouseId, StringComparison.Ordinal))
        {
            throw new DataMismatchException(
                $"The inventory snapshot is for warehouse '{inventory.WarehouseId}' and the WES snapshot for '{wes.WarehouseId}'; snapshots of different warehouses cannot be compared.");
        }
    }

    private static Dictionary<int, PendingMovements> GroupMovements(StockSnapshot wes, IReadOnlyCollection<WesMovement> movements)
    {
        var grouped = new Dictionary<int, PendingMovements>();
        foreach (var movement in movements)
        {
            ArgumentNullException.ThrowIfNull(movement);
            if (!string.Equals(movement.WarehouseId, wes.WarehouseId, StringComparison.Ordinal))
            {
                throw new DataMismatchException(
                    $"WES movement '{movement.TransactionId}' is for warehouse '{movement.WarehouseId}', not '{wes.WarehouseId}'.");
            }

            var ordinal = wes.Catalog.GetOrAdd(movement.SkuCode);
            grouped.TryGetValue(ordinal, out var current);
            grouped[ordinal] = current.Add(movement);
        }

        return grouped;
    }

    private readonly record struct PendingMovements(int Delta, bool HasCommit, bool HasReturnOrScrap)
    {
        public PendingMovements Add(WesMovement movement) => new(
            checked(Delta + movement.OnHandDelta),
            HasCommit || movement.Kind == WesMovementKind.Commit,
            HasReturnOrScrap || movement.Kind is WesMovementKind.Restock or WesMovementKind.Scrap);
    }
}
