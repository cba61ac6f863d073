using System.ComponentModel.DataAnnotations;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Reconciliation;

/// <summary>
/// Decides what to do about Inventory ↔ WES discrepancies (the seed 000 cases) and returns it as a plan. It does no I/O:
/// the reconciliation workflow carries the plan out, and every write in it has a transaction id so carrying it out twice
/// changes nothing.
/// </summary>
/// <remarks>
/// <para>Cases, in the order they are tested for each discrepancy:</para>
/// <list type="number">
/// <item>WES movements the inventory has not applied (a pick not committed, a return, a scrap): apply each, keyed by the WES
/// transaction id. What is left of the difference after them is judged by the cases below.</item>
/// <item>Inventory &gt; 0 and WES = 0 (the shelf is empty): pause automatic allocation of the SKU, notify the inventory system,
/// and, when <see cref="ReconciliationOptions.OverwriteInventoryFromWes"/> is set, set inventory on hand from the WES snapshot.</item>
/// <item>WES &gt; 0 and Inventory = 0 (usually a return or scrap not booked): set inventory on hand to the WES quantity (auto-fix);
/// when more than <see cref="ReconciliationOptions.FullSyncSkuThreshold"/> SKUs of a warehouse show it, also schedule a Full Sync Job.</item>
/// <item>Difference above <see cref="ReconciliationOptions.DivergenceThresholdPercent"/> (default 5 %) for at least
/// <see cref="ReconciliationOptions.ConsecutiveDetectionsForTask"/> detections: create a Stock Reconciliation Task (a cycle count).</item>
/// <item>A smaller difference: logged only.</item>
/// <item>Same quantity, different location: record the WES location in the inventory store (the WES is the physical truth).</item>
/// </list>
/// <para>When at least <see cref="ReconciliationOptions.MassMismatchSkuCount"/> SKUs of a warehouse differ, the plan also raises a
/// mass-mismatch alert (seed 002, 10+ SKUs).</para>
/// </remarks>
public sealed class ReconciliationPolicy
{
    /// <summary>The name recorded as <c>resolved_by</c> and as the author of automatic changes.</summary>
    public const string Actor = "orchestrator";

    private readonly ReconciliationOptions _options;

    /// <summary>Gets the options (the Full Sync Job reads <see cref="ReconciliationOptions.OverwriteInventoryFromWes"/>).</summary>
    internal ReconciliationOptions Options => _options;

    /// <summary>Initializes a new instance of the <see cref="ReconciliationPolicy"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public ReconciliationPolicy(ReconciliationOptions? options = null)
    {
        _options = options ?? new ReconciliationOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
    }

    /// <summary>Plans the actions for a set of discrepancies.</summary>
    /// <param name="observations">The discrepancies with how often each was seen in a row.</param>
    /// <param name="unappliedMovements">The WES movements the inventory store has not applied (those the classifier was given).</param>
    /// <returns>The plan.</returns>
    public ReconciliationPlan Plan(IReadOnlyList<DiscrepancyObservation> observations, IReadOnlyCollection<WesMovement>? unappliedMovements = null)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var movementsBySku = (unappliedMovements ?? [])
            .GroupBy(m => (m.WarehouseId, m.SkuCode))
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.OccurredAt).ThenBy(m => m.TransactionId, StringComparer.Ordinal).ToList());

        var decisions = new List<ReconciliationDecision>(observations.Count);
        var wesOnlyByWarehouse = new Dictionary<string, int>(StringComparer.Ordinal);
        var skusByWarehouse = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var observation in observations)
        {
            ArgumentNullException.ThrowIfNull(observation);
            var d = observation.Discrepancy;
            var actions = new List<ReconciliationAction>();
            var inventoryQty = d.InventoryQty;
            if (movementsBySku.TryGetValue((d.WarehouseId, d.SkuCode), out var movements))
            {
                foreach (var movement in movements)
                {
                    actions.Add(new ApplyWesMovementAction(d.WarehouseId, d.SkuCode, movement.TransactionId, movement));
                }

                inventoryQty = Math.Max(0, inventoryQty + d.ExplainedQuantity);
            }

            var @case = Decide(d, inventoryQty, observation.ConsecutiveDetections, actions);
            if (@case == ReconciliationCase.WesOnlyStock)
            {
                wesOnlyByWarehouse[d.WarehouseId] = wesOnlyByWarehouse.GetValueOrDefault(d.WarehouseId) + 1;
            }

            if (!skusByWarehouse.TryGetValue(d.WarehouseId, out var skus))
            {
                skus = new HashSet<string>(StringComparer.Ordinal);
                skusByWarehouse[d.WarehouseId] = skus;
            }

            skus.Add(d.SkuCode);
            decisions.Add(new ReconciliationDecision(d, movements is null ? @case : PendingCase(d, @case), actions));
        }

        var planActions = new List<ReconciliationAction>();
        foreach (var (warehouse, count) in wesOnlyByWarehouse.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (count > _options.FullSyncSkuThreshold)
            {
                planActions.Add(new ScheduleFullSyncAction(warehouse, $"full-sync:{warehouse}:{decisions[0].Discrepancy.DetectedAt.UtcDateTime:yyyyMMddHH}", count));
            }
        }

        foreach (var (warehouse, skus) in skusByWarehouse.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (skus.Count >= _options.MassMismatchSkuCount)
            {
                planActions.Add(new MassMismatchAlertAction(warehouse, $"mass-mismatch:{warehouse}:{decisions[0].Discrepancy.DetectedAt.UtcDateTime:yyyyMMddHHmm}", skus.Count));
            }
        }

        return new ReconciliationPlan(decisions, planActions);
    }

    private static ReconciliationCase PendingCase(StockDiscrepancy d, ReconciliationCase afterMovements) =>
        afterMovements is ReconciliationCase.WithinTolerance or ReconciliationCase.InSync
            ? (d.Type == DiscrepancyType.Task ? ReconciliationCase.PendingWesTask : ReconciliationCase.PendingReturnOrScrap)
            : afterMovements;

    private ReconciliationCase Decide(StockDiscrepancy d, int inventoryQty, int consecutive, List<ReconciliationAction> actions)
    {
        var wesQty = d.WesQty;
        var tx = d.TransactionId;
        if (inventoryQty > 0 && wesQty == 0)
        {
            actions.Add(new PauseAllocationAction(d.WarehouseId, d.SkuCode, tx + ":pause", $"Inventory shows {inventoryQty} but the WES has none."));
            actions.Add(new NotifyInventoryAction(d.WarehouseId, d.SkuCode, tx + ":notify", d));
            if (_options.OverwriteInventoryFromWes)
            {
                actions.Add(new SetInventoryFromWesAction(d.WarehouseId, d.SkuCode, tx + ":set", 0, ReconciliationCase.InventoryOnlyStock));
            }

            return ReconciliationCase.InventoryOnlyStock;
        }

        if (wesQty > 0 && inventoryQty == 0)
        {
            actions.Add(new SetInventoryFromWesAction(d.WarehouseId, d.SkuCode, tx + ":set", wesQty, ReconciliationCase.WesOnlyStock));
            return ReconciliationCase.WesOnlyStock;
        }

        if (inventoryQty != wesQty)
        {
            var percent = DiscrepancyMath.Percent(inventoryQty, wesQty);
            if (percent > _options.DivergenceThresholdPercent && consecutive >= _options.ConsecutiveDetectionsForTask)
            {
                actions.Add(new CreateReconciliationTaskAction(d.WarehouseId, d.SkuCode, tx + ":count", inventoryQty, wesQty, percent));
                return ReconciliationCase.DivergenceOverThreshold;
            }

            return ReconciliationCase.WithinTolerance;
        }

        if (d.Type == DiscrepancyType.Location && d.WesLocation is not null)
        {
            if (_options.AlignLocationsFromWes)
            {
                actions.Add(new AlignLocationAction(d.WarehouseId, d.SkuCode, tx + ":location", d.WesLocation));
            }

            return ReconciliationCase.LocationOnly;
        }

        return ReconciliationCase.InSync;
    }
}

/// <summary>Configures the <see cref="ReconciliationPolicy"/>.</summary>
public sealed class ReconciliationOptions
{
    /// <summary>Gets or sets the difference, in percent of the larger quantity, above which a Stock Reconciliation Task is created.</summary>
    /// <value>Default 5 (seed 000: 差異 &gt; 5%); 0 to 100.</value>
    [Range(typeof(decimal), "0", "100")]
    public decimal DivergenceThresholdPercent { get; set; } = 5m;

    /// <summary>Gets or sets how many detections in a row a difference needs before a task is created (1 = the first time).</summary>
    /// <value>Default 1; 1 to 1000.</value>
    [Range(1, 1000)]
    public int ConsecutiveDetectionsForTask { get; set; } = 1;

    /// <summary>Gets or sets how many SKUs of a warehouse may show WES &gt; 0 and Inventory = 0 before a Full Sync Job is scheduled.</summary>
    /// <value>Default 10 (a Full Sync Job from the 11th SKU); 0 or more.</value>
    [Range(0, int.MaxValue)]
    public int FullSyncSkuThreshold { get; set; } = 10;

    /// <summary>Gets or sets how many differing SKUs of a warehouse raise a mass-mismatch alert.</summary>
    /// <value>Default 10 (seed 002: 10+ SKUs); 1 or more.</value>
    [Range(1, int.MaxValue)]
    public int MassMismatchSkuCount { get; set; } = 10;

    /// <summary>Gets or sets a value indicating whether, when Inventory &gt; 0 and the WES has none, inventory on hand is also overwritten from the WES snapshot (seed 000, case 1, step 3).</summary>
    /// <value>Default <see langword="false"/>: allocation is paused and the inventory system notified, and a person decides.</value>
    public bool OverwriteInventoryFromWes { get; set; }

    /// <summary>Gets or sets a value indicating whether a location difference is fixed by recording the WES location in the inventory store.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool AlignLocationsFromWes { get; set; } = true;
}

/// <summary>Represents a discrepancy with how often it has been seen in a row.</summary>
/// <param name="Discrepancy">The discrepancy.</param>
/// <param name="ConsecutiveDetections">Detections in a row, this one included (1 the first time).</param>
public sealed record DiscrepancyObservation(StockDiscrepancy Discrepancy, int ConsecutiveDetections = 1);

/// <summary>Names the seed 000 cases.</summary>
public enum ReconciliationCase
{
    /// <summary>Nothing left to do after the WES movements are applied.</summary>
    InSync,

    /// <summary>Inventory &gt; 0, WES = 0: the shelf is empty but the book is not.</summary>
    InventoryOnlyStock,

    /// <summary>WES &gt; 0, Inventory = 0: usually a return or scrap not booked.</summary>
    WesOnlyStock,

    /// <summary>The difference is above the threshold: count it.</summary>
    DivergenceOverThreshold,

    /// <summary>A small difference: logged only.</summary>
    WithinTolerance,

    /// <summary>The WES picked or shipped and the inventory has not committed the reservation; applying the WES commit closes it.</summary>
    PendingWesTask,

    /// <summary>The WES restocked or scrapped and the inventory has not; applying the WES movement closes it.</summary>
    PendingReturnOrScrap,

    /// <summary>Same quantity, different location.</summary>
    LocationOnly,
}

/// <summary>Holds the decision for one discrepancy.</summary>
/// <param name="Discrepancy">The discrepancy.</param>
/// <param name="Case">The case it fell into.</param>
/// <param name="Actions">What to do, in order.</param>
public sealed record ReconciliationDecision(StockDiscrepancy Discrepancy, ReconciliationCase Case, IReadOnlyList<ReconciliationAction> Actions);

/// <summary>Holds what <see cref="ReconciliationPolicy.Plan"/> decided.</summary>
/// <param name="Decisions">One decision per discrepancy.</param>
/// <param name="WarehouseActions">Actions for whole warehouses (Full Sync Jobs, mass-mismatch alerts).</param>
public sealed record ReconciliationPlan(IReadOnlyList<ReconciliationDecision> Decisions, IReadOnlyList<ReconciliationAction> WarehouseActions)
{
    /// <summary>Gets every action: per discrepancy in order, then the warehouse actions.</summary>
    public IEnumerable<ReconciliationAction> AllActions => Decisions.SelectMany(d => d.Actions).Concat(WarehouseActions);
}

/// <summary>Represents one step of a reconciliation plan.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU, or <see langword="null"/> for a warehouse action (never null on the per-SKU actions, whose constructors require it).</param>
/// <param name="TransactionId">Identifies the step; carrying it out twice changes nothing.</param>
public abstract record ReconciliationAction(string WarehouseId, string? SkuCode, string TransactionId);

/// <summary>Pauses automatic order allocation of a SKU: channels sell 0 of it until it is resumed.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The step's id.</param>
/// <param name="Reason">Why.</param>
public sealed record PauseAllocationAction(string WarehouseId, string SkuCode, string TransactionId, string Reason)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId)
{
    /// <summary>Creates the stored pause.</summary>
    /// <param name="at">When.</param>
    /// <returns>The pause.</returns>
    public AllocationPause ToPause(DateTimeOffset at) => new(WarehouseId, SkuCode!, Reason, ReconciliationPolicy.Actor, at);
}

/// <summary>Tells the inventory system that its quantity needs correcting.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The step's id.</param>
/// <param name="Discrepancy">The discrepancy to report.</param>
public sealed record NotifyInventoryAction(string WarehouseId, string SkuCode, string TransactionId, StockDiscrepancy Discrepancy)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId);

/// <summary>Sets inventory on hand to the WES quantity (auto-fix, or the optional overwrite from the WES snapshot).</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The step's id (the inventory adjustment's transaction id).</param>
/// <param name="OnHand">The new on-hand quantity.</param>
/// <param name="Case">The case that called for it.</param>
public sealed record SetInventoryFromWesAction(string WarehouseId, string SkuCode, string TransactionId, int OnHand, ReconciliationCase Case)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId)
{
    /// <summary>Creates the inventory adjustment.</summary>
    /// <returns>The adjustment.</returns>
    public InventoryAdjustment ToAdjustment() =>
        new(TransactionId, WarehouseId, SkuCode!, InventoryAdjustmentKind.SetOnHand, OnHand, $"reconciliation: {Case}");
}

/// <summary>Applies a WES movement to the inventory store, keyed by the WES transaction id.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The WES transaction id.</param>
/// <param name="Movement">The movement.</param>
public sealed record ApplyWesMovementAction(string WarehouseId, string SkuCode, string TransactionId, WesMovement Movement)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId)
{
    /// <summary>Creates the inventory adjustment (a commit commits the reservation; a restock or scrap moves on hand; an adjustment changes it by its signed quantity).</summary>
    /// <returns>The adjustment.</returns>
    public InventoryAdjustment ToAdjustment() => Movement.Kind switch
    {
        WesMovementKind.Commit => new(TransactionId, WarehouseId, SkuCode!, InventoryAdjustmentKind.CommitReservation, Movement.Quantity, "WES commit"),
        WesMovementKind.Restock => new(TransactionId, WarehouseId, SkuCode!, InventoryAdjustmentKind.Restock, Movement.Quantity, "WES restock"),
        WesMovementKind.Scrap => new(TransactionId, WarehouseId, SkuCode!, InventoryAdjustmentKind.Scrap, Movement.Quantity, "WES scrap"),
        _ => new(TransactionId, WarehouseId, SkuCode!, InventoryAdjustmentKind.ManualAdjust, Movement.Quantity, "WES adjustment"),
    };
}

/// <summary>Records the WES location of a SKU in the inventory store.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The step's id.</param>
/// <param name="Location">The WES location.</param>
public sealed record AlignLocationAction(string WarehouseId, string SkuCode, string TransactionId, string Location)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId);

/// <summary>Creates a Stock Reconciliation Task: a cycle count by a warehouse operator, after which both systems are resynced.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="TransactionId">The step's id.</param>
/// <param name="InventoryQty">The inventory quantity.</param>
/// <param name="WesQty">The WES quantity.</param>
/// <param name="Percent">The difference in percent.</param>
public sealed record CreateReconciliationTaskAction(string WarehouseId, string SkuCode, string TransactionId, int InventoryQty, int WesQty, decimal Percent)
    : ReconciliationAction(WarehouseId, SkuCode, TransactionId);

/// <summary>Schedules a Full Sync Job of a whole warehouse.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="TransactionId">The step's id (one per warehouse and hour).</param>
/// <param name="SkuCount">How many SKUs showed WES &gt; 0 and Inventory = 0.</param>
public sealed record ScheduleFullSyncAction(string WarehouseId, string TransactionId, int SkuCount)
    : ReconciliationAction(WarehouseId, null, TransactionId);

/// <summary>Raises a mass-mismatch alert for a warehouse.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="TransactionId">The step's id.</param>
/// <param name="SkuCount">How many SKUs differ.</param>
public sealed record MassMismatchAlertAction(string WarehouseId, string TransactionId, int SkuCount)
    : ReconciliationAction(WarehouseId, null, TransactionId);
