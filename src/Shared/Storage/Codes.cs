using Orchestrator.Intake;
using Orchestrator.Reconciliation;

namespace Orchestrator.Storage.Relational;

/// <summary>Maps enums to the stable text codes stored in the database (readable in SQL, safe against enum reordering).</summary>
internal static class Codes
{
    public static string Of(OrderStatus value) => value switch
    {
        OrderStatus.New => "NEW",
        OrderStatus.InProgress => "IN_PROGRESS",
        OrderStatus.Completed => "COMPLETED",
        OrderStatus.Failed => "FAILED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static OrderStatus OrderStatusOf(string code) => code switch
    {
        "NEW" => OrderStatus.New,
        "IN_PROGRESS" => OrderStatus.InProgress,
        "COMPLETED" => OrderStatus.Completed,
        "FAILED" => OrderStatus.Failed,
        _ => throw Unknown(code),
    };

    public static string Of(FlowType value) => value switch
    {
        FlowType.A => "A",
        FlowType.B => "B",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static FlowType FlowOf(string code) => code switch
    {
        "A" => FlowType.A,
        "B" => FlowType.B,
        _ => throw Unknown(code),
    };

    public static string Of(DiscrepancyType value) => value switch
    {
        DiscrepancyType.Quantity => "QUANTITY",
        DiscrepancyType.Location => "LOCATION",
        DiscrepancyType.Task => "TASK",
        DiscrepancyType.ReturnOrScrap => "RETURN_OR_SCRAP",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static DiscrepancyType DiscrepancyTypeOf(string code) => code switch
    {
        "QUANTITY" => DiscrepancyType.Quantity,
        "LOCATION" => DiscrepancyType.Location,
        "TASK" => DiscrepancyType.Task,
        "RETURN_OR_SCRAP" => DiscrepancyType.ReturnOrScrap,
        _ => throw Unknown(code),
    };

    public static string Of(DiscrepancyStatus value) => value switch
    {
        DiscrepancyStatus.Open => "OPEN",
        DiscrepancyStatus.Resolved => "RESOLVED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static DiscrepancyStatus DiscrepancyStatusOf(string code) => code switch
    {
        "OPEN" => DiscrepancyStatus.Open,
        "RESOLVED" => DiscrepancyStatus.Resolved,
        _ => throw Unknown(code),
    };

    public static string Of(PendingSyncState value) => value switch
    {
        PendingSyncState.Pending => "PENDING",
        PendingSyncState.InFlight => "IN_FLIGHT",
        PendingSyncState.Delivered => "DELIVERED",
        PendingSyncState.DeadLettered => "DEAD_LETTERED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static PendingSyncState PendingSyncStateOf(string code) => code switch
    {
        "PENDING" => PendingSyncState.Pending,
        "IN_FLIGHT" => PendingSyncState.InFlight,
        "DELIVERED" => PendingSyncState.Delivered,
        "DEAD_LETTERED" => PendingSyncState.DeadLettered,
        _ => throw Unknown(code),
    };

    public static string Of(SyncRunState value) => value switch
    {
        SyncRunState.Collecting => "COLLECTING",
        SyncRunState.Analyzing => "ANALYZING",
        SyncRunState.Syncing => "SYNCING",
        SyncRunState.Checking => "CHECKING",
        SyncRunState.Alerting => "ALERTING",
        SyncRunState.Completed => "COMPLETED",
        SyncRunState.Error => "ERROR",
        SyncRunState.Retry => "RETRY",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static SyncRunState SyncRunStateOf(string code) => code switch
    {
        "COLLECTING" => SyncRunState.Collecting,
        "ANALYZING" => SyncRunState.Analyzing,
        "SYNCING" => SyncRunState.Syncing,
        "CHECKING" => SyncRunState.Checking,
        "ALERTING" => SyncRunState.Alerting,
        "COMPLETED" => SyncRunState.Completed,
        "ERROR" => SyncRunState.Error,
        "RETRY" => SyncRunState.Retry,
        _ => throw Unknown(code),
    };

    public static string Of(SyncItemStatus value) => value switch
    {
        SyncItemStatus.Succeeded => "SUCCEEDED",
        SyncItemStatus.Failed => "FAILED",
        SyncItemStatus.Queued => "QUEUED",
        SyncItemStatus.Skipped => "SKIPPED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static SyncItemStatus SyncItemStatusOf(string code) => code switch
    {
        "SUCCEEDED" => SyncItemStatus.Succeeded,
        "FAILED" => SyncItemStatus.Failed,
        "QUEUED" => SyncItemStatus.Queued,
        "SKIPPED" => SyncItemStatus.Skipped,
        _ => throw Unknown(code),
    };

    public static string Of(ReconciliationTaskStatus value) => value switch
    {
        ReconciliationTaskStatus.Open => "OPEN",
        ReconciliationTaskStatus.Counted => "COUNTED",
        ReconciliationTaskStatus.Resynced => "RESYNCED",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    public static ReconciliationTaskStatus ReconciliationTaskStatusOf(string code) => code switch
    {
        "OPEN" => ReconciliationTaskStatus.Open,
        "COUNTED" => ReconciliationTaskStatus.Counted,
        "RESYNCED" => ReconciliationTaskStatus.Resynced,
        _ => throw Unknown(code),
    };

    public static string Of(InventoryAdjustmentKind value) => value switch
    {
        InventoryAdjustmentKind.Receive => "RECEIVE",
        InventoryAdjustmentKind.Reserve => "RESERVE",
        InventoryAdjustmentKind.ReleaseReservation => "RELEASE_RESERVATION",
        InventoryAdjustmentKind.CommitReservation => "COMMIT_RESERVATION",
        InventoryAdjustmentKind.Restock => "RESTOCK",
        InventoryAdjustmentKind.Scrap => "SCRAP",
        InventoryAdjustmentKind.SetOnHand => "SET_ON_HAND",
        InventoryAdjustmentKind.ManualAdjust => "MANUAL_ADJUST",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, null),
    };

    private static InvalidOperationException Unknown(string code) => new($"The database holds an unknown code '{code}'; it was written by a newer version of the storage package.");
}
