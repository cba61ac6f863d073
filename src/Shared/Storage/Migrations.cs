using Microsoft.Extensions.Logging;

namespace Orchestrator.Storage.Relational;

/// <summary>One versioned schema change.</summary>
internal sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements);

/// <summary>
/// The versioned schema and the runner that applies it at open: idempotent, one instance at a time, and refusing a
/// database whose schema is newer than this code.
/// </summary>
/// <remarks>
/// A migration is never edited once released: a change to the schema is a new entry with the next version. Every migration
/// and its <c>schema_version</c> row are written in the same transaction, so a crash leaves the schema at a known version.
/// </remarks>
internal static class Migrations
{
    /// <summary>The newest schema version this code knows.</summary>
    public const int Latest = 3;

    public static IReadOnlyList<Migration> All(RelationalDatabase database)
    {
        var id = database.IdentityColumn;
        var v1 = new List<string>
        {
            // Order buffer (seed 000 訂單暫存表) and its task: one row per (source, order_id), enforced by the key.
            """
            CREATE TABLE order_buffer (
                source text NOT NULL,
                order_id text NOT NULL,
                created_at bigint NOT NULL,
                changed_at bigint NOT NULL,
                source_status text NOT NULL,
                warehouse_id text NULL,
                lines text NOT NULL,
                attributes text NULL,
                status text NOT NULL,
                flow text NULL,
                attempts integer NOT NULL,
                last_error text NULL,
                received_at bigint NOT NULL,
                marked_at_source_at bigint NULL,
                next_attempt_at bigint NULL,
                task_created_at bigint NULL,
                updated_at bigint NOT NULL,
                PRIMARY KEY (source, order_id))
            """,
            "CREATE INDEX ix_order_buffer_not_marked ON order_buffer (source, received_at, order_id) WHERE marked_at_source_at IS NULL",
            "CREATE INDEX ix_order_buffer_without_task ON order_buffer (source, received_at, order_id) WHERE flow IS NULL",
            "CREATE INDEX ix_order_buffer_retry ON order_buffer (next_attempt_at) WHERE status = 'FAILED'",
            "CREATE INDEX ix_order_buffer_status ON order_buffer (source, status)",

            // StockDiscrepancyLog (seed 000): every field of the seed table plus type, transaction id, locations and explained quantity.
            $"""
            CREATE TABLE stock_discrepancy_log (
                id {id},
                transaction_id text NOT NULL UNIQUE,
                type text NOT NULL,
                sku_code text NOT NULL,
                warehouse_id text NOT NULL,
                inventory_qty integer NOT NULL,
                wes_qty integer NOT NULL,
                discrepancy bigint NOT NULL,
                detected_at bigint NOT NULL,
                status text NOT NULL,
                resolved_by text NULL,
                resolved_at bigint NULL,
                note text NULL,
                inventory_location text NULL,
                wes_location text NULL,
                explained_qty integer NOT NULL)
            """,
            "CREATE INDEX ix_discrepancy_warehouse_sku ON stock_discrepancy_log (warehouse_id, sku_code, id)",
            "CREATE INDEX ix_discrepancy_detected_at ON stock_discrepancy_log (detected_at)",
            "CREATE INDEX ix_discrepancy_open ON stock_discrepancy_log (warehouse_id, sku_code) WHERE status = 'OPEN'",

            // Pending-sync queue (outbox). Transaction ids are remembered apart from the rows, because coalescing replaces a row's id.
            $"""
            CREATE TABLE pending_sync (
                id {id},
                transaction_id text NOT NULL,
                target text NOT NULL,
                kind text NOT NULL,
                coalescing_key text NOT NULL,
                payload text NOT NULL,
                priority integer NOT NULL,
                not_before bigint NOT NULL,
                state text NOT NULL,
                attempts integer NOT NULL,
                last_error text NULL,
                lease_token text NULL,
                lease_expires_at bigint NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL)
            """,
            "CREATE UNIQUE INDEX ux_pending_sync_coalescing ON pending_sync (coalescing_key) WHERE state = 'PENDING'",
            "CREATE INDEX ix_pending_sync_due ON pending_sync (state, priority DESC, not_before, id)",
            "CREATE TABLE pending_sync_transactions (transaction_id text PRIMARY KEY, enqueued_at bigint NOT NULL)",

            // Watermarks per source and partition, fenced by the poller's lease.
            """
            CREATE TABLE watermarks (
                source text NOT NULL,
                partition_key text NOT NULL,
                value bigint NOT NULL,
                lock_name text NOT NULL,
                fencing_token bigint NOT NULL,
                PRIMARY KEY (source, partition_key))
            """,

            // Job locks as leases; the row is kept after release so the fencing token only grows.
            """
            CREATE TABLE job_locks (
                name text PRIMARY KEY,
                owner text NULL,
                fencing_token bigint NOT NULL,
                expires_at bigint NOT NULL,
                acquired_at bigint NOT NULL)
            """,

            // Sync-run history and per-item results.
            """
            CREATE TABLE sync_runs (
                run_id text PRIMARY KEY,
                workflow text NOT NULL,
                trigger_name text NOT NULL,
                state text NOT NULL,
                started_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                completed_at bigint NULL,
                error text NULL,
                kpis text NULL,
                stages text NULL)
            """,
            "CREATE INDEX ix_sync_runs_started_at ON sync_runs (started_at)",
            $"""
            CREATE TABLE sync_run_items (
                id {id},
                run_id text NOT NULL,
                channel text NOT NULL,
                sku_code text NOT NULL,
                channel_qty integer NULL,
                target_qty integer NOT NULL,
                status text NOT NULL,
                transaction_id text NULL,
                error text NULL,
                explanation text NULL)
            """,
            "CREATE INDEX ix_sync_run_items_run ON sync_run_items (run_id, id)",

            // Stock Reconciliation Tasks: at most one not-closed task per warehouse and SKU.
            $"""
            CREATE TABLE reconciliation_tasks (
                id {id},
                warehouse_id text NOT NULL,
                sku_code text NOT NULL,
                inventory_qty integer NOT NULL,
                wes_qty integer NOT NULL,
                discrepancy_transaction_id text NOT NULL,
                created_at bigint NOT NULL,
                status text NOT NULL,
                counted_qty integer NULL,
                counted_by text NULL,
                counted_at bigint NULL,
                resynced_at bigint NULL)
            """,
            "CREATE UNIQUE INDEX ux_reconciliation_tasks_open ON reconciliation_tasks (warehouse_id, sku_code) WHERE status <> 'RESYNCED'",
            "CREATE INDEX ix_reconciliation_tasks_status ON reconciliation_tasks (status, created_at)",

            // Allocation pauses, kept after resume as an audit trail; at most one active pause per warehouse and SKU.
            $"""
            CREATE TABLE allocation_pauses (
                id {id},
                warehouse_id text NOT NULL,
                sku_code text NOT NULL,
                reason text NOT NULL,
                paused_by text NOT NULL,
                paused_at bigint NOT NULL,
                resumed_by text NULL,
                resumed_at bigint NULL)
            """,
            "CREATE UNIQUE INDEX ux_allocation_pauses_active ON allocation_pauses (warehouse_id, sku_code) WHERE resumed_at IS NULL",

            // Inventory book of record, and the transactions applied to it (written in the same transaction as the change).
            """
            CREATE TABLE inventory_positions (
                warehouse_id text NOT NULL,
                sku_code text NOT NULL,
                on_hand integer NOT NULL CHECK (on_hand >= 0),
                reserved integer NOT NULL CHECK (reserved >= 0),
                committed integer NOT NULL CHECK (committed >= 0),
                location text NULL,
                version bigint NOT NULL,
                updated_at bigint NOT NULL,
                PRIMARY KEY (warehouse_id, sku_code))
            """,
            "CREATE INDEX ix_inventory_positions_version ON inventory_positions (warehouse_id, version)",
            """
            CREATE TABLE inventory_transactions (
                transaction_id text PRIMARY KEY,
                warehouse_id text NOT NULL,
                sku_code text NOT NULL,
                kind text NOT NULL,
                quantity integer NOT NULL,
                reason text NULL,
                version bigint NOT NULL,
                applied_at bigint NOT NULL)
            """,
        };
        v1.AddRange(database.EngineSpecificV1);
        var v2 = new List<string>
        {
            // When a queue item's payload was last enqueued (insert or coalescing upsert): a claim completes as superseded an item
            // whose key already has a delivered item enqueued later, so a reclaimed stale lease never resends an older quantity.
            "ALTER TABLE pending_sync ADD COLUMN enqueued_at bigint NOT NULL DEFAULT 0",
            "CREATE INDEX ix_pending_sync_key ON pending_sync (coalescing_key, state)",
        };
        var v3 = new List<string>
        {
            // Each intake write of a source, with its count of orders not yet marked at the source: when the source confirms all
            // of them, the write is marked (all_marked_at) instead of every order's row. Orders of a write only partly confirmed
            // are marked on their own row, as are the orders buffered before this version (write_id NULL).
            $"""
            CREATE TABLE order_buffer_writes (
                id {id},
                write_source text NOT NULL,
                write_partition text NULL,
                written_at bigint NOT NULL,
                unmarked integer NOT NULL,
                all_marked_at bigint NULL)
            """,
            "CREATE INDEX ix_order_buffer_writes_open ON order_buffer_writes (write_source, id) WHERE unmarked > 0",
            "ALTER TABLE order_buffer ADD COLUMN write_id bigint NULL",
            "DROP INDEX ix_order_buffer_not_marked",
            "CREATE INDEX ix_order_buffer_not_marked ON order_buffer (source, write_id, received_at, order_id) WHERE marked_at_source_at IS NULL",
        };
        return
        [
            new Migration(1, "initial schema", v1),
            new Migration(2, "pending_sync.enqueued_at for superseded claims", v2),
            new Migration(3, "order_buffer_writes: marks recorded per intake write", v3),
        ];
    }

    /// <summary>Brings the schema to <see cref="Latest"/>.</summary>
    /// <returns>The version found and the version after the call.</returns>
    public static Task<(int Found, int Now)> ApplyAsync(RelationalDatabase database, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
        => database.MigrateAsync(
            async (connection, transaction) =>
            {
                var create = Sql.Command(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, description text NOT NULL, applied_at bigint NOT NULL)");
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }

                int found;
                var read = Sql.Command(connection, transaction, "SELECT coalesce(max(version), 0) FROM schema_version");
                await using (read.ConfigureAwait(false))
                {
                    found = (int)(await read.ScalarInt64Async(cancellationToken).ConfigureAwait(false) ?? 0);
                }

                if (found > Latest)
                {
                    Log.SchemaTooNew(logger, database.Provider, found, Latest);
                    throw database.SchemaTooNew(found, Latest);
                }

                foreach (var migration in All(database))
                {
                    if (migration.Version <= found)
                    {
                        continue;
                    }

                    foreach (var statement in migration.Statements)
                    {
                        var command = Sql.Command(connection, transaction, statement);
                        await using (command.ConfigureAwait(false))
                        {
                            await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                        }
                    }

                    var record = Sql.Command(connection, transaction, "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @at)");
                    await using (record.ConfigureAwait(false))
                    {
                        record.Add("@v", migration.Version);
                        record.Add("@d", migration.Description);
                        record.Add("@at", time.GetUtcNow());
                        await record.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                    }

                    Log.MigrationApplied(logger, database.Provider, migration.Version, migration.Description);
                }

                return (found, Math.Max(found, Latest));
            },
            cancellationToken);
}
