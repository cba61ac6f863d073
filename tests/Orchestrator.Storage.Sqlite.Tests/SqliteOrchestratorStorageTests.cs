using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Storage.Sqlite.Tests;

/// <summary>What only the SQLite provider does: its options, WAL mode, and its errors at open.</summary>
public sealed class SqliteOrchestratorStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The documented defaults are the ones the code uses.</summary>
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new SqliteStorageOptions();

        Assert.Equal(string.Empty, options.ConnectionString);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BusyTimeout);
    }

    /// <summary>A missing connection string must fail at open with a validation error, not at the first write.</summary>
    [Fact]
    public async Task OpenAsync_EmptyConnectionString_ThrowsValidationException()
        => await Assert.ThrowsAsync<ValidationException>(() => SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions(), cancellationToken: Ct));

    /// <summary>A busy timeout outside 1 s to 10 min is refused.</summary>
    [Fact]
    public async Task OpenAsync_BusyTimeoutOutOfRange_ThrowsValidationException()
        => await Assert.ThrowsAsync<ValidationException>(() => SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = "Data Source=x.db", BusyTimeout = TimeSpan.Zero }, cancellationToken: Ct));

    /// <summary>Every connection to an in-memory database sees its own empty database, so the stores would silently lose data; it is refused.</summary>
    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=shared;Mode=Memory;Cache=Shared")]
    public async Task OpenAsync_InMemoryDatabase_ThrowsArgumentException(string connectionString)
        => await Assert.ThrowsAsync<ArgumentException>(() => SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = connectionString }, cancellationToken: Ct));

    /// <summary>A file that cannot be created must surface as the typed, transient ERR-STORE-002 naming the file, so hosting can report it.</summary>
    [Fact]
    public async Task OpenAsync_FolderDoesNotExist_ThrowsStorageUnavailable()
    {
        var path = Path.Combine(Path.GetTempPath(), "orchestrator-missing-" + Guid.NewGuid().ToString("N"), "x.db");

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = "Data Source=" + path }, cancellationToken: Ct));

        Assert.Equal("ERR-STORE-002", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Another process holding the write lock past the busy timeout must surface as the typed, transient ERR-STORE-002, not a raw SQLITE_BUSY.</summary>
    [Fact]
    public async Task WriteAsync_WriteLockHeldPastBusyTimeout_ThrowsStorageUnavailable()
    {
        await using var database = (SqliteTestDatabase)await SqliteTestDatabase.CreateAsync();
        await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = database.ConnectionString, BusyTimeout = TimeSpan.FromSeconds(1) }, cancellationToken: Ct);
        await using var other = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        await other.OpenAsync(Ct);
        await using var held = other.BeginTransaction(deferred: false);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "r", "o", DateTimeOffset.UnixEpoch), Ct));

        Assert.True(error.IsTransient);
        await held.RollbackAsync(Ct);
        Assert.True(await storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "r", "o", DateTimeOffset.UnixEpoch), Ct));
    }

    /// <summary>Readers must not wait for the writer: the database is switched to WAL at open, and the setting persists in the file.</summary>
    [Fact]
    public async Task OpenAsync_NewFile_SwitchesToWalJournal()
    {
        await using var database = (SqliteTestDatabase)await SqliteTestDatabase.CreateAsync();
        await using (await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = database.ConnectionString }, cancellationToken: Ct))
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";

            Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Ct));
        }
    }
}
