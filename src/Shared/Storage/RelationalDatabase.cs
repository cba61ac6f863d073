using System.Data.Common;
using Orchestrator.Reconciliation;

namespace Orchestrator.Storage.Relational;

/// <summary>
/// What the shared store code needs from a provider: how to run a write transaction and a read, the few SQL fragments
/// that differ between engines, and the bulk paths.
/// </summary>
internal abstract class RelationalDatabase
{
    /// <summary>Gets the provider name for logs and errors.</summary>
    public abstract string Provider { get; }

    /// <summary>Gets a description of where the data lives, without credentials.</summary>
    public abstract string Location { get; }

    /// <summary>Gets the DDL of an auto-numbered <c>bigint</c> primary key column named <c>id</c>.</summary>
    public abstract string IdentityColumn { get; }

    /// <summary>Gets the clause that locks the rows a SELECT reads until the transaction ends ("" where writes are serialized anyway).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Gets the clause that locks the rows a SELECT reads and skips rows locked by others.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>Gets the clause that takes a shared lock on the rows a SELECT reads.</summary>
    public abstract string ForShare { get; }

    /// <summary>
    /// Gets a value indicating whether many rows should be written with one set-based statement per chunk (a server, where every
    /// statement is a network round trip) rather than one prepared statement rebound per row (an embedded engine, where a
    /// statement costs no round trip and binding thousands of named parameters in one statement costs more than it saves).
    /// </summary>
    public abstract bool SetBasedWrites { get; }

    /// <summary>Gets the statements of schema version 1 that differ between engines (sequences, counters).</summary>
    public abstract IReadOnlyList<string> EngineSpecificV1 { get; }

    /// <summary>Runs <paramref name="work"/> in one write transaction and commits it; rolls back when it throws.</summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a connection that reads committed data.</summary>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Runs the migration <paramref name="work"/> in one transaction that no other instance can run at the same time.</summary>
    public abstract Task<T> MigrateAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Returns the next value of the global inventory version sequence.</summary>
    public abstract Task<long> NextInventoryVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Appends discrepancies whose transaction id is new, in input order, in one transaction.</summary>
    public abstract Task<int> BulkAppendDiscrepanciesAsync(IReadOnlyList<StockDiscrepancy> rows, CancellationToken cancellationToken);

    /// <summary>Upserts positions (already validated, unique per warehouse and SKU), giving each a new version, in one transaction.</summary>
    public abstract Task<int> BulkLoadInventoryAsync(IReadOnlyList<InventoryPosition> rows, CancellationToken cancellationToken);

    /// <summary>Appends sync-run items in input order.</summary>
    public abstract Task BulkAppendSyncRunItemsAsync(DbConnection connection, DbTransaction transaction, string runId, IReadOnlyList<SyncRunItem> items, CancellationToken cancellationToken);

    /// <summary>Creates the error raised when the database schema is newer than this code.</summary>
    public abstract Exception SchemaTooNew(int found, int known);
}
