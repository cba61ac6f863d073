using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Storage.Relational;
using Orchestrator.Storage.PostgreSql.Internal;

namespace Orchestrator.Storage.PostgreSql;

/// <summary>
/// Opens a SQLite database file as the orchestrator's storage and exposes every store over it.
/// </summary>
/// <remarks>
/// <para>The database runs in WAL mode with one writer: writes of this instance go through one connection, one at a time,
/// each in <c>BEGIN IMMEDIATE</c>, which also serializes them against other processes that open the same file.
/// Reads use their own connections and never wait for a write.</para>
/// <para>Open one instance per database file and process, and dispose it at shutdown. All members are safe to call concurrently.</para>
/// </remarks>
public sealed class PostgreSqlOrchestratorStorage : IAsyncDisposable
{
    private readonly PostgreSqlDatabase _database;
    private readonly StoreSet _stores;

    private PostgreSqlOrchestratorStorage(PostgreSqlDatabase database, StoreSet stores, int schemaVersion)
    {
        _database = database;
        _stores = stores;
        SchemaVersion = schemaVersion;
    }

    /// <summary>Gets the newest schema version this package knows and migrates to.</summary>
    public static int LatestSchemaVersion => Migrations.Latest;

    /// <summary>Gets the schema version of the open database.</summary>
    public int SchemaVersion { get; }

    /// <summary>Gets the inventory book of record.</summary>
    public IInventoryStore Inventory => _stores.Inventory;

    /// <summary>Gets the stores, for the builder registration.</summary>
    internal StoreSet Stores => _stores;

    /// <summary>Gets the order buffer and its tasks.</summary>
    public IOrderBufferStore OrderBuffer => _stores.OrderBuffer;

    /// <summary>Gets the StockDiscrepancyLog.</summary>
    public IDiscrepancyLogStore DiscrepancyLog => _stores.DiscrepancyLog;

    /// <summary>Gets the pending-sync queue.</summary>
    public IPendingSyncStore PendingSync => _stores.PendingSync;

    /// <summary>Gets the job locks.</summary>
    public IJobLockStore JobLocks => _stores.JobLocks;

    /// <summary>Gets the polling watermarks.</summary>
    public IWatermarkStore Watermarks => _stores.Watermarks;

    /// <summary>Gets the sync-run history.</summary>
    public ISyncRunStore SyncRuns => _stores.SyncRuns;

    /// <summary>Gets the Stock Reconciliation Tasks.</summary>
    public IReconciliationTaskStore ReconciliationTasks => _stores.ReconciliationTasks;

    /// <summary>Gets the allocation pauses.</summary>
    public IAllocationPauseStore AllocationPauses => _stores.AllocationPauses;

    /// <summary>Connects to the database and migrates its schema to <see cref="LatestSchemaVersion"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for times the store interfaces do not pass in; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for no logging.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The open storage.</returns>
    /// <remarks>Safe when several instances start at once: migrations run under <c>pg_advisory_xact_lock</c>, so one applies them and the others find them applied.</remarks>
    /// <exception cref="ValidationException">The options are not valid.</exception>
    /// <exception cref="ArgumentException">The connection string is malformed.</exception>
    /// <exception cref="StorageUnavailableException">The server cannot be reached or refuses the connection; the message never contains the password.</exception>
    /// <exception cref="SchemaVersionException">The database was migrated by a newer release than this one.</exception>
    public static async Task<PostgreSqlOrchestratorStorage> OpenAsync(
        PostgreSqlStorageOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        var time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Orchestrator.Storage.PostgreSql");
        NpgsqlDataSource dataSource;
        try
        {
            dataSource = options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString!);
        }
        catch (ArgumentException)
        {
            // The connection string may hold a password, so the message of the parser (which can quote it) is not passed on.
            throw new ArgumentException("The PostgreSQL connection string is not valid.", nameof(options), innerException: null);
        }

        var database = new PostgreSqlDatabase(dataSource, ownsDataSource: options.DataSource is null, logger);
        try
        {
            var (_, version) = await Migrations.ApplyAsync(database, time, logger, cancellationToken).ConfigureAwait(false);
            Log.Opened(logger, database.Provider, database.Location, version);
            return new PostgreSqlOrchestratorStorage(database, new StoreSet(database, time, loggerFactory), version);
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Upserts whole inventory positions in one transaction: an initial load, or a full-sync overwrite from a WES snapshot.</summary>
    /// <param name="positions">The positions; <see cref="InventoryPosition.Version"/> is ignored (each row gets a new version) and <see cref="InventoryPosition.UpdatedAt"/> is stored.</param>
    /// <param name="cancellationToken">Cancels the load; nothing is written when it is cancelled.</param>
    /// <returns>How many positions were written.</returns>
    /// <remarks>This bypasses transaction ids: use <see cref="IInventoryStore.ApplyAsync"/> with <see cref="InventoryAdjustmentKind.SetOnHand"/> for audited, idempotent changes.</remarks>
    /// <exception cref="InvalidStockDataException">A quantity is negative, an id is empty, or a SKU appears twice for one warehouse; nothing is written.</exception>
    public Task<int> LoadInventoryAsync(IReadOnlyList<InventoryPosition> positions, CancellationToken cancellationToken = default)
        => _stores.Inventory.LoadAsync(positions, cancellationToken);

    /// <summary>Disposes the data source when it was created from <see cref="PostgreSqlStorageOptions.ConnectionString"/>. Safe to call more than once.</summary>
    /// <returns>A task.</returns>
    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
