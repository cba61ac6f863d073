using Npgsql;
using Orchestrator.Storage.Compliance;

namespace Orchestrator.Storage.PostgreSql.Tests;

/// <summary>A fresh schema per test on the server of <c>ORCHESTRATOR_TEST_POSTGRES</c>, dropped afterwards.</summary>
internal sealed class PostgreSqlTestDatabase : IStorageDatabase
{
    private PostgreSqlTestDatabase(string schema, string connectionString)
    {
        Schema = schema;
        ConnectionString = connectionString;
    }

    public string Schema { get; }

    public string ConnectionString { get; }

    public int LatestSchemaVersion => PostgreSqlOrchestratorStorage.LatestSchemaVersion;

    public static async Task<IStorageDatabase> CreateAsync()
    {
        var (schema, connectionString) = await PostgreSqlTestServer.CreateSchemaAsync(TestContext.Current.CancellationToken);
        return new PostgreSqlTestDatabase(schema, connectionString);
    }

    public async Task<IStorageInstance> OpenAsync(TimeProvider time, CancellationToken cancellationToken)
        => new Instance(await PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = ConnectionString }, time, null, cancellationToken));

    public async Task RecordSchemaVersionAsync(int version, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand("INSERT INTO schema_version (version, description, applied_at) VALUES ($1, 'from a newer release', 0)");
        command.Parameters.AddWithValue(version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await PostgreSqlTestServer.DropSchemaAsync(Schema);

    private sealed class Instance(PostgreSqlOrchestratorStorage storage) : IStorageInstance
    {
        public int SchemaVersion => storage.SchemaVersion;

        public IInventoryStore Inventory => storage.Inventory;

        public IOrderBufferStore OrderBuffer => storage.OrderBuffer;

        public IDiscrepancyLogStore DiscrepancyLog => storage.DiscrepancyLog;

        public IPendingSyncStore PendingSync => storage.PendingSync;

        public IJobLockStore JobLocks => storage.JobLocks;

        public IWatermarkStore Watermarks => storage.Watermarks;

        public ISyncRunStore SyncRuns => storage.SyncRuns;

        public IReconciliationTaskStore ReconciliationTasks => storage.ReconciliationTasks;

        public IAllocationPauseStore AllocationPauses => storage.AllocationPauses;

        public Task<int> LoadInventoryAsync(IReadOnlyList<InventoryPosition> positions, CancellationToken cancellationToken) => storage.LoadInventoryAsync(positions, cancellationToken);

        public ValueTask DisposeAsync() => storage.DisposeAsync();
    }
}
