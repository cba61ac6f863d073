using Orchestrator.Storage.Compliance;

namespace Orchestrator.Storage.PostgreSql.Tests;

// Each class runs one compliance suite against a fresh PostgreSQL schema per test.

public sealed class PostgreSqlOrderBufferStoreTests : OrderBufferStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlDiscrepancyLogStoreTests : DiscrepancyLogStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlPendingSyncStoreTests : PendingSyncStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlJobLockStoreTests : JobLockStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlWatermarkStoreTests : WatermarkStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlInventoryStoreTests : InventoryStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlSyncRunStoreTests : SyncRunStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlReconciliationTaskStoreTests : ReconciliationTaskStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlAllocationPauseStoreTests : AllocationPauseStoreComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();
}

public sealed class PostgreSqlMigrationTests : MigrationComplianceTests
{
    protected override Task<IStorageDatabase> CreateDatabaseAsync() => PostgreSqlTestDatabase.CreateAsync();

    protected override bool IsSchemaVersionError(Exception exception) => exception is SchemaVersionException { FoundVersion: > 0 };
}
