using System.Data.Common;
using System.Text.Json;
using Orchestrator.Diagnostics;

namespace Orchestrator.Storage.Relational;

/// <summary>Sync-run history: one row per run (KPIs and stage timings as JSON) and its item results in insertion order.</summary>
internal sealed class SyncRunStore(RelationalDatabase database) : ISyncRunStore
{
    private const string Columns = "run_id, workflow, trigger_name, state, started_at, updated_at, completed_at, error, kpis, stages";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task StartAsync(SyncRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrWhiteSpace(run.RunId);
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    INSERT INTO sync_runs (run_id, workflow, trigger_name, state, started_at, updated_at, completed_at, error, kpis, stages)
                    VALUES (@run_id, @workflow, @trigger, @state, @started_at, @updated_at, @completed_at, @error, @kpis, @stages)
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@run_id", run.RunId);
                    command.Add("@workflow", run.Workflow);
                    command.Add("@trigger", run.Trigger);
                    command.Add("@state", Codes.Of(run.State));
                    command.Add("@started_at", run.StartedAt);
                    command.Add("@updated_at", run.UpdatedAt);
                    command.Add("@completed_at", run.CompletedAt);
                    command.Add("@error", run.Error);
                    command.Add("@kpis", run.Kpis is null ? null : JsonSerializer.Serialize(run.Kpis, Json));
                    command.Add("@stages", run.Stages is null ? null : SerializeStages(run.Stages));
                    return await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task SetStateAsync(string runId, SyncRunState state, DateTimeOffset at, string? errorMessage, CancellationToken cancellationToken)
        => UpdateAsync(runId, state, at, errorMessage, null, null, cancellationToken);

    public Task AppendItemsAsync(string runId, IReadOnlyList<SyncRunItem> items, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(
            async (connection, transaction) =>
            {
                await database.BulkAppendSyncRunItemsAsync(connection, transaction, runId, items, cancellationToken).ConfigureAwait(false);
                return 0;
            },
            cancellationToken);
    }

    public Task CompleteAsync(string runId, SyncRunState state, SyncKpis kpis, IReadOnlyDictionary<string, TimeSpan> stages, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        ArgumentNullException.ThrowIfNull(stages);
        return UpdateAsync(runId, state, at, null, kpis, stages, cancellationToken);
    }

    public Task<SyncRun?> GetAsync(string runId, CancellationToken cancellationToken)
        => database.ReadAsync(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM sync_runs WHERE run_id = @run_id");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@run_id", runId);
                    return await command.FirstOrDefaultAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<SyncRun>> GetRecentAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<SyncRun>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, $"SELECT {Columns} FROM sync_runs ORDER BY started_at DESC, run_id DESC LIMIT @limit");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@limit", limit);
                    return await command.ListAsync(Map, cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<SyncRunItem>> GetItemsAsync(string runId, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return database.ReadAsync<IReadOnlyList<SyncRunItem>>(
            async connection =>
            {
                var command = Sql.Command(
                    connection,
                    null,
                    "SELECT channel, sku_code, channel_qty, target_qty, status, transaction_id, error, explanation FROM sync_run_items WHERE run_id = @run_id ORDER BY id LIMIT @limit OFFSET @offset");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@run_id", runId);
                    command.Add("@limit", limit);
                    command.Add("@offset", offset);
                    return await command.ListAsync(
                        r => new SyncRunItem(r.GetString(0), r.GetString(1), r.NullableInt32(2), r.Int32(3), Codes.SyncItemStatusOf(r.GetString(4)), r.NullableString(5), r.NullableString(6), r.NullableString(7)),
                        cancellationToken).ConfigureAwait(false);
                }
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<SyncItemCount>> CountItemsAsync(string runId, CancellationToken cancellationToken)
        => database.ReadAsync<IReadOnlyList<SyncItemCount>>(
            async connection =>
            {
                var command = Sql.Command(connection, null, "SELECT channel, status, COUNT(*) FROM sync_run_items WHERE run_id = @run_id GROUP BY channel, status");
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@run_id", runId);
                    var rows = await command.ListAsync(r => new SyncItemCount(r.GetString(0), Codes.SyncItemStatusOf(r.GetString(1)), r.Int64(2)), cancellationToken).ConfigureAwait(false);
                    return [.. rows.OrderBy(c => c.Channel, StringComparer.Ordinal).ThenBy(c => c.Status)];
                }
            },
            cancellationToken);

    private Task<int> UpdateAsync(string runId, SyncRunState state, DateTimeOffset at, string? errorMessage, SyncKpis? kpis, IReadOnlyDictionary<string, TimeSpan>? stages, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var final = state is SyncRunState.Completed or SyncRunState.Error;
        return database.WriteAsync(
            async (connection, transaction) =>
            {
                var command = Sql.Command(
                    connection,
                    transaction,
                    """
                    UPDATE sync_runs SET state = @state, updated_at = @at,
                        completed_at = CASE WHEN @final = 1 THEN @at ELSE completed_at END,
                        error = coalesce(@error, error),
                        kpis = coalesce(@kpis, kpis),
                        stages = coalesce(@stages, stages)
                    WHERE run_id = @run_id
                    """);
                await using (command.ConfigureAwait(false))
                {
                    command.Add("@state", Codes.Of(state));
                    command.Add("@at", at);
                    command.Add("@final", final ? 1 : 0);
                    command.Add("@error", errorMessage);
                    command.Add("@kpis", kpis is null ? null : JsonSerializer.Serialize(kpis, Json));
                    command.Add("@stages", stages is null ? null : SerializeStages(stages));
                    command.Add("@run_id", runId);
                    if (await command.ExecuteAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        throw new InvalidOperationException($"Sync run '{runId}' was never started.");
                    }

                    return 0;
                }
            },
            cancellationToken);
    }

    // Stage timings are stored as ticks so they round-trip exactly.
    private static string SerializeStages(IReadOnlyDictionary<string, TimeSpan> stages)
        => JsonSerializer.Serialize(stages.ToDictionary(p => p.Key, p => p.Value.Ticks), Json);

    private static SyncRun Map(DbDataReader r)
        => new(r.GetString(0), r.GetString(1), r.GetString(2), Codes.SyncRunStateOf(r.GetString(3)), r.Time(4), r.Time(5))
        {
            CompletedAt = r.NullableTime(6),
            Error = r.NullableString(7),
            Kpis = r.IsDBNull(8) ? null : JsonSerializer.Deserialize<SyncKpis>(r.GetString(8), Json),
            Stages = r.IsDBNull(9)
                ? null
                : (JsonSerializer.Deserialize<Dictionary<string, long>>(r.GetString(9), Json) ?? []).ToDictionary(p => p.Key, p => TimeSpan.FromTicks(p.Value)),
        };
}
