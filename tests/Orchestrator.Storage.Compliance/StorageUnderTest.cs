using Orchestrator.Storage;

namespace Orchestrator.Storage.Compliance;

/// <summary>One open storage instance (what a provider's <c>OpenAsync</c> returns), seen through the store interfaces.</summary>
public interface IStorageInstance : IAsyncDisposable
{
    /// <summary>Gets the schema version the instance opened.</summary>
    int SchemaVersion { get; }

    /// <summary>Gets the inventory store.</summary>
    IInventoryStore Inventory { get; }

    /// <summary>Gets the order buffer.</summary>
    IOrderBufferStore OrderBuffer { get; }

    /// <summary>Gets the discrepancy log.</summary>
    IDiscrepancyLogStore DiscrepancyLog { get; }

    /// <summary>Gets the pending-sync queue.</summary>
    IPendingSyncStore PendingSync { get; }

    /// <summary>Gets the job locks.</summary>
    IJobLockStore JobLocks { get; }

    /// <summary>Gets the watermarks.</summary>
    IWatermarkStore Watermarks { get; }

    /// <summary>Gets the sync runs.</summary>
    ISyncRunStore SyncRuns { get; }

    /// <summary>Gets the reconciliation tasks.</summary>
    IReconciliationTaskStore ReconciliationTasks { get; }

    /// <summary>Gets the allocation pauses.</summary>
    IAllocationPauseStore AllocationPauses { get; }

    /// <summary>Runs the provider's bulk inventory load.</summary>
    Task<int> LoadInventoryAsync(IReadOnlyList<InventoryPosition> positions, CancellationToken cancellationToken);
}

/// <summary>A fresh, empty database owned by one test; disposing it deletes it.</summary>
public interface IStorageDatabase : IAsyncDisposable
{
    /// <summary>Gets the newest schema version the provider knows.</summary>
    int LatestSchemaVersion { get; }

    /// <summary>Opens a new storage instance over this database (as a second process would), applying migrations.</summary>
    Task<IStorageInstance> OpenAsync(TimeProvider time, CancellationToken cancellationToken);

    /// <summary>Records a schema version in the database's schema_version table, as a newer release would.</summary>
    Task RecordSchemaVersionAsync(int version, CancellationToken cancellationToken);

    /// <summary>Runs one SQL statement against the database, as an older release or an operator would.</summary>
    Task ExecuteAsync(string sql, CancellationToken cancellationToken);
}
