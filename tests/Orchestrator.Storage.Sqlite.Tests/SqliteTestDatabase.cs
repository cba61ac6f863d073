using Microsoft.Data.Sqlite;
using Orchestrator.Storage.Compliance;

namespace Orchestrator.Storage.Sqlite.Tests;

/// <summary>A fresh database file per test, deleted (with its WAL files) afterwards.</summary>
internal sealed class SqliteTestDatabase : IStorageDatabase
{
    private SqliteTestDatabase(string path) => Path = path;

    public string Path { get; }

    public string ConnectionString => $"Data Source={Path}";

    public int LatestSchemaVersion => SqliteOrchestratorStorage.LatestSchemaVersion;

    public static Task<IStorageDatabase> CreateAsync()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orchestrator-storage-tests");
        Directory.CreateDirectory(folder);
        return Task.FromResult<IStorageDatabase>(new SqliteTestDatabase(System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db")));
    }

    public async Task<IStorageInstance> OpenAsync(TimeProvider time, CancellationToken cancellationToken)
        => new Instance(await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = ConnectionString }, time, null, cancellationToken));

    public async Task RecordSchemaVersionAsync(int version, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, 'from a newer release', 0)";
        command.Parameters.AddWithValue("$v", version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            try
            {
                File.Delete(Path + suffix);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless; the folder is under the system temp directory.
            }
        }

        return ValueTask.CompletedTask;
    }

    private sealed class Instance(SqliteOrchestratorStorage storage) : IStorageInstance
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
