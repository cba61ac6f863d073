using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>Creates every store over one database.</summary>
internal sealed class StoreSet
{
    public StoreSet(RelationalDatabase database, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("Orchestrator.Storage");
        Inventory = new InventoryStore(database, time, logger);
        OrderBuffer = new OrderBufferStore(database, time);
        DiscrepancyLog = new DiscrepancyLogStore(database);
        PendingSync = new PendingSyncStore(database, time, logger);
        JobLocks = new JobLockStore(database, logger);
        Watermarks = new WatermarkStore(database, logger);
        SyncRuns = new SyncRunStore(database);
        ReconciliationTasks = new ReconciliationTaskStore(database);
        AllocationPauses = new AllocationPauseStore(database);
    }

    public InventoryStore Inventory { get; }

    public OrderBufferStore OrderBuffer { get; }

    public DiscrepancyLogStore DiscrepancyLog { get; }

    public PendingSyncStore PendingSync { get; }

    public JobLockStore JobLocks { get; }

    public WatermarkStore Watermarks { get; }

    public SyncRunStore SyncRuns { get; }

    public ReconciliationTaskStore ReconciliationTasks { get; }

    public AllocationPauseStore AllocationPauses { get; }
}
