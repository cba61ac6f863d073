using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Diagnostics;
using Orchestrator.Internal;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Reconciliation;

/// <summary>
/// Runs the periodic WES → Inventory comparison of seed 000 for one warehouse (WF-RECON-WES): reads both sides and the WES
/// movements of a window, classifies and logs every discrepancy, plans with <see cref="ReconciliationPolicy"/>, carries out
/// every action, resolves what was fixed and records the run.
/// </summary>
/// <remarks>
/// <para>States: COLLECTING → ANALYZING → SYNCING → COMPLETED, or ERROR; each move is persisted in the sync-run store.</para>
/// <para>Every write has a transaction id: WES movements are applied under the WES transaction id, fixes under ids derived from
/// the detection, pauses and tasks keep the first, the Full Sync Job is one queue item per warehouse and hour. A run that fails
/// halfway (the WES or a store down) loses nothing: the next run finishes the job and replays change nothing.</para>
/// <para>The movement window ends when the WES snapshot read starts. SKUs the WES moved while the snapshot was being read are
/// left for the next run (counted as deferred), so a fix is never computed from a snapshot that already includes a movement
/// the inventory will apply later.</para>
/// <para>A counted Stock Reconciliation Task is resynced by <see cref="ApplyCountAsync"/> or <see cref="ResyncCountedTasksAsync"/>:
/// inventory on hand and the WES are both set to the count under one transaction id, so the WES adjust movement the count makes
/// is seen as applied by the next run.</para>
/// <para>Not thread-safe for overlapping runs of the same warehouse: the host runs it under a job lock.</para>
/// </remarks>
public sealed class WesReconciliationWorkflow
{
    /// <summary>The workflow id recorded in the sync-run store.</summary>
    public const string WorkflowId = "WF-RECON-WES";

    /// <summary>The pending-sync item kind of a scheduled Full Sync Job (target <see cref="FullSyncTarget"/>).</summary>
    public const string FullSyncKind = "wes-full-sync";

    /// <summary>The pending-sync target of a scheduled Full Sync Job.</summary>
    public const string FullSyncTarget = "wes";

    /// <summary>The watermark source of <see cref="RunIncrementalAsync"/>: the WES version compared up to (partition = warehouse).</summary>
    public const string IncrementalVersionSource = "reconciliation-wes-version";

    private const int AppliedLookupBatch = 5_000;

    private readonly IWesClient _wes;
    private readonly WesReconciliationStores _stores;
    private readonly WesReconciliationOptions _options;
    private readonly ReconciliationPolicy _policy;
    private readonly IAlertDispatcher? _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="WesReconciliationWorkflow"/> class.</summary>
    /// <param name="wes">The WES of the warehouse.</param>
    /// <param name="stores">The stores the run reads and writes.</param>
    /// <param name="options">The options.</param>
    /// <param name="policy">The policy, or <see langword="null"/> for the seed's defaults.</param>
    /// <param name="alerts">The alert dispatcher, or <see langword="null"/> to send none (alerts are still returned).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public WesReconciliationWorkflow(
        IWesClient wes,
        WesReconciliationStores stores,
        WesReconciliationOptions options,
        ReconciliationPolicy? policy = null,
        IAlertDispatcher? alerts = null,
        TimeProvider? timeProvider = null,
        ILogger<WesReconciliationWorkflow>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(wes);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.MovementWindow <= TimeSpan.Zero)
        {
            throw new ValidationException("The movement window must be longer than zero.");
        }

        _wes = wes;
        _stores = stores;
        _options = options;
        _policy = policy ?? new ReconciliationPolicy();
        _alerts = alerts;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Runs one comparison of the warehouse and carries out the plan.</summary>
    /// <param name="trigger">What started it: <c>schedule</c>, an event name, or <c>manual</c>.</param>
    /// <param name="cancellationToken">Cancels the run; its state stays as last recorded and the next run finishes the job.</param>
    /// <returns>What the run found and did. A failure is reported (state <see cref="SyncRunState.Error"/>), not thrown.</returns>
    public Task<WesReconciliationResult> RunAsync(string trigger, CancellationToken cancellationToken) => RunAsync(trigger, null, cancellationToken);

    /// <summary>Runs one comparison of the whole warehouse or of some SKUs only, and carries out the plan.</summary>
    /// <param name="trigger">What started it.</param>
    /// <param name="skuCodes">Only these SKUs (the WES read for them, their inventory positions, their movements), or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What the run found and did. A failure is reported, not thrown.</returns>
    /// <remarks>A SKU-subset run applies the same policy to the SKUs it compares; the mass-mismatch alert and the Full Sync Job
    /// count only those SKUs, so they are left to full runs in practice.</remarks>
    public async Task<WesReconciliationResult> RunAsync(string trigger, IReadOnlyCollection<string>? skuCodes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        var started = _time.GetTimestamp();
        var startedAt = _time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{WorkflowId}-{_options.WarehouseId}-{startedAt:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}");
        var run = new RunState(runId);
        await _stores.SyncRuns.StartAsync(new SyncRun(runId, WorkflowId, trigger, SyncRunState.Collecting, startedAt, startedAt), cancellationToken).ConfigureAwait(false);
        Log.ReconciliationStarted(_logger, runId, _options.WarehouseId, trigger);
        try
        {
            // Collecting: WES snapshot, inventory snapshot, WES movements not yet applied.
            var stage = _time.GetTimestamp();
            var collected = await CollectAsync(run, cancellationToken, skuCodes).ConfigureAwait(false);
            run.Stages["collect"] = _time.GetElapsedTime(stage);
            if (collected is null)
            {
                return await FailAsync(run, run.Error ?? "the WES could not be read (ERR-INV-004)", started).ConfigureAwait(false);
            }

            // Analyzing: classify, count consecutive detections, log.
            await SetStateAsync(run, SyncRunState.Analyzing, cancellationToken).ConfigureAwait(false);
            stage = _time.GetTimestamp();
            var (inventory, wes, unapplied, inFlight) = collected.Value;
            var classified = DiscrepancyClassifier.Classify(inventory, wes, unapplied, runId, _time.GetUtcNow());
            var discrepancies = new List<StockDiscrepancy>(classified.Count);
            foreach (var d in classified)
            {
                if (inFlight.Contains(d.SkuCode))
                {
                    run.Deferred++;
                    continue;
                }

                discrepancies.Add(d);
            }

            if (run.Deferred > 0)
            {
                Log.ReconciliationDeferred(_logger, runId, run.Deferred);
            }

            var observations = new List<DiscrepancyObservation>(discrepancies.Count);
            foreach (var d in discrepancies)
            {
                var open = await _stores.DiscrepancyLog.CountOpenAsync(d.WarehouseId, d.SkuCode, cancellationToken).ConfigureAwait(false);
                observations.Add(new DiscrepancyObservation(d, open + 1));
            }

            run.Logged = discrepancies.Count == 0 ? 0 : await _stores.DiscrepancyLog.AppendAsync(discrepancies, cancellationToken).ConfigureAwait(false);
            var deferredSkus = new HashSet<string>(inFlight, StringComparer.Ordinal);
            var plan = _policy.Plan(observations, unapplied.Where(m => !deferredSkus.Contains(m.SkuCode)).ToList());
            run.Stages["analyze"] = _time.GetElapsedTime(stage);

            // Syncing: carry out the plan.
            await SetStateAsync(run, SyncRunState.Syncing, cancellationToken).ConfigureAwait(false);
            stage = _time.GetTimestamp();
            foreach (var decision in plan.Decisions)
            {
                await CarryOutAsync(run, decision, cancellationToken).ConfigureAwait(false);
            }

            foreach (var action in plan.WarehouseActions)
            {
                await ExecuteAsync(run, action, null, cancellationToken).ConfigureAwait(false);
            }

            run.Stages["sync"] = _time.GetElapsedTime(stage);
            await DispatchAsync(run, cancellationToken).ConfigureAwait(false);

            await _stores.SyncRuns.AppendItemsAsync(runId, run.Items, cancellationToken).ConfigureAwait(false);
            var compared = (long)inventory.Catalog.Count;
            var kpis = new SyncKpis(compared, compared - discrepancies.Count + run.Resolved, StockedOut(wes), wes.ReportedCount, run.WesCalls, run.WesCallsSucceeded, _time.GetElapsedTime(started));
            await _stores.SyncRuns.CompleteAsync(runId, SyncRunState.Completed, kpis, run.Stages, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var appliedCount = run.Actions.Count(a => a.Status != ReconciliationActionStatus.Failed);
            var failedCount = run.Actions.Count(a => a.Status == ReconciliationActionStatus.Failed);
            Log.ReconciliationCompleted(_logger, runId, compared, discrepancies.Count, run.Logged, appliedCount, failedCount, run.Resolved, run.Deferred, kpis.Duration.TotalSeconds);
            return Result(run, SyncRunState.Completed, compared, discrepancies, plan.Decisions, kpis, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var code = ex is WarehouseApiException ? "ERR-INV-004" : (ex as OrchestratorException)?.ErrorCode ?? "ERR-SYS";
            var reason = $"{ex.GetType().Name}: {ex.Message} ({code})";
            Log.ReconciliationFailed(_logger, ex, runId, reason);
            if (ex is WarehouseApiException)
            {
                run.Alerts.Add(WesDownAlert(run, ex.Message));
            }

            return await FailAsync(run, reason, started).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Compares only the SKUs the WES changed since the last compared version (seed 000: version numbers as the basis of
    /// incremental sync), between the periodic full runs: reads <c>GET /v1/stock?sinceVersion=</c>, runs
    /// <see cref="RunAsync(string, IReadOnlyCollection{string}?, CancellationToken)"/> for those SKUs, and moves the watermark
    /// (<see cref="IncrementalVersionSource"/>, partition = warehouse) to the WES's announced counter once that run completed.
    /// </summary>
    /// <param name="trigger">What started it.</param>
    /// <param name="watermarks">The durable watermarks.</param>
    /// <param name="lease">The reconciliation's job lease; the watermark write is refused once another holder took it over.</param>
    /// <param name="cancellationToken">Cancels the run; the watermark stays.</param>
    /// <returns>What was done. A failure is reported, not thrown.</returns>
    /// <remarks>
    /// <para>No watermark or more than <see cref="WesReconciliationOptions.IncrementalMaxChangedSkus"/> changes → a full run, which stores
    /// the version its own WES read started from. A failed change read or run keeps the watermark, so the same changes are compared again.
    /// Out-of-order WES commits are covered by the contract's guarantee on <c>highestVersion</c> (docs/wes-contract.md).</para>
    /// <para>Only WES-side changes are followed: a change made in the inventory store alone (its versions,
    /// <see cref="IInventoryStore.GetChangesAsync"/>) is found by the next full run.</para>
    /// </remarks>
    /// <exception cref="LeaseLostException">The lease was taken over before the watermark was written.</exception>
    public async Task<IncrementalReconciliationResult> RunIncrementalAsync(string trigger, IWatermarkStore watermarks, JobLease lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        ArgumentNullException.ThrowIfNull(watermarks);
        ArgumentNullException.ThrowIfNull(lease);
        var stored = await watermarks.GetAsync(IncrementalVersionSource, _options.WarehouseId, cancellationToken).ConfigureAwait(false);
        long? since = stored?.UtcTicks;
        if (since is null)
        {
            return await FullForIncrementalAsync(trigger, "no watermark yet", null, watermarks, lease, cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<string> changed;
        long? announced;
        try
        {
            (changed, announced) = await WesChangeFeed.ReadChangedAsync(_wes, _options.WarehouseId, since.Value, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.IncrementalReconciliationReadFailed(_logger, ex, _options.WarehouseId, since.Value);
            return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.Incremental, "the WES change feed could not be read", since, null, 0, null, false, $"{ex.GetType().Name}: {ex.Message} (ERR-INV-004)");
        }

        if (announced is not { } highest)
        {
            return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.Incremental, "the WES announced no version", since, null, 0, null, false,
                "The WES announces no row versions (highestVersion), so changes cannot be read incrementally; only full runs reconcile this warehouse.");
        }

        if (changed.Count > _options.IncrementalMaxChangedSkus)
        {
            return await FullForIncrementalAsync(trigger, $"{changed.Count} SKUs changed, more than {_options.IncrementalMaxChangedSkus}", since, watermarks, lease, cancellationToken).ConfigureAwait(false);
        }

        if (changed.Count == 0)
        {
            await watermarks.AdvanceAsync(IncrementalVersionSource, _options.WarehouseId, WesChangeFeed.AsWatermark(highest), lease, cancellationToken).ConfigureAwait(false);
            return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.NoChanges, "nothing changed", since, highest, 0, null, true);
        }

        var run = await RunAsync(trigger, changed, cancellationToken).ConfigureAwait(false);
        if (run.State != SyncRunState.Completed)
        {
            return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.Incremental, "the subset run did not complete", since, highest, changed.Count, run, false, run.Error);
        }

        await watermarks.AdvanceAsync(IncrementalVersionSource, _options.WarehouseId, WesChangeFeed.AsWatermark(highest), lease, cancellationToken).ConfigureAwait(false);
        Log.IncrementalReconciled(_logger, _options.WarehouseId, run.RunId, changed.Count, since.Value, highest, run.Discrepancies.Count);
        return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.Incremental, $"{changed.Count} SKUs changed", since, highest, changed.Count, run, true);
    }

    private async Task<IncrementalReconciliationResult> FullForIncrementalAsync(string trigger, string reason, long? since, IWatermarkStore watermarks, JobLease lease, CancellationToken cancellationToken)
    {
        var run = await RunAsync(trigger, null, cancellationToken).ConfigureAwait(false);
        var advance = run.State == SyncRunState.Completed && run.WesVersion is not null;
        if (advance)
        {
            await watermarks.AdvanceAsync(IncrementalVersionSource, _options.WarehouseId, WesChangeFeed.AsWatermark(run.WesVersion!.Value), lease, cancellationToken).ConfigureAwait(false);
        }

        return new IncrementalReconciliationResult(Sync.IncrementalSyncMode.Full, reason, since, run.WesVersion, (int)Math.Min(int.MaxValue, run.Compared), run, advance, run.Error);
    }

    /// <summary>Records the count of an open task and resyncs both systems to it (seed 000: 盤點完成後重新同步雙方數據).</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="countedQty">The quantity counted on the shelf; 0 or more.</param>
    /// <param name="countedBy">Who counted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done. A task already counted is resynced with its recorded count; a task already resynced is reported as such.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="countedQty"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The task does not exist or belongs to another warehouse.</exception>
    public async Task<CountResyncResult> ApplyCountAsync(long taskId, int countedQty, string countedBy, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(countedQty);
        ArgumentException.ThrowIfNullOrWhiteSpace(countedBy);
        var task = await _stores.ReconciliationTasks.GetAsync(taskId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Reconciliation task {taskId} does not exist.");
        if (!string.Equals(task.WarehouseId, _options.WarehouseId, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Reconciliation task {taskId} is of warehouse '{task.WarehouseId}', not '{_options.WarehouseId}'.");
        }

        if (task.Status == ReconciliationTaskStatus.Open)
        {
            task = await _stores.ReconciliationTasks.RecordCountAsync(taskId, countedQty, countedBy, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false)
                ?? await _stores.ReconciliationTasks.GetAsync(taskId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Reconciliation task {taskId} vanished.");
        }

        return await ResyncAsync(task, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resyncs every counted task of the warehouse: sets inventory on hand and the WES to the count, closes the task and resolves the SKU's open discrepancies.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One result per counted task. A task whose resync failed stays counted and is tried again next time.</returns>
    public async Task<IReadOnlyList<CountResyncResult>> ResyncCountedTasksAsync(CancellationToken cancellationToken)
    {
        var tasks = await _stores.ReconciliationTasks.ListAsync(ReconciliationTaskStatus.Counted, _options.WarehouseId, _options.ResyncBatchSize, cancellationToken).ConfigureAwait(false);
        var results = new List<CountResyncResult>(tasks.Count);
        foreach (var task in tasks)
        {
            results.Add(await ResyncAsync(task, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// Runs a Full Sync Job of the warehouse (seed 000: 全倉同步任務, the daily full sync): sets inventory on hand to the WES
    /// quantity for every SKU where they differ, the WES being the truth for physical stock.
    /// </summary>
    /// <param name="transactionId">The job's transaction id (the pending-sync item's); SKU <c>s</c> is set under <c>{transactionId}:{s}</c>,
    /// so a second run of the same job changes nothing.</param>
    /// <param name="cancellationToken">Cancels the job; what was set stays set and a re-run finishes the rest.</param>
    /// <returns>What the job did.</returns>
    /// <remarks>
    /// <para>SKUs with WES movements the inventory store has not applied yet (before the snapshot, or while it was read) are
    /// <b>skipped</b>: the snapshot already includes those movements, and the reconciliation applies them later by their WES
    /// transaction id, so setting on hand from the snapshot now would count them twice. The next reconciliation run applies the
    /// movements and handles what is left.</para>
    /// <para>SKUs the WES reports at 0 while inventory has stock (inventory only) are skipped unless
    /// <see cref="ReconciliationOptions.OverwriteInventoryFromWes"/> is set, as in a reconciliation run (pause and a person decides).
    /// SKUs the WES does not report are left alone. Reservations are not changed. Open discrepancies of the SKUs set are resolved.</para>
    /// </remarks>
    /// <exception cref="WarehouseApiException">The WES could not be read (ERR-INV-004); nothing was changed.</exception>
    public async Task<FullSyncResult> RunFullSyncAsync(string transactionId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionId);
        var run = new RunState(transactionId);
        var collected = await CollectAsync(run, cancellationToken).ConfigureAwait(false)
            ?? throw new WarehouseApiException(ChannelFailureKind.Unavailable, run.Error ?? "the WES could not be read (ERR-INV-004)");
        var (inventory, wes, unapplied, inFlight) = collected;
        var moving = new HashSet<string>(inFlight, StringComparer.Ordinal);
        moving.UnionWith(unapplied.Select(m => m.SkuCode));
        var overwriteInventoryOnly = _policy.Options.OverwriteInventoryFromWes;
        var catalog = wes.Catalog;
        var adjustments = new List<InventoryAdjustment>();
        int skippedMoving = 0, skippedInventoryOnly = 0;
        for (var i = 0; i < wes.Length; i++)
        {
            var wesQty = wes.Quantities[i];
            if (wesQty == StockSnapshot.NotReported)
            {
                continue;
            }

            var invQty = i < inventory.Length && inventory.Quantities[i] != StockSnapshot.NotReported ? inventory.Quantities[i] : 0;
            if (invQty == wesQty)
            {
                continue;
            }

            var sku = catalog.GetCode(i);
            if (moving.Contains(sku))
            {
                skippedMoving++;
                continue;
            }

            if (wesQty == 0 && !overwriteInventoryOnly)
            {
                skippedInventoryOnly++;
                continue;
            }

            adjustments.Add(new InventoryAdjustment($"{transactionId}:{sku}", _options.WarehouseId, sku, InventoryAdjustmentKind.SetOnHand, wesQty,
                string.Create(CultureInfo.InvariantCulture, $"full sync {transactionId}: inventory {invQty}, WES {wesQty}")));
        }

        int set = 0, replayed = 0, refused = 0;
        var setSkus = new List<string>();
        foreach (var chunk in adjustments.Chunk(AppliedLookupBatch))
        {
            IReadOnlyList<InventoryAdjustmentResult> results;
            try
            {
                results = await _stores.Inventory.ApplyManyAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidStockDataException)
            {
                // One adjustment of the chunk was refused: apply them one by one to find it; the others go on.
                var one = new List<InventoryAdjustmentResult>(chunk.Length);
                foreach (var adjustment in chunk)
                {
                    try
                    {
                        one.Add(await _stores.Inventory.ApplyAsync(adjustment, cancellationToken).ConfigureAwait(false));
                    }
                    catch (InvalidStockDataException ex)
                    {
                        refused++;
                        Log.ReconciliationActionRefused(_logger, adjustment.TransactionId, "FullSync", adjustment.SkuCode, adjustment.WarehouseId, ex.Message);
                    }
                }

                results = one;
            }

            foreach (var result in results)
            {
                if (result.Applied)
                {
                    set++;
                    setSkus.Add(result.Position.SkuCode);
                }
                else
                {
                    replayed++;
                }
            }
        }

        var now = _time.GetUtcNow();
        var resolved = 0;
        foreach (var sku in setSkus)
        {
            resolved += await _stores.DiscrepancyLog.ResolveOpenAsync(_options.WarehouseId, sku, ReconciliationPolicy.Actor, $"full sync {transactionId}", now, cancellationToken).ConfigureAwait(false);
        }

        var compared = (long)catalog.Count;
        Log.FullSyncDone(_logger, transactionId, _options.WarehouseId, compared, set, replayed, skippedMoving, skippedInventoryOnly, refused);
        return new FullSyncResult(transactionId, _options.WarehouseId, compared, set, replayed, skippedMoving, skippedInventoryOnly, refused, resolved);
    }

    /// <summary>
    /// Runs the Full Sync Job of a <see cref="FullSyncKind"/> pending-sync item; the <see cref="Orchestrator.Sync.PendingSyncWorker"/> calls it
    /// through a <see cref="Orchestrator.Sync.PendingSyncItemHandler"/> registered for <see cref="FullSyncKind"/>.
    /// </summary>
    /// <param name="item">The item the reconciliation scheduled.</param>
    /// <param name="cancellationToken">Cancels the job.</param>
    /// <returns>A task that completes when the job has finished (the item may then be completed).</returns>
    /// <exception cref="InvalidStockDataException">The payload is unreadable or of another warehouse (the item is dead-lettered).</exception>
    /// <exception cref="WarehouseApiException">The WES could not be read (the item is retried).</exception>
    public async Task HandleFullSyncItemAsync(PendingSyncItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        FullSyncRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<FullSyncRequest>(item.Payload);
        }
        catch (JsonException ex)
        {
            throw new InvalidStockDataException($"Malformed {FullSyncKind} payload: {ex.Message}");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.WarehouseId))
        {
            throw new InvalidStockDataException($"Malformed {FullSyncKind} payload: it needs a warehouse.");
        }

        if (!string.Equals(request.WarehouseId, _options.WarehouseId, StringComparison.Ordinal))
        {
            throw new InvalidStockDataException($"The {FullSyncKind} item {item.TransactionId} is of warehouse '{request.WarehouseId}', but this workflow reconciles '{_options.WarehouseId}'.");
        }

        await RunFullSyncAsync(item.TransactionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the transaction id both systems are set to a count under.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="taskId">The task.</param>
    /// <returns><c>recount:{warehouseId}:{skuCode}:{taskId}</c>.</returns>
    public static string CountTransactionId(string warehouseId, string skuCode, long taskId) =>
        string.Create(CultureInfo.InvariantCulture, $"recount:{warehouseId}:{skuCode}:{taskId}");

    private async Task<CountResyncResult> ResyncAsync(ReconciliationTask task, CancellationToken cancellationToken)
    {
        if (task.Status == ReconciliationTaskStatus.Resynced)
        {
            return new CountResyncResult(task.Id, task.SkuCode, task.CountedQty ?? 0, true, 0);
        }

        if (task.Status != ReconciliationTaskStatus.Counted || task.CountedQty is not { } counted)
        {
            return new CountResyncResult(task.Id, task.SkuCode, task.CountedQty ?? 0, false, 0, "The task has not been counted.");
        }

        var tx = CountTransactionId(task.WarehouseId, task.SkuCode, task.Id);
        try
        {
            var note = string.Create(CultureInfo.InvariantCulture, $"counted {counted} by {task.CountedBy}, task {task.Id}");
            await _stores.Inventory.ApplyAsync(
                new InventoryAdjustment(tx, task.WarehouseId, task.SkuCode, InventoryAdjustmentKind.SetOnHand, counted, "reconciliation: " + note),
                cancellationToken).ConfigureAwait(false);
            await _wes.SetStockAsync(new WesStockUpdate(tx, task.WarehouseId, task.SkuCode, counted, Reason: "reconciliation: " + note), cancellationToken).ConfigureAwait(false);
            var now = _time.GetUtcNow();
            await _stores.ReconciliationTasks.MarkResyncedAsync(task.Id, now, cancellationToken).ConfigureAwait(false);
            var resolved = await _stores.DiscrepancyLog.ResolveOpenAsync(task.WarehouseId, task.SkuCode, ReconciliationPolicy.Actor, note, now, cancellationToken).ConfigureAwait(false);
            Log.TaskResynced(_logger, task.Id, task.SkuCode, task.WarehouseId, counted, resolved);
            return new CountResyncResult(task.Id, task.SkuCode, counted, true, resolved);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.TaskResyncFailed(_logger, ex, task.Id, task.SkuCode, task.WarehouseId);
            var code = ex is WarehouseApiException ? " (ERR-INV-004)" : string.Empty;
            return new CountResyncResult(task.Id, task.SkuCode, counted, false, 0, $"{ex.GetType().Name}: {ex.Message}{code}");
        }
    }

    private async Task<(StockSnapshot Inventory, StockSnapshot Wes, List<WesMovement> Unapplied, HashSet<string> InFlight)?> CollectAsync(RunState run, CancellationToken cancellationToken, IReadOnlyCollection<string>? skuCodes = null)
    {
        var subset = skuCodes is null ? null : new HashSet<string>(skuCodes.Where(c => !string.IsNullOrWhiteSpace(c)), StringComparer.Ordinal);
        var catalog = new SkuCatalog();
        var snapshotStart = _time.GetUtcNow();
        StockSnapshot wes;
        var movements = new List<WesMovement>();
        DateTimeOffset collectEnd;
        try
        {
            var wesBuilder = new StockSnapshotBuilder(catalog, "wes", StockSourceKind.Warehouse, _options.WarehouseId, snapshotStart);
            var info = await _wes.ReadSnapshotAsync(wesBuilder, subset is null ? WesSnapshotRequest.All : new WesSnapshotRequest(subset), cancellationToken).ConfigureAwait(false);
            run.WesVersion = info.HighestVersion;
            wes = wesBuilder.Build();
            run.WesCall(succeeded: true);
            collectEnd = _time.GetUtcNow();
            await foreach (var movement in _wes.ReadMovementsAsync(_options.WarehouseId, snapshotStart - _options.MovementWindow, collectEnd, cancellationToken).ConfigureAwait(false))
            {
                if (subset is null || subset.Contains(movement.SkuCode))
                {
                    movements.Add(movement);
                }
            }

            run.WesCall(succeeded: true);
        }
        catch (Exception ex) when (ex is WarehouseApiException or HttpRequestException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            run.WesCall(succeeded: false);
            run.Error = $"the WES could not be read: {ex.Message} (ERR-INV-004)";
            Log.ReconciliationFailed(_logger, ex, run.RunId, run.Error);
            run.Alerts.Add(WesDownAlert(run, ex.Message));
            return null;
        }

        var invBuilder = new StockSnapshotBuilder(catalog, "inventory", StockSourceKind.Inventory, _options.WarehouseId, _time.GetUtcNow());
        if (subset is null)
        {
            await _stores.Inventory.ReadSnapshotAsync(invBuilder, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            foreach (var sku in subset)
            {
                if (await _stores.Inventory.GetPositionAsync(_options.WarehouseId, sku, cancellationToken).ConfigureAwait(false) is { } position)
                {
                    invBuilder.SetReserved(invBuilder.Set(sku, position.OnHand, position.Location), position.Reserved);
                }
            }
        }

        var inventory = invBuilder.Build();

        // Movements recorded while the snapshot was read may or may not be in it: leave their SKUs for the next run.
        var inFlight = new HashSet<string>(movements.Where(m => m.OccurredAt >= snapshotStart).Select(m => m.SkuCode), StringComparer.Ordinal);
        var candidates = movements.Where(m => m.OccurredAt < snapshotStart && string.Equals(m.WarehouseId, _options.WarehouseId, StringComparison.Ordinal)).ToList();
        var applied = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in candidates.Select(m => m.TransactionId).Distinct(StringComparer.Ordinal).Chunk(AppliedLookupBatch))
        {
            applied.UnionWith(await _stores.Inventory.GetAppliedAsync(chunk, cancellationToken).ConfigureAwait(false));
        }

        var unapplied = candidates.Where(m => !applied.Contains(m.TransactionId)).ToList();
        run.MovementsRead = movements.Count;
        run.MovementsUnapplied = unapplied.Count;
        return (inventory, wes, unapplied, inFlight);
    }

    private async Task CarryOutAsync(RunState run, ReconciliationDecision decision, CancellationToken cancellationToken)
    {
        var d = decision.Discrepancy;
        var failed = false;
        var done = new List<string>(decision.Actions.Count);
        foreach (var action in decision.Actions)
        {
            var outcome = await ExecuteAsync(run, action, decision, cancellationToken).ConfigureAwait(false);
            failed |= outcome.Status == ReconciliationActionStatus.Failed;
            done.Add($"{action.GetType().Name.Replace("Action", string.Empty, StringComparison.Ordinal)} {outcome.Status}");
        }

        var fixedNow = !failed && IsFixedBy(decision);
        if (fixedNow)
        {
            var resolved = await _stores.DiscrepancyLog.ResolveOpenAsync(d.WarehouseId, d.SkuCode, ReconciliationPolicy.Actor, $"auto-fixed: {decision.Case}", _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (resolved > 0)
            {
                run.Resolved++;
            }
        }

        var status = failed ? SyncItemStatus.Failed : fixedNow ? SyncItemStatus.Succeeded : SyncItemStatus.Skipped;
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"{d.Type}, case {decision.Case}: inventory {d.InventoryQty}, WES {d.WesQty}, explained by WES movements {d.ExplainedQuantity}; {(done.Count == 0 ? "logged only" : string.Join(", ", done))}{(fixedNow ? "; resolved" : failed ? "; left open (an action failed)" : "; left open")}");
        run.Items.Add(new SyncRunItem("inventory", d.SkuCode, d.InventoryQty, d.WesQty, status, d.TransactionId, failed ? "an action was refused" : null, explanation));
    }

    /// <summary>Whether carrying out the decision leaves the two systems agreeing (so the discrepancy is resolved).</summary>
    private static bool IsFixedBy(ReconciliationDecision decision) => decision.Case switch
    {
        ReconciliationCase.InSync or ReconciliationCase.PendingWesTask or ReconciliationCase.PendingReturnOrScrap or ReconciliationCase.WesOnlyStock => true,
        ReconciliationCase.InventoryOnlyStock => decision.Actions.Any(a => a is SetInventoryFromWesAction),
        ReconciliationCase.LocationOnly => decision.Actions.Any(a => a is AlignLocationAction),
        _ => false,
    };

    private async Task<ReconciliationActionOutcome> ExecuteAsync(RunState run, ReconciliationAction action, ReconciliationDecision? decision, CancellationToken cancellationToken)
    {
        ReconciliationActionOutcome outcome;
        try
        {
            outcome = action switch
            {
                ApplyWesMovementAction a => await AdjustAsync(a, a.ToAdjustment(), cancellationToken).ConfigureAwait(false),
                SetInventoryFromWesAction a => await AdjustAsync(a, a.ToAdjustment(), cancellationToken).ConfigureAwait(false),
                AlignLocationAction a => await AdjustAsync(
                    a,
                    new InventoryAdjustment(a.TransactionId, a.WarehouseId, a.SkuCode!, InventoryAdjustmentKind.ManualAdjust, 0, "reconciliation: location from the WES", a.Location),
                    cancellationToken).ConfigureAwait(false),
                PauseAllocationAction a => new ReconciliationActionOutcome(
                    a,
                    await _stores.AllocationPauses.PauseAsync(a.ToPause(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false) ? ReconciliationActionStatus.Applied : ReconciliationActionStatus.Replayed),
                NotifyInventoryAction a => Notify(run, a),
                MassMismatchAlertAction a => MassMismatch(run, a),
                CreateReconciliationTaskAction a => await CreateTaskAsync(a, decision, cancellationToken).ConfigureAwait(false),
                ScheduleFullSyncAction a => await ScheduleFullSyncAsync(run, a, cancellationToken).ConfigureAwait(false),
                _ => throw new NotSupportedException($"Unknown reconciliation action {action.GetType().Name}."),
            };
        }
        catch (InvalidStockDataException ex)
        {
            // The store refused the change (it would make a quantity negative): a person looks; the discrepancy stays open.
            Log.ReconciliationActionRefused(_logger, action.TransactionId, action.GetType().Name, action.SkuCode, action.WarehouseId, ex.Message);
            outcome = new ReconciliationActionOutcome(action, ReconciliationActionStatus.Failed, ex.Message);
            run.Alerts.Add(new Alert(AlertKind.Discrepancy, AlertSeverity.Medium, $"{action.SkuCode}: reconciliation refused",
                $"Run {run.RunId}: {action.GetType().Name} {action.TransactionId} was refused by the inventory store ({ex.Message}); the discrepancy stays open (ERR-INV-003).",
                _time.GetUtcNow(), action.SkuCode, action.WarehouseId, Level: "refused"));
        }

        run.Actions.Add(outcome);
        return outcome;
    }

    private async Task<ReconciliationActionOutcome> AdjustAsync(ReconciliationAction action, InventoryAdjustment adjustment, CancellationToken cancellationToken)
    {
        var result = await _stores.Inventory.ApplyAsync(adjustment, cancellationToken).ConfigureAwait(false);
        return new ReconciliationActionOutcome(action, result.Applied ? ReconciliationActionStatus.Applied : ReconciliationActionStatus.Replayed);
    }

    private ReconciliationActionOutcome Notify(RunState run, NotifyInventoryAction a)
    {
        var d = a.Discrepancy;
        run.Alerts.Add(new Alert(AlertKind.Discrepancy, AlertSeverity.Medium, $"{a.SkuCode}: inventory {d.InventoryQty}, WES {d.WesQty}",
            string.Create(CultureInfo.InvariantCulture,
                $"Run {run.RunId}: {a.SkuCode} in {a.WarehouseId} shows {d.InventoryQty} in inventory but the WES has {d.WesQty} (ERR-INV-003). Automatic allocation is paused; please correct the inventory."),
            _time.GetUtcNow(), a.SkuCode, a.WarehouseId, Level: string.Create(CultureInfo.InvariantCulture, $"inv{d.InventoryQty}-wes{d.WesQty}")));
        return new ReconciliationActionOutcome(a, ReconciliationActionStatus.Applied);
    }

    private ReconciliationActionOutcome MassMismatch(RunState run, MassMismatchAlertAction a)
    {
        run.Alerts.Add(new Alert(AlertKind.MassMismatch, AlertSeverity.Medium, $"{a.SkuCount} SKUs differ between inventory and the WES",
            string.Create(CultureInfo.InvariantCulture, $"Run {run.RunId}: {a.SkuCount} SKUs of {a.WarehouseId} differ between the inventory store and the WES (ERR-INV-003)."),
            _time.GetUtcNow(), WarehouseId: a.WarehouseId, Level: a.SkuCount.ToString(CultureInfo.InvariantCulture)));
        return new ReconciliationActionOutcome(a, ReconciliationActionStatus.Applied);
    }

    private async Task<ReconciliationActionOutcome> CreateTaskAsync(CreateReconciliationTaskAction a, ReconciliationDecision? decision, CancellationToken cancellationToken)
    {
        var detection = decision?.Discrepancy.TransactionId ?? a.TransactionId;
        var now = _time.GetUtcNow();
        var task = await _stores.ReconciliationTasks.CreateAsync(new ReconciliationTask(a.WarehouseId, a.SkuCode!, a.InventoryQty, a.WesQty, detection, now), cancellationToken).ConfigureAwait(false);
        var created = string.Equals(task.DiscrepancyTransactionId, detection, StringComparison.Ordinal);
        return new ReconciliationActionOutcome(a, created ? ReconciliationActionStatus.Applied : ReconciliationActionStatus.Replayed, TaskId: task.Id);
    }

    private async Task<ReconciliationActionOutcome> ScheduleFullSyncAsync(RunState run, ScheduleFullSyncAction a, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Serialize(new FullSyncRequest(a.WarehouseId, a.SkuCount, run.RunId));
        var added = await _stores.PendingSync.EnqueueAsync(
            [new PendingSyncItem(a.TransactionId, FullSyncTarget, FullSyncKind, $"{FullSyncKind}:{a.WarehouseId}", payload, 1, _time.GetUtcNow())],
            cancellationToken).ConfigureAwait(false);
        run.FullSyncScheduled = true;
        Log.FullSyncScheduled(_logger, a.WarehouseId, a.SkuCount, a.TransactionId);
        return new ReconciliationActionOutcome(a, added > 0 ? ReconciliationActionStatus.Applied : ReconciliationActionStatus.Replayed);
    }

    private Alert WesDownAlert(RunState run, string message) => new(
        AlertKind.SyncFailure,
        AlertSeverity.High,
        $"WES of {_options.WarehouseId} could not be read",
        $"Reconciliation run {run.RunId}: the WES did not answer ({message}) (ERR-INV-004); nothing was compared or changed.",
        _time.GetUtcNow(),
        WarehouseId: _options.WarehouseId,
        Level: "ERR-INV-004");

    private static long StockedOut(StockSnapshot wes)
    {
        var count = 0L;
        var quantities = wes.Quantities;
        for (var i = 0; i < quantities.Length; i++)
        {
            if (quantities[i] != StockSnapshot.NotReported && quantities[i] - wes.GetReserved(i) <= 0)
            {
                count++;
            }
        }

        return count;
    }

    private async Task DispatchAsync(RunState run, CancellationToken cancellationToken)
    {
        if (_alerts is null || run.Alerts.Count == 0)
        {
            return;
        }

        try
        {
            run.Dispatch = await _alerts.DispatchAsync(run.Alerts, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Alerts never fail a run.
            Log.ReconciliationAlertsFailed(_logger, ex, run.RunId);
        }
    }

    private async Task SetStateAsync(RunState run, SyncRunState state, CancellationToken cancellationToken) =>
        await _stores.SyncRuns.SetStateAsync(run.RunId, state, _time.GetUtcNow(), null, cancellationToken).ConfigureAwait(false);

    private async Task<WesReconciliationResult> FailAsync(RunState run, string reason, long started)
    {
        await DispatchAsync(run, CancellationToken.None).ConfigureAwait(false);
        var kpis = new SyncKpis(0, 0, 0, 0, run.WesCalls, run.WesCallsSucceeded, _time.GetElapsedTime(started));
        if (run.Items.Count > 0)
        {
            await _stores.SyncRuns.AppendItemsAsync(run.RunId, run.Items, CancellationToken.None).ConfigureAwait(false);
        }

        await _stores.SyncRuns.SetStateAsync(run.RunId, SyncRunState.Error, _time.GetUtcNow(), reason, CancellationToken.None).ConfigureAwait(false);
        await _stores.SyncRuns.CompleteAsync(run.RunId, SyncRunState.Error, kpis, run.Stages, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        return Result(run, SyncRunState.Error, 0, [], [], kpis, reason);
    }

    private static WesReconciliationResult Result(RunState run, SyncRunState state, long compared, IReadOnlyList<StockDiscrepancy> discrepancies, IReadOnlyList<ReconciliationDecision> decisions, SyncKpis kpis, string? error)
    {
        var byType = discrepancies.GroupBy(d => d.Type).ToDictionary(g => g.Key, g => g.Count());
        var byCase = decisions.GroupBy(d => d.Case).ToDictionary(g => g.Key, g => g.Count());
        return new WesReconciliationResult(run.RunId, state, compared, discrepancies, decisions, byType, byCase, run.Actions, run.Logged, run.Resolved, run.Deferred,
            run.MovementsRead, run.MovementsUnapplied, run.FullSyncScheduled, run.Alerts, run.Dispatch, kpis, error)
        {
            WesVersion = run.WesVersion,
        };
    }

    /// <summary>The payload of a scheduled Full Sync Job.</summary>
    /// <param name="WarehouseId">The warehouse.</param>
    /// <param name="SkuCount">How many SKUs showed WES stock and none in inventory.</param>
    /// <param name="RunId">The reconciliation run that scheduled it.</param>
    internal sealed record FullSyncRequest(string WarehouseId, int SkuCount, string RunId);

    private sealed class RunState(string runId)
    {
        public string RunId { get; } = runId;

        public string? Error { get; set; }

        public Dictionary<string, TimeSpan> Stages { get; } = new(StringComparer.Ordinal);

        public List<SyncRunItem> Items { get; } = [];

        public List<Alert> Alerts { get; } = [];

        public List<ReconciliationActionOutcome> Actions { get; } = [];

        public AlertDispatchResult? Dispatch { get; set; }

        public int Logged { get; set; }

        public int Resolved { get; set; }

        public int Deferred { get; set; }

        public int MovementsRead { get; set; }

        public int MovementsUnapplied { get; set; }

        public bool FullSyncScheduled { get; set; }

        public long? WesVersion { get; set; }

        public long WesCalls { get; private set; }

        public long WesCallsSucceeded { get; private set; }

        public void WesCall(bool succeeded)
        {
            WesCalls++;
            if (succeeded)
            {
                WesCallsSucceeded++;
            }
        }
    }
}

/// <summary>Configures a <see cref="WesReconciliationWorkflow"/>.</summary>
public sealed class WesReconciliationOptions
{
    /// <summary>Gets or sets the warehouse to reconcile.</summary>
    [Required]
    public string WarehouseId { get; set; } = string.Empty;

    /// <summary>Gets or sets how far back, from the start of the WES snapshot read, WES movements are read and checked against the inventory store.</summary>
    /// <value>Default 24 hours; more than zero. It should cover at least the time between two runs.</value>
    public TimeSpan MovementWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how many counted tasks <see cref="WesReconciliationWorkflow.ResyncCountedTasksAsync"/> resyncs per call.</summary>
    /// <value>Default 1,000; 1 to 100,000.</value>
    [Range(1, 100_000)]
    public int ResyncBatchSize { get; set; } = 1_000;

    /// <summary>Gets or sets how many changed SKUs <see cref="WesReconciliationWorkflow.RunIncrementalAsync"/> compares at most; above it a full run runs instead.</summary>
    /// <value>Default 5,000; 1 to 1,000,000.</value>
    [Range(1, 1_000_000)]
    public int IncrementalMaxChangedSkus { get; set; } = 5_000;
}

/// <summary>The stores a reconciliation run reads and writes.</summary>
/// <param name="Inventory">The inventory store (the book).</param>
/// <param name="DiscrepancyLog">The StockDiscrepancyLog.</param>
/// <param name="ReconciliationTasks">The Stock Reconciliation Tasks.</param>
/// <param name="AllocationPauses">The paused SKUs.</param>
/// <param name="PendingSync">The pending-sync queue, where Full Sync Jobs are scheduled.</param>
/// <param name="SyncRuns">The run history.</param>
public sealed record WesReconciliationStores(
    IInventoryStore Inventory,
    IDiscrepancyLogStore DiscrepancyLog,
    IReconciliationTaskStore ReconciliationTasks,
    IAllocationPauseStore AllocationPauses,
    IPendingSyncStore PendingSync,
    ISyncRunStore SyncRuns);

/// <summary>Names what happened to one reconciliation action.</summary>
public enum ReconciliationActionStatus
{
    /// <summary>Carried out now.</summary>
    Applied,

    /// <summary>Already carried out before (same transaction id, a pause or open task that already existed): nothing changed.</summary>
    Replayed,

    /// <summary>Refused (for example the inventory store would go negative); the discrepancy stays open for a person.</summary>
    Failed,
}

/// <summary>Reports one action a reconciliation run carried out.</summary>
/// <param name="Action">The action.</param>
/// <param name="Status">What happened.</param>
/// <param name="Error">Why it failed, if it did.</param>
/// <param name="TaskId">The reconciliation task, for a <see cref="CreateReconciliationTaskAction"/>.</param>
public sealed record ReconciliationActionOutcome(ReconciliationAction Action, ReconciliationActionStatus Status, string? Error = null, long? TaskId = null);

/// <summary>Reports one WF-RECON-WES run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="State">How it ended: <see cref="SyncRunState.Completed"/> or <see cref="SyncRunState.Error"/>.</param>
/// <param name="Compared">SKUs compared (known to either side).</param>
/// <param name="Discrepancies">The discrepancies acted on (deferred ones excluded).</param>
/// <param name="Decisions">The plan's decision for each.</param>
/// <param name="ByType">Discrepancies by type.</param>
/// <param name="ByCase">Discrepancies by seed 000 case.</param>
/// <param name="Actions">Every action carried out, in order.</param>
/// <param name="Logged">Rows added to the StockDiscrepancyLog.</param>
/// <param name="Resolved">Discrepancies resolved by an automatic fix.</param>
/// <param name="Deferred">SKUs the WES moved while being read, left for the next run.</param>
/// <param name="MovementsRead">WES movements read in the window.</param>
/// <param name="MovementsUnapplied">Of those, movements the inventory store had not applied.</param>
/// <param name="FullSyncScheduled">Whether a Full Sync Job was scheduled (a <see cref="WesReconciliationWorkflow.FullSyncKind"/> item in the pending-sync queue).</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Dispatch">What the dispatcher did with them, when there is one.</param>
/// <param name="Kpis">The run's KPIs.</param>
/// <param name="Error">Why the run failed, if it did.</param>
public sealed record WesReconciliationResult(
    string RunId,
    SyncRunState State,
    long Compared,
    IReadOnlyList<StockDiscrepancy> Discrepancies,
    IReadOnlyList<ReconciliationDecision> Decisions,
    IReadOnlyDictionary<DiscrepancyType, int> ByType,
    IReadOnlyDictionary<ReconciliationCase, int> ByCase,
    IReadOnlyList<ReconciliationActionOutcome> Actions,
    int Logged,
    int Resolved,
    int Deferred,
    int MovementsRead,
    int MovementsUnapplied,
    bool FullSyncScheduled,
    IReadOnlyList<Alert> Alerts,
    AlertDispatchResult? Dispatch,
    SyncKpis Kpis,
    string? Error = null)
{
    /// <summary>Gets the WES version high-water mark of the run's WES read (<see cref="WesSnapshotInfo.HighestVersion"/>), when the WES has versions.</summary>
    public long? WesVersion { get; init; }
}

/// <summary>Reports one Full Sync Job (<see cref="WesReconciliationWorkflow.RunFullSyncAsync"/>).</summary>
/// <param name="TransactionId">The job's transaction id.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="Compared">SKUs compared (known to either side).</param>
/// <param name="Set">Inventory positions set to the WES quantity now.</param>
/// <param name="Replayed">Positions this job had already set (a re-run): nothing changed.</param>
/// <param name="SkippedWithUnappliedMovements">Differing SKUs skipped because the WES has movements the inventory store has not applied yet; the reconciliation applies them.</param>
/// <param name="SkippedInventoryOnly">Differing SKUs skipped because the WES has 0 and inventory has stock (unless the policy overwrites inventory from the WES).</param>
/// <param name="Refused">Positions the inventory store refused to set (logged; left for a person).</param>
/// <param name="ResolvedDiscrepancies">Open discrepancies resolved.</param>
public sealed record FullSyncResult(
    string TransactionId,
    string WarehouseId,
    long Compared,
    int Set,
    int Replayed,
    int SkippedWithUnappliedMovements,
    int SkippedInventoryOnly,
    int Refused,
    int ResolvedDiscrepancies);

/// <summary>Reports the resync of one counted reconciliation task.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="CountedQty">The count both systems were set to.</param>
/// <param name="Resynced">Whether both systems now hold the count and the task is closed.</param>
/// <param name="ResolvedDiscrepancies">Open discrepancies of the SKU resolved.</param>
/// <param name="Error">Why the resync failed, if it did (the task stays counted and is tried again).</param>
public sealed record CountResyncResult(long TaskId, string SkuCode, int CountedQty, bool Resynced, int ResolvedDiscrepancies, string? Error = null);

/// <summary>Reports a <see cref="WesReconciliationWorkflow.RunIncrementalAsync"/> run.</summary>
/// <param name="Mode">What was done.</param>
/// <param name="Reason">Why, for the log.</param>
/// <param name="FromVersion">The watermark before the run, or <see langword="null"/> when there was none.</param>
/// <param name="ToVersion">The WES version read up to, when known.</param>
/// <param name="ChangedSkus">How many SKUs the WES reported changed (for a full run, how many were compared).</param>
/// <param name="Run">The reconciliation run, when one ran.</param>
/// <param name="WatermarkAdvanced">Whether the watermark was moved to <paramref name="ToVersion"/>.</param>
/// <param name="Error">Why it failed, if it did.</param>
public sealed record IncrementalReconciliationResult(
    Sync.IncrementalSyncMode Mode,
    string Reason,
    long? FromVersion,
    long? ToVersion,
    int ChangedSkus,
    WesReconciliationResult? Run,
    bool WatermarkAdvanced,
    string? Error = null)
{
    /// <summary>Gets whether the run did what it set out to do.</summary>
    public bool Succeeded => Error is null && (Run is null ? Mode == Sync.IncrementalSyncMode.NoChanges : Run.State == SyncRunState.Completed);
}
