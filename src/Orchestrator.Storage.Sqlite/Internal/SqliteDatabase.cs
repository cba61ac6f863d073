using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Orchestrator.Reconciliation;
using Orchestrator.Storage.Relational;

namespace Orchestrator.Storage.Sqlite.Internal;

/// <summary>
/// SQLite in WAL mode with one writer: every write runs on one dedicated connection, one at a time (a semaphore), inside
/// <c>BEGIN IMMEDIATE</c>, which also serializes it against other processes on the same file. Reads use their own pooled
/// connections and see the last committed state without blocking the writer.
/// </summary>
internal sealed class SqliteDatabase : RelationalDatabase, IAsyncDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly string _connectionString;
    private readonly int _busyTimeoutMs;
    private readonly ILogger _logger;
    private SqliteConnection? _writer;

    private SqliteDatabase(string connectionString, string location, TimeSpan busyTimeout, ILogger logger)
    {
        _connectionString = connectionString;
        Location = location;
        _busyTimeoutMs = (int)busyTimeout.TotalMilliseconds;
        _logger = logger;
    }

    public override string Provider => "SQLite";

    public override string Location { get; }

    public override string IdentityColumn => "INTEGER PRIMARY KEY";

    public override string ForUpdate => string.Empty;

    public override string ForUpdateSkipLocked => string.Empty;

    // In-process: a rebound prepared statement per row is cheapest.
    public override bool SetBasedWrites => false;

    public override string ForShare => string.Empty;

    public override IReadOnlyList<string> EngineSpecificV1 { get; } =
    [
        "CREATE TABLE storage_counters (name text PRIMARY KEY, value bigint NOT NULL)",
        "INSERT INTO storage_counters (name, value) VALUES ('inventory_version', 0)",
    ];

    public static async Task<SqliteDatabase> OpenAsync(SqliteStorageOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The SQLite connection string is not valid: {e.Message}", nameof(options), e);
        }

        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource.Trim() == ":memory:")
        {
            throw new ArgumentException("The SQLite storage needs a database file; an in-memory database would be empty on every connection.", nameof(options));
        }

        builder.Pooling = true;
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        var database = new SqliteDatabase(builder.ToString(), builder.DataSource, options.BusyTimeout, logger);
        try
        {
            var writer = new SqliteConnection(database._connectionString);
            try
            {
                await writer.OpenAsync(cancellationToken).ConfigureAwait(false);

                // WAL lets readers run beside the one writer; FULL keeps every committed change across a power cut.
                await ExecuteAsync(writer, string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {database._busyTimeoutMs}"), cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(writer, "PRAGMA journal_mode = WAL", cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(writer, "PRAGMA synchronous = FULL", cancellationToken).ConfigureAwait(false);

                // A 64 MB page cache for the writer keeps index pages of million-row bulk writes in memory.
                await ExecuteAsync(writer, "PRAGMA cache_size = -65536", cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await writer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            database._writer = writer;
            return database;
        }
        catch (SqliteException e)
        {
            Log.Unavailable(logger, "SQLite", database.Location, e);
            throw new StorageUnavailableException(database.Location, $"The SQLite database '{database.Location}' is unavailable: {e.Message}", e);
        }
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var writer = _writer ?? throw new ObjectDisposedException(nameof(SqliteDatabase));
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, so a second process waits here instead of failing later.
            SqliteTransaction transaction;
            try
            {
                transaction = writer.BeginTransaction(deferred: false);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
            {
                // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout: another process held the write lock too long.
                Log.Unavailable(_logger, Provider, Location, e);
                throw new StorageUnavailableException(Location, $"The SQLite database '{Location}' is unavailable: {e.Message}", e);
            }

            await using (transaction.ConfigureAwait(false))
            {
                var result = await work(writer, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
    }

    public override Task<T> MigrateAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
        => WriteAsync(work, cancellationToken);

    public override async Task<long> NextInventoryVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var command = Sql.Command(connection, transaction, "UPDATE storage_counters SET value = value + 1 WHERE name = 'inventory_version' RETURNING value");
        await using (command.ConfigureAwait(false))
        {
            return await command.ScalarInt64Async(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The inventory version counter is missing.");
        }
    }

    public override Task<int> BulkAppendDiscrepanciesAsync(IReadOnlyList<StockDiscrepancy> rows, CancellationToken cancellationToken)
        => WriteAsync(
            async (connection, transaction) =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var added = 0;
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO stock_discrepancy_log (transaction_id, type, sku_code, warehouse_id, inventory_qty, wes_qty, discrepancy, detected_at, status, resolved_by, resolved_at, note, inventory_location, wes_location, explained_qty)
                    VALUES (@transaction_id, @type, @sku_code, @warehouse_id, @inventory_qty, @wes_qty, @discrepancy, @detected_at, @status, @resolved_by, @resolved_at, @note, @inventory_location, @wes_location, @explained_qty)
                    ON CONFLICT (transaction_id) DO NOTHING
                    """);
                await using (command.ConfigureAwait(false))
                {
                    var p = new[]
                    {
                        command.Add("@transaction_id", (string?)null), command.Add("@type", (string?)null), command.Add("@sku_code", (string?)null),
                        command.Add("@warehouse_id", (string?)null), command.Add("@inventory_qty", (int?)null), command.Add("@wes_qty", (int?)null),
                        command.Add("@discrepancy", (long?)null), command.Add("@detected_at", (long?)null), command.Add("@status", (string?)null),
                        command.Add("@resolved_by", (string?)null), command.Add("@resolved_at", (long?)null), command.Add("@note", (string?)null),
                        command.Add("@inventory_location", (string?)null), command.Add("@wes_location", (string?)null), command.Add("@explained_qty", (int?)null),
                    };
                    command.Prepare();
                    foreach (var row in rows)
                    {
                        p[0].Value = row.TransactionId;
                        p[1].Value = Codes.Of(row.Type);
                        p[2].Value = row.SkuCode;
                        p[3].Value = row.WarehouseId;
                        p[4].Value = row.InventoryQty;
                        p[5].Value = row.WesQty;
                        p[6].Value = (long)row.WesQty - row.InventoryQty;
                        p[7].Value = row.DetectedAt.UtcTicks;
                        p[8].Value = Codes.Of(row.Status);
                        p[9].Value = (object?)row.ResolvedBy ?? DBNull.Value;
                        p[10].Value = (object?)row.ResolvedAt?.UtcTicks ?? DBNull.Value;
                        p[11].Value = (object?)row.Note ?? DBNull.Value;
                        p[12].Value = (object?)row.InventoryLocation ?? DBNull.Value;
                        p[13].Value = (object?)row.WesLocation ?? DBNull.Value;
                        p[14].Value = row.ExplainedQuantity;
                        added += command.ExecuteNonQuery();
                    }
                }

                cancellationToken.ThrowIfCancellationRequested();
                var elapsedMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Log.BulkWritten(_logger, "discrepancy append", added, rows.Count, elapsedMs);
                return added;
            },
            cancellationToken);

    public override Task<int> BulkLoadInventoryAsync(IReadOnlyList<InventoryPosition> rows, CancellationToken cancellationToken)
        => WriteAsync(
            async (connection, transaction) =>
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                long version;
                var read = Sql.Command(connection, transaction, "SELECT value FROM storage_counters WHERE name = 'inventory_version'");
                await using (read.ConfigureAwait(false))
                {
                    version = await read.ScalarInt64Async(cancellationToken).ConfigureAwait(false) ?? 0;
                }

                // The writer is serialized, so versions can be handed out here and the counter moved once at the end.
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO inventory_positions (warehouse_id, sku_code, on_hand, reserved, committed, location, version, updated_at)
                    VALUES (@warehouse_id, @sku_code, @on_hand, @reserved, @committed, @location, @version, @updated_at)
                    ON CONFLICT (warehouse_id, sku_code) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
                        committed = excluded.committed, location = excluded.location, version = excluded.version, updated_at = excluded.updated_at
                    """);
                await using (command.ConfigureAwait(false))
                {
                    var p = new[]
                    {
                        command.Add("@warehouse_id", (string?)null), command.Add("@sku_code", (string?)null), command.Add("@on_hand", (int?)null),
                        command.Add("@reserved", (int?)null), command.Add("@committed", (int?)null), command.Add("@location", (string?)null),
                        command.Add("@version", (long?)null), command.Add("@updated_at", (long?)null),
                    };
                    command.Prepare();
                    foreach (var row in rows)
                    {
                        p[0].Value = row.WarehouseId;
                        p[1].Value = row.SkuCode;
                        p[2].Value = row.OnHand;
                        p[3].Value = row.Reserved;
                        p[4].Value = row.Committed;
                        p[5].Value = (object?)row.Location ?? DBNull.Value;
                        p[6].Value = ++version;
                        p[7].Value = row.UpdatedAt.UtcTicks;
                        command.ExecuteNonQuery();
                    }
                }

                var write = Sql.Command(connection, transaction, "UPDATE storage_counters SET value = @value WHERE name = 'inventory_version'");
                await using (write.ConfigureAwait(false))
                {
                    write.Add("@value", version);
                    await write.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }

                var elapsedMs = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Log.BulkWritten(_logger, "inventory load", rows.Count, rows.Count, elapsedMs);
                return rows.Count;
            },
            cancellationToken);

    public override async Task BulkAppendSyncRunItemsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyList<SyncRunItem> items, CancellationToken cancellationToken)
    {
        var command = Sql.Command(
            connection,
            transaction,
            """
            INSERT INTO sync_run_items (run_id, channel, sku_code, channel_qty, target_qty, status, transaction_id, error, explanation)
            VALUES (@run_id, @channel, @sku_code, @channel_qty, @target_qty, @status, @transaction_id, @error, @explanation)
            """);
        await using (command.ConfigureAwait(false))
        {
            command.Add("@run_id", runId);
            var p = new[]
            {
                command.Add("@channel", (string?)null), command.Add("@sku_code", (string?)null), command.Add("@channel_qty", (int?)null),
                command.Add("@target_qty", (int?)null), command.Add("@status", (string?)null), command.Add("@transaction_id", (string?)null),
                command.Add("@error", (string?)null), command.Add("@explanation", (string?)null),
            };
            command.Prepare();
            foreach (var item in items)
            {
                p[0].Value = item.Channel;
                p[1].Value = item.SkuCode;
                p[2].Value = (object?)item.ChannelQty ?? DBNull.Value;
                p[3].Value = item.TargetQty;
                p[4].Value = Codes.Of(item.Status);
                p[5].Value = (object?)item.TransactionId ?? DBNull.Value;
                p[6].Value = (object?)item.Error ?? DBNull.Value;
                p[7].Value = (object?)item.Explanation ?? DBNull.Value;
                command.ExecuteNonQuery();
            }
        }
    }

    public override Exception SchemaTooNew(int found, int known) => new SchemaVersionException("SQLite database", found, known);

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string text, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
#pragma warning disable CA2100 // only the connection's PRAGMA literals reach here (busy_timeout is an int from validated options)
            command.CommandText = text;
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
