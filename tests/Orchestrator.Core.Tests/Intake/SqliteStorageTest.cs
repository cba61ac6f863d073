using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Tests.Intake;

/// <summary>A fresh SQLite store in a temp file per test, on a manual clock; deleted (with its WAL files) afterwards.</summary>
public abstract class SqliteStorageTest : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "orchestrator-intake-tests", Guid.NewGuid().ToString("N") + ".db");

    protected ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));

    protected SqliteOrchestratorStorage Storage { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        Storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={_path}" }, Time, null, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }

        GC.SuppressFinalize(this);
    }
}
