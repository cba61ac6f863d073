using Orchestrator.Storage.Compliance;

namespace Orchestrator.Storage.Sqlite.Tests;

// Each class runs one compliance suite against a fresh SQLite file per test.

public sealed class SqliteOrderBufferStoreTests : OrderBufferStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteDiscrepancyLogStoreTests : DiscrepancyLogStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqlitePendingSyncStoreTests : PendingSyncStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteJobLockStoreTests : JobLockStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteWatermarkStoreTests : WatermarkStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteInventoryStoreTests : InventoryStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteSyncRunStoreTests : SyncRunStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteReconciliationTaskStoreTests : ReconciliationTaskStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteAllocationPauseStoreTests : AllocationPauseStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();
}

public sealed class SqliteMigrationTests : MigrationComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => SqliteTestDatabase.CreateAsync();

    protected override bool IsSchemaVersionError(Exception exception) => exception is SchemaVersionException { FoundVersion: > 0 };
}
