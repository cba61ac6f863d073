using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Diagnostics;
using Orchestrator.Internal;
using Orchestrator.Mismatches;
using Orchestrator.Purchasing;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Thresholds;
using Orchestrator.Warehouse;

namespace Orchestrator.Sync;

/// <summary>
/// Runs WF-INV-001 (seed 002) for one warehouse: collect stock from the warehouse and every channel in parallel, compute what
/// each channel may sell, push only what differs, check stock levels, alert, suggest purchase orders, and record the run.
/// </summary>
/// <remarks>
/// <para>States: COLLECTING → ANALYZING → SYNCING (when something differs) → CHECKING → ALERTING (when there is something to
/// say) → COMPLETED, or ERROR; each move is persisted in the sync-run store.</para>
/// <para>A channel that cannot be read after <see cref="ChannelSyncOptions.CollectAttempts"/> is skipped for the run (ERR-INV-001)
/// and the others go on. The warehouse cannot be skipped: without it nothing can be computed, so the run ends in ERROR (ERR-INV-004).</para>
/// <para>Never oversell: decreases are pushed first and at once; increases only when the stock read is fresher than
/// <see cref="ChannelSyncOptions.IncreaseFreshness"/>. A push that still fails after <see cref="ChannelSyncOptions.PushAttempts"/>
/// goes to the pending-sync queue (ERR-INV-002), recorded before anything else happens, so a crash loses nothing.</para>
/// <para>Every item of a run records how its target was computed (on hand, reserved, buffer, share), the push and the channel's
/// answer, so "why does Coupang show 7?" has an answer.</para>
/// <para>Not thread-safe for overlapping runs of the same warehouse: the host runs it under a job lock.</para>
/// </remarks>
public sealed class ChannelSyncWorkflow
{
    /// <summary>The pending-sync item kind of a channel stock push.</summary>
    public const string PendingKind = "channel-stock";

    private readonly IReadOnlyList<SyncChannel> _channels;
    private readonly IWesClient _warehouse;
    private readonly SyncStores _stores;
    private readonly ChannelSyncOptions _options;
    private readonly MismatchAnalyzer _analyzer;
    private readonly ThresholdChecker _thresholds;
    private readonly IAlertDispatcher? _alerts;
    private readonly IPurchaseOrderSuggester? _purchasing;
    private readonly KpiThresholds _kpiThresholds;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OrchestratorMetrics? _metrics;

    /// <summary>Initializes a new instance of the <see cref="ChannelSyncWorkflow"/> class.</summary>
    /// <param name="channels">The channels, each with its listings and sellable rule; all on one SKU catalog.</param>
    /// <param name="warehouse">The WES whose stock the channels sell.</param>
    /// <param name="stores">The stores the run records into.</param>
    /// <param name="options">The options.</param>
    /// <param name="analyzer">The mismatch analyzer.</param>
    /// <param name="thresholds">The stock-level checker.</param>
    /// <param name="alerts">The alert dispatcher, or <see langword="null"/> to send none.</param>
    /// <param name="purchasing">The purchase-order suggester, or <see langword="null"/> for none.</param>
    /// <param name="kpiThresholds">The KPI alert thresholds, or <see langword="null"/> for the seed's.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The metrics.</param>
    /// <exception cref="ValidationException">The options are invalid, two channels share a name, or the channels use different catalogs.</exception>
    public ChannelSyncWorkflow(
        IReadOnlyList<SyncChannel> channels,
        IWesClient warehouse,
        SyncStores stores,
        ChannelSyncOptions options,
        MismatchAnalyzer? analyzer = null,
        ThresholdChecker? thresholds = null,
        IAlertDispatcher? alerts = null,
        IPurchaseOrderSuggester? purchasing = null,
        KpiThresholds? kpiThresholds = null,
        TimeProvider? timeProvider = null,
        ILogger<ChannelSyncWorkflow>? logger = null,
        OrchestratorMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (channels.Count == 0)
        {
            throw new ValidationException("A channel sync needs at least one channel.");
        }

        if (channels.Select(c => c.Adapter.Name).Distinct(StringComparer.Ordinal).Count() != channels.Count)
        {
            throw new ValidationException("Two channels of a sync share a name.");
        }

        if (channels.Any(c => !ReferenceEquals(c.Listings.Catalog, channels[0].Listings.Catalog)))
        {
            throw new ValidationException("The channels of a sync must map their listings onto one SKU catalog.");
        }

        if (channels.Any(c => !string.Equals(c.Rule.Channel, c.Adapter.Name, StringComparison.Ordinal) || !string.Equals(c.Listings.Channel, c.Adapter.Name, StringComparison.Ordinal)))
        {
            throw new ValidationException("Each channel's listing map and sellable rule must carry the adapter's name.");
        }

        _channels = channels;
        _warehouse = warehouse;
        _stores = stores;
        _options = options;
        _analyzer = analyzer ?? new MismatchAnalyzer();
        _thresholds = thresholds ?? new ThresholdChecker(new ThresholdOptions());
        _alerts = alerts;
        _purchasing = purchasing;
        _kpiThresholds = kpiThresholds ?? new KpiThresholds();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = metrics;
    }

    /// <summary>Gets the SKU catalog the channels share.</summary>
    public SkuCatalog Catalog => _channels[0].Listings.Catalog;

    /// <summary>Gets the warehouse whose stock the channels sell.</summary>
    public string WarehouseId => _options.WarehouseId;

    /// <summary>Runs the workflow once.</summary>
    /// <param name="trigger">What started it: <c>schedule</c>, an event name, or <c>manual</c>.</param>
    /// <param name="cancellationToken">Cancels the run; its state stays as last recorded.</param>
    /// <returns>What the run did. A failure is reported, not thrown.</returns>
    public Task<ChannelSyncResult> RunAsync(string trigger, CancellationToken cancellationToken) => RunAsync(trigger, null, cancellationToken);

    /// <summary>Runs the workflow once, for the whole catalog or only for some SKUs.</summary>
    /// <param name="trigger">What started it: <c>schedule</c>, an event name, or <c>manual</c>.</param>
    /// <param name="skuCodes">Only these SKUs (an event's), or <see langword="null"/> for the whole catalog.</param>
    /// <param name="cancellationToken">Cancels the run; its state stays as last recorded.</param>
    /// <returns>What the run did. A failure is reported, not thrown.</returns>
    /// <remarks>
    /// <para>A SKU-subset run reads the warehouse for those SKUs only and does not read the channels (their stock reads are whole-catalog
    /// reads): it pushes each listed SKU's sellable quantity to every channel that lists it, as a decrease or an increase from an unknown
    /// value, under the same oversell rules (the warehouse read is fresh, so increases go out). SKUs unknown to the catalog are ignored.
    /// KPI breach alerts are raised by full runs only; level alerts are raised for the subset.</para>
    /// </remarks>
    public async Task<ChannelSyncResult> RunAsync(string trigger, IReadOnlyCollection<string>? skuCodes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(trigger);
        List<int>? subset = null;
        if (skuCodes is not null)
        {
            subset = [];
            foreach (var code in skuCodes.Distinct(StringComparer.Ordinal))
            {
                if (code is not null && Catalog.TryGetOrdinal(code, out var ordinal))
                {
                    subset.Add(ordinal);
                }
            }
        }

        using var activity = OrchestratorDiagnostics.ActivitySource.StartActivity("channel-sync");
        var started = _time.GetTimestamp();
        var startedAt = _time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{_options.Workflow}-{startedAt:yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}");
        var run = new RunState(runId);
        await _stores.SyncRuns.StartAsync(new SyncRun(runId, _options.Workflow, trigger, SyncRunState.Collecting, startedAt, startedAt), cancellationToken).ConfigureAwait(false);
        Log.SyncStarted(_logger, runId, _options.WarehouseId, trigger);
        try
        {
            // STEP-INV-001: collect, in parallel.
            var stage = _time.GetTimestamp();
            var warehouseTask = CollectWarehouseAsync(run, subset, cancellationToken);
            var channelTasks = subset is null ? _channels.Select(c => CollectChannelAsync(c, run, cancellationToken)).ToList() : [];
            var channelSnapshots = await Task.WhenAll(channelTasks).ConfigureAwait(false);
            var stock = await warehouseTask.ConfigureAwait(false);
            run.Stage("collect", _time.GetElapsedTime(stage));
            var collected = channelSnapshots.Where(s => s is not null).Select(s => s!).ToList();
            if (stock is null)
            {
                return await FailAsync(run, "the warehouse stock could not be read (ERR-INV-004)", started).ConfigureAwait(false);
            }

            // STEP-INV-002: analyze.
            await SetStateAsync(run, SyncRunState.Analyzing, cancellationToken).ConfigureAwait(false);
            stage = _time.GetTimestamp();
            var paused = await PausedOrdinalsAsync(cancellationToken).ConfigureAwait(false);
            var rules = subset is not null ? _channels.Select(c => c.Rule).ToList() : _channels.Where(c => collected.Any(s => s.Source == c.Adapter.Name)).Select(c => c.Rule).ToList();
            var targets = SellableQuantityCalculator.Calculate(stock, rules, paused: paused);
            var report = subset is null ? _analyzer.Analyze(targets, collected) : SubsetReport(subset, stock, targets);
            EnforceSla(run, "analyze", stage, _options.AnalyzeTimeout);
            foreach (var summary in report.Channels)
            {
                _metrics?.Mismatches.Add(summary.Mismatched, new KeyValuePair<string, object?>("channel", summary.Channel));
            }

            if (report.IsMassMismatch)
            {
                run.Alerts.Enqueue(new Alert(AlertKind.MassMismatch, AlertSeverity.Medium, $"{report.DistinctSkuCount} SKUs differ from the warehouse",
                    $"Run {runId}: {report.Mismatches.Count} channel quantities differ from sellable stock across {report.DistinctSkuCount} SKUs (ERR-INV-003).",
                    _time.GetUtcNow(), WarehouseId: _options.WarehouseId, Level: report.DistinctSkuCount.ToString(CultureInfo.InvariantCulture)));
            }

            // STEP-INV-003: push what differs.
            var pushed = 0;
            if (report.Mismatches.Count > 0)
            {
                await SetStateAsync(run, SyncRunState.Syncing, cancellationToken).ConfigureAwait(false);
                stage = _time.GetTimestamp();
                pushed = await SyncAsync(run, report, targets, stock, channelsRead: subset is null, cancellationToken).ConfigureAwait(false);
                run.Stage("sync", _time.GetElapsedTime(stage));
            }

            // STEP-INV-004: check levels.
            await SetStateAsync(run, SyncRunState.Checking, cancellationToken).ConfigureAwait(false);
            stage = _time.GetTimestamp();
            var levels = _thresholds.Check(stock);
            EnforceSla(run, "check", stage, _options.CheckTimeout);
            AddLevelAlerts(run, levels);

            // Alerts, purchase-order suggestions, KPIs.
            var kpis = Kpis(run, report, pushed, stock, started);
            foreach (var breach in subset is null ? kpis.Evaluate(_kpiThresholds) : [])
            {
                run.Alerts.Enqueue(new Alert(AlertKind.KpiBreach, AlertSeverity.High, $"KPI {breach.Kpi} at {breach.Value:0.###}",
                    $"Run {runId}: {breach.Kpi} is {breach.Value:0.###}, past its alert threshold {breach.Threshold:0.###}.", _time.GetUtcNow(),
                    WarehouseId: _options.WarehouseId, Level: breach.Kpi.ToString()));
            }

            IReadOnlyList<PurchaseOrderSuggestion> suggestions = [];
            if (!run.Alerts.IsEmpty || levels.HasShortage)
            {
                await SetStateAsync(run, SyncRunState.Alerting, cancellationToken).ConfigureAwait(false);
                stage = _time.GetTimestamp();
                suggestions = await SuggestAsync(levels, cancellationToken).ConfigureAwait(false);
                await DispatchAsync(run, cancellationToken).ConfigureAwait(false);
                run.Stage("alert", _time.GetElapsedTime(stage));
            }

            await _stores.SyncRuns.AppendItemsAsync(runId, run.Items, cancellationToken).ConfigureAwait(false);
            kpis = kpis with { Duration = _time.GetElapsedTime(started) };
            await _stores.SyncRuns.CompleteAsync(runId, SyncRunState.Completed, kpis, run.Stages, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            RecordKpis(kpis, "completed");
            Log.SyncCompleted(_logger, runId, report.Compared, report.Mismatches.Count, pushed, run.Queued, kpis.Duration.TotalSeconds);
            return new ChannelSyncResult(runId, SyncRunState.Completed, report, levels, kpis, run.SkippedChannels, pushed, run.Queued, run.Failed, run.Alerts.ToArray(), run.Dispatch, suggestions)
            {
                WarehouseVersion = run.WarehouseVersion,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.SyncFailed(_logger, ex, runId);
            return await FailAsync(run, $"{ex.GetType().Name}: {ex.Message}", started).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled (the host is stopping, or its lease was lost): record where it stopped, then let the caller see the cancellation.
            // What was pushed is recorded as pushed; failed pushes were queued before anything else happened.
            await RecordCancelledAsync(run, started).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RecordCancelledAsync(RunState run, long started)
    {
        try
        {
            var kpis = new SyncKpis(0, 0, 0, 0, run.Calls, run.CallsSucceeded, _time.GetElapsedTime(started));
            await _stores.SyncRuns.AppendItemsAsync(run.RunId, run.Items, CancellationToken.None).ConfigureAwait(false);
            await _stores.SyncRuns.SetStateAsync(run.RunId, SyncRunState.Error, _time.GetUtcNow(), $"cancelled in {run.State}", CancellationToken.None).ConfigureAwait(false);
            await _stores.SyncRuns.CompleteAsync(run.RunId, SyncRunState.Error, kpis, run.Stages, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            RecordKpis(kpis, "cancelled");
        }
        catch (Exception ex)
        {
            Log.SyncFailed(_logger, ex, run.RunId);
        }
    }

    private async Task<StockSnapshot?> CollectWarehouseAsync(RunState run, List<int>? subset, CancellationToken cancellationToken)
    {
        var request = subset is null ? WesSnapshotRequest.All : new WesSnapshotRequest(subset.Select(Catalog.GetCode).ToList());
        var snapshot = await WithAttemptsAsync(
            "warehouse",
            async ct =>
            {
                var builder = new StockSnapshotBuilder(Catalog, "wes", StockSourceKind.Warehouse, _options.WarehouseId, _time.GetUtcNow());
                var info = await _warehouse.ReadSnapshotAsync(builder, request, ct).ConfigureAwait(false);
                run.WarehouseVersion = info.HighestVersion;
                return builder.Build();
            },
            run,
            cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            run.Alerts.Enqueue(new Alert(AlertKind.SyncFailure, AlertSeverity.High, "Warehouse stock could not be read",
                $"Run {run.RunId}: the WES did not answer after {_options.CollectAttempts} attempts (ERR-INV-004); no channel was changed.",
                _time.GetUtcNow(), WarehouseId: _options.WarehouseId, Level: "ERR-INV-004"));
        }

        return snapshot;
    }

    private async Task<StockSnapshot?> CollectChannelAsync(SyncChannel channel, RunState run, CancellationToken cancellationToken)
    {
        var snapshot = await WithAttemptsAsync(
            channel.Adapter.Name,
            async ct =>
            {
                var builder = new StockSnapshotBuilder(channel.Listings, _options.WarehouseId, _time.GetUtcNow());
                await channel.Adapter.ReadStockAsync(builder, ct).ConfigureAwait(false);
                return builder.Build();
            },
            run,
            cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            lock (run)
            {
                run.SkippedChannels.Add(channel.Adapter.Name);
            }

            run.Alerts.Enqueue(new Alert(AlertKind.SyncFailure, AlertSeverity.High, $"Channel {channel.Adapter.Name} skipped",
                $"Run {run.RunId}: {channel.Adapter.Name} could not be read after {_options.CollectAttempts} attempts (ERR-INV-001); it is skipped this run.",
                _time.GetUtcNow(), WarehouseId: _options.WarehouseId, Channel: channel.Adapter.Name, Level: "ERR-INV-001"));
        }
        else if (snapshot.UnknownListingCount > 0)
        {
            Log.UnknownListings(_logger, channel.Adapter.Name, snapshot.UnknownListingCount, string.Join(", ", snapshot.UnknownListings.Take(5)));
        }

        return snapshot;
    }

    /// <summary>Tries a read up to the configured attempts, each under the collect timeout; returns null when every attempt failed.</summary>
    private async Task<StockSnapshot?> WithAttemptsAsync(string source, Func<CancellationToken, Task<StockSnapshot>> read, RunState run, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= _options.CollectAttempts; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.CollectTimeout);
            try
            {
                var snapshot = await read(timeout.Token).ConfigureAwait(false);
                Call(run, source, succeeded: true);
                return snapshot;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Call(run, source, succeeded: false);
                var transient = ex is OperationCanceledException or TimeoutException or HttpRequestException || ex is OrchestratorException { IsTransient: true };
                Log.CollectFailed(_logger, ex, source, attempt, _options.CollectAttempts);
                if (!transient || attempt == _options.CollectAttempts)
                {
                    return null;
                }

                await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private async Task<HashSet<int>> PausedOrdinalsAsync(CancellationToken cancellationToken)
    {
        var paused = new HashSet<int>();
        foreach (var pause in await _stores.AllocationPauses.ListAsync(_options.WarehouseId, cancellationToken).ConfigureAwait(false))
        {
            if (Catalog.TryGetOrdinal(pause.SkuCode, out var ordinal))
            {
                paused.Add(ordinal);
            }
        }

        return paused;
    }

    /// <summary>
    /// Gets what <paramref name="channel"/> may sell of <paramref name="skuCode"/> now: the warehouse stock read now, under the
    /// rules of a run (the channel's safety buffer and share; a paused SKU, or one the warehouse does not report, sells 0).
    /// It is the pending-sync worker's quantity guard (<see cref="PendingChannelQuantityGuard"/>): a push queued while a channel
    /// was down is lowered to this before it is sent, so it cannot overwrite a newer, lower quantity that a run pushed since.
    /// </summary>
    /// <param name="channel">The channel instance name.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The sellable quantity; <see langword="null"/> when the channel is not one of this workflow's.</returns>
    /// <exception cref="WarehouseApiException">The warehouse could not be read; the caller must not send the queued quantity.</exception>
    public async ValueTask<int?> GetSellableQuantityAsync(string channel, string skuCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentException.ThrowIfNullOrWhiteSpace(skuCode);
        if (_channels.FirstOrDefault(c => string.Equals(c.Adapter.Name, channel, StringComparison.Ordinal)) is not { } target)
        {
            return null;
        }

        if ((await _stores.AllocationPauses.ListAsync(_options.WarehouseId, cancellationToken).ConfigureAwait(false)).Any(p => string.Equals(p.SkuCode, skuCode, StringComparison.Ordinal)))
        {
            return 0;
        }

        // A catalog of its own: the run's catalog is not grown by a read of one SKU.
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, _options.WarehouseId, _time.GetUtcNow());
        await _warehouse.ReadSnapshotAsync(builder, new WesSnapshotRequest([skuCode]), cancellationToken).ConfigureAwait(false);
        var stock = builder.Build();
        if (!stock.Catalog.TryGetOrdinal(skuCode, out var ordinal) || stock.Quantities[ordinal] == StockSnapshot.NotReported)
        {
            return 0;
        }

        return SellableQuantityCalculator.Calculate(stock, [target.Rule]).For(channel)[ordinal];
    }

    /// <summary>The report of a SKU-subset run: every listed subset SKU the warehouse reported, on every channel, with the channel's quantity unknown.</summary>
    private MismatchReport SubsetReport(List<int> subset, StockSnapshot stock, SellableTargets targets)
    {
        var mismatches = new List<Mismatch>();
        var summaries = new List<ChannelDiffSummary>(_channels.Count);
        foreach (var channel in _channels)
        {
            var name = channel.Adapter.Name;
            var column = targets.For(name);
            var before = mismatches.Count;
            foreach (var ordinal in subset)
            {
                if (stock.GetQuantity(ordinal) is not null && channel.Listings.IsListed(ordinal) && (uint)ordinal < (uint)column.Length)
                {
                    mismatches.Add(new Mismatch(name, ordinal, null, column[ordinal]));
                }
            }

            summaries.Add(new ChannelDiffSummary(name, mismatches.Count - before, mismatches.Count - before));
        }

        return new MismatchReport(Catalog, _options.WarehouseId, mismatches, summaries, int.MaxValue);
    }

    private async Task<int> SyncAsync(RunState run, MismatchReport report, SellableTargets targets, StockSnapshot stock, bool channelsRead, CancellationToken cancellationToken)
    {
        var stockIsFresh = _time.GetUtcNow() - stock.TakenAt <= _options.IncreaseFreshness;
        var pushed = 0;
        var byChannel = report.Mismatches.ToLookup(m => m.Channel, StringComparer.Ordinal);
        foreach (var channel in _channels)
        {
            var name = channel.Adapter.Name;
            var updates = new List<PlannedPush>();
            foreach (var mismatch in byChannel[name])
            {
                var sku = Catalog.GetCode(mismatch.SkuOrdinal);
                var explanation = Explain(stock, targets, channel.Rule, mismatch.SkuOrdinal);
                if ((channelsRead && mismatch.IsUnlisted) || !channel.Listings.TryGetListing(mismatch.SkuOrdinal, out var listing))
                {
                    run.Items.Add(new SyncRunItem(name, sku, null, mismatch.TargetQuantity, SyncItemStatus.Skipped, null, "not listed on the channel (ERR-INV-003)", explanation));
                    continue;
                }

                var increase = mismatch.TargetQuantity > (mismatch.ChannelQuantity ?? 0);
                if (increase && !stockIsFresh)
                {
                    run.Items.Add(new SyncRunItem(name, sku, mismatch.ChannelQuantity, mismatch.TargetQuantity, SyncItemStatus.Skipped, null, "increase held: the stock read is too old", explanation));
                    continue;
                }

                updates.Add(new PlannedPush(new ChannelStockUpdate(listing, sku, mismatch.TargetQuantity, $"{run.RunId}:{name}:{sku}"), mismatch, explanation));
            }

            // Decreases first (they prevent overselling), sold-out first among them; then increases.
            updates.Sort((a, b) =>
            {
                var aDown = a.Mismatch.Difference < 0;
                var bDown = b.Mismatch.Difference < 0;
                return aDown != bDown ? (aDown ? -1 : 1) : a.Update.Quantity.CompareTo(b.Update.Quantity);
            });
            pushed += await PushChannelAsync(run, channel, updates, cancellationToken).ConfigureAwait(false);
        }

        return pushed;
    }

    private async Task<int> PushChannelAsync(RunState run, SyncChannel channel, List<PlannedPush> updates, CancellationToken cancellationToken)
    {
        if (updates.Count == 0)
        {
            return 0;
        }

        var name = channel.Adapter.Name;
        var pending = updates.ToDictionary(u => u.Update.TransactionId, StringComparer.Ordinal);
        var results = new Dictionary<string, ChannelPushResult>(StringComparer.Ordinal);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.SyncTimeout);
        for (var attempt = 1; attempt <= _options.PushAttempts && pending.Count > 0 && !timeout.IsCancellationRequested; attempt++)
        {
            IReadOnlyList<ChannelPushResult> batch;
            try
            {
                batch = await channel.Adapter.PushStockAsync(pending.Values.Select(p => p.Update).ToList(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The contract reports failures per update; an adapter that throws anyway leaves every update pending.
                Log.PushFailed(_logger, ex, name, attempt);
                Call(run, name, succeeded: false);
                continue;
            }

            foreach (var result in batch)
            {
                Call(run, name, result.Status == ChannelPushStatus.Succeeded);
                results[result.Update.TransactionId] = result;
                if (result.Status == ChannelPushStatus.Succeeded || !result.IsRetryable)
                {
                    pending.Remove(result.Update.TransactionId);
                }
            }

            if (pending.Count > 0 && attempt < _options.PushAttempts)
            {
                await Task.Delay(_options.RetryDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        var succeeded = 0;
        var toQueue = new List<PendingSyncItem>();
        foreach (var (update, mismatch, explanation) in updates)
        {
            results.TryGetValue(update.TransactionId, out var result);
            if (result?.Status == ChannelPushStatus.Succeeded)
            {
                succeeded++;
                var confirmed = result.ConfirmedQuantity is { } q ? $"; channel confirms {q}" : string.Empty;
                run.Items.Add(new SyncRunItem(name, update.SkuCode, mismatch.ChannelQuantity, update.Quantity, SyncItemStatus.Succeeded, update.TransactionId, null, explanation + confirmed));
            }
            else if (result is not null && !result.IsRetryable)
            {
                run.Failed++;
                run.Items.Add(new SyncRunItem(name, update.SkuCode, mismatch.ChannelQuantity, update.Quantity, SyncItemStatus.Failed, update.TransactionId,
                    $"ERR-INV-002 {result.Failure}: {result.Message}", explanation));
            }
            else
            {
                run.Queued++;
                toQueue.Add(new PendingSyncItem(update.TransactionId, name, PendingKind, $"{name}:{update.SkuCode}",
                    JsonSerializer.Serialize(new PendingChannelStock(update.Listing.Id, update.Listing.Option, update.Listing.Code, update.SkuCode, update.Quantity)),
                    update.Quantity == 0 ? 2 : mismatch.Difference < 0 ? 1 : 0, _time.GetUtcNow()));
                run.Items.Add(new SyncRunItem(name, update.SkuCode, mismatch.ChannelQuantity, update.Quantity, SyncItemStatus.Queued, update.TransactionId,
                    $"ERR-INV-002 {result?.Failure?.ToString() ?? "not sent"}: {result?.Message ?? "retries exhausted or timed out"}", explanation));
            }
        }

        if (toQueue.Count > 0)
        {
            await _stores.PendingSync.EnqueueAsync(toQueue, cancellationToken).ConfigureAwait(false);
        }

        if (succeeded < updates.Count)
        {
            run.Alerts.Enqueue(new Alert(AlertKind.SyncFailure, AlertSeverity.High, $"Stock pushes to {name} failed",
                $"Run {run.RunId}: {updates.Count - succeeded} of {updates.Count} pushes to {name} did not succeed (ERR-INV-002); {toQueue.Count} queued for retry.",
                _time.GetUtcNow(), WarehouseId: _options.WarehouseId, Channel: name, Level: "ERR-INV-002"));
        }

        return succeeded;
    }

    private static string Explain(StockSnapshot stock, SellableTargets targets, ChannelSellableRule rule, int ordinal)
    {
        var onHand = stock.GetQuantity(ordinal) ?? 0;
        var reserved = stock.GetReserved(ordinal);
        var target = targets.For(rule.Channel)[ordinal];
        var share = rule.AllocationShare < 1m ? string.Create(CultureInfo.InvariantCulture, $", share {rule.AllocationShare:P0}") : string.Empty;
        var floor = onHand - reserved - rule.SafetyBuffer < 0 ? ", floored at 0" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"on hand {onHand} − reserved {reserved} − buffer {rule.SafetyBuffer}{share}{floor} = {target} (stock read {stock.TakenAt:O})");
    }

    private void AddLevelAlerts(RunState run, StockLevelReport levels)
    {
        foreach (var breach in levels.Critical)
        {
            run.Alerts.Enqueue(new Alert(AlertKind.CriticalStock, AlertSeverity.High, $"{breach.SkuCode}: {breach.Quantity} left",
                $"{breach.SkuCode} in {breach.WarehouseId} is at {breach.Quantity}, at or below the critical level {breach.Threshold}.",
                _time.GetUtcNow(), breach.SkuCode, breach.WarehouseId, Level: "critical"));
        }

        foreach (var breach in levels.Low)
        {
            run.Alerts.Enqueue(new Alert(AlertKind.LowStock, AlertSeverity.Medium, $"{breach.SkuCode}: {breach.Quantity} left",
                $"{breach.SkuCode} in {breach.WarehouseId} is at {breach.Quantity}, at or below the low level {breach.Threshold}.",
                _time.GetUtcNow(), breach.SkuCode, breach.WarehouseId, Level: "low"));
        }
    }

    private async Task<IReadOnlyList<PurchaseOrderSuggestion>> SuggestAsync(StockLevelReport levels, CancellationToken cancellationToken)
    {
        if (_purchasing is null || !levels.HasShortage)
        {
            return [];
        }

        var requests = levels.Critical.Concat(levels.Low)
            .Select(b => new PurchaseOrderRequest(b.WarehouseId, b.SkuCode, b.Quantity, b.Level == StockLevel.Critical ? "critical" : "low"))
            .ToList();
        try
        {
            return await _purchasing.SuggestAsync(requests, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PurchaseSuggestionFailed(_logger, ex);
            return [];
        }
    }

    private async Task DispatchAsync(RunState run, CancellationToken cancellationToken)
    {
        if (_alerts is null || run.Alerts.IsEmpty)
        {
            return;
        }

        try
        {
            run.Dispatch = await _alerts.DispatchAsync(run.Alerts.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Alerts never fail a run.
            Log.AlertDispatchFailed(_logger, ex, run.RunId);
        }
    }

    private SyncKpis Kpis(RunState run, MismatchReport report, int pushed, StockSnapshot stock, long started)
    {
        var stockedOut = 0L;
        var quantities = stock.Quantities;
        for (var i = 0; i < quantities.Length; i++)
        {
            if (quantities[i] != StockSnapshot.NotReported && quantities[i] - stock.GetReserved(i) <= 0)
            {
                stockedOut++;
            }
        }

        return new SyncKpis(report.Compared, report.Matched + pushed, stockedOut, stock.ReportedCount, run.Calls, run.CallsSucceeded, _time.GetElapsedTime(started));
    }

    /// <summary>Records a CPU-bound stage's time and fails the run when it took longer than its SLA (it cannot be cancelled midway).</summary>
    private void EnforceSla(RunState run, string name, long started, TimeSpan sla)
    {
        var elapsed = _time.GetElapsedTime(started);
        run.Stage(name, elapsed);
        _metrics?.StageDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("workflow", _options.Workflow), new KeyValuePair<string, object?>("stage", name));
        if (elapsed > sla)
        {
            throw new TimeoutException($"The {name} stage took {elapsed.TotalSeconds:0.###} s, past its SLA of {sla.TotalSeconds:0.###} s.");
        }
    }

    private void Call(RunState run, string target, bool succeeded)
    {
        run.Count(succeeded);
        _metrics?.ApiCalls.Add(1, new KeyValuePair<string, object?>("target", target), new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure"));
    }

    private void RecordKpis(SyncKpis kpis, string outcome)
    {
        var workflow = new KeyValuePair<string, object?>("workflow", _options.Workflow);
        _metrics?.SyncAccuracy.Record(kpis.SyncAccuracy, workflow);
        _metrics?.SyncDuration.Record(kpis.Duration.TotalSeconds, workflow, new KeyValuePair<string, object?>("outcome", outcome));
        _metrics?.StockoutRate.Record(kpis.StockoutRate, workflow);
    }

    private async Task SetStateAsync(RunState run, SyncRunState state, CancellationToken cancellationToken)
    {
        run.State = state;
        await _stores.SyncRuns.SetStateAsync(run.RunId, state, _time.GetUtcNow(), null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChannelSyncResult> FailAsync(RunState run, string reason, long started)
    {
        await DispatchAsync(run, CancellationToken.None).ConfigureAwait(false);
        var kpis = new SyncKpis(0, 0, 0, 0, run.Calls, run.CallsSucceeded, _time.GetElapsedTime(started));
        await _stores.SyncRuns.SetStateAsync(run.RunId, SyncRunState.Error, _time.GetUtcNow(), reason, CancellationToken.None).ConfigureAwait(false);
        await _stores.SyncRuns.CompleteAsync(run.RunId, SyncRunState.Error, kpis, run.Stages, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        RecordKpis(kpis, "error");
        return new ChannelSyncResult(run.RunId, SyncRunState.Error, null, null, kpis, run.SkippedChannels, 0, run.Queued, run.Failed, run.Alerts.ToArray(), run.Dispatch, [], reason);
    }

    /// <summary>A push the sync decided on, with the mismatch behind it and how its target was computed.</summary>
    private readonly record struct PlannedPush(ChannelStockUpdate Update, Mismatch Mismatch, string Explanation);

    /// <summary>The payload of a queued channel push (the pending-sync worker sends it again).</summary>
    /// <param name="ListingId">The listing id.</param>
    /// <param name="ListingOption">The listing option.</param>
    /// <param name="ListingCode">The listing code.</param>
    /// <param name="SkuCode">The SKU.</param>
    /// <param name="Quantity">The absolute quantity.</param>
    internal sealed record PendingChannelStock(long ListingId, long ListingOption, string? ListingCode, string SkuCode, int Quantity);

    private sealed class RunState(string runId)
    {
        private readonly Dictionary<string, TimeSpan> _stages = new(StringComparer.Ordinal);
        private long _calls;
        private long _callsSucceeded;

        public string RunId { get; } = runId;

        public SyncRunState State { get; set; } = SyncRunState.Collecting;

        public List<string> SkippedChannels { get; } = [];

        public List<SyncRunItem> Items { get; } = [];

        public System.Collections.Concurrent.ConcurrentQueue<Alert> Alerts { get; } = new();

        public int Queued { get; set; }

        public int Failed { get; set; }

        public AlertDispatchResult? Dispatch { get; set; }

        public long? WarehouseVersion { get; set; }

        public long Calls => Interlocked.Read(ref _calls);

        public long CallsSucceeded => Interlocked.Read(ref _callsSucceeded);

        public IReadOnlyDictionary<string, TimeSpan> Stages => _stages;

        public void Stage(string name, TimeSpan elapsed) => _stages[name] = elapsed;

        public void Count(bool succeeded)
        {
            Interlocked.Increment(ref _calls);
            if (succeeded)
            {
                Interlocked.Increment(ref _callsSucceeded);
            }
        }
    }
}

/// <summary>One channel of a sync: the adapter, its listings and what it may sell.</summary>
/// <param name="Adapter">The channel adapter.</param>
/// <param name="Listings">Its listings, on the sync's SKU catalog.</param>
/// <param name="Rule">Its sellable rule (safety buffer, allocation share).</param>
public sealed record SyncChannel(IChannelAdapter Adapter, ChannelListingMap Listings, ChannelSellableRule Rule);

/// <summary>The stores a sync run records into.</summary>
/// <param name="SyncRuns">The run history.</param>
/// <param name="PendingSync">The pending-sync queue for pushes that failed.</param>
/// <param name="AllocationPauses">The paused SKUs, which sell 0.</param>
public sealed record SyncStores(ISyncRunStore SyncRuns, IPendingSyncStore PendingSync, IAllocationPauseStore AllocationPauses);

/// <summary>Reports one WF-INV-001 run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="State">How it ended.</param>
/// <param name="Mismatches">The analysis, when the run got that far.</param>
/// <param name="Levels">The stock-level check, when the run got that far.</param>
/// <param name="Kpis">The KPIs.</param>
/// <param name="SkippedChannels">Channels that could not be read.</param>
/// <param name="Pushed">Pushes the channels accepted.</param>
/// <param name="Queued">Pushes put in the pending-sync queue.</param>
/// <param name="Failed">Pushes the channels refused for good (for a person).</param>
/// <param name="Alerts">Alerts raised.</param>
/// <param name="Dispatch">What the dispatcher did with them, when there is one.</param>
/// <param name="Suggestions">Purchase-order suggestions.</param>
/// <param name="Error">Why the run failed, if it did.</param>
public sealed record ChannelSyncResult(
    string RunId,
    SyncRunState State,
    MismatchReport? Mismatches,
    StockLevelReport? Levels,
    SyncKpis Kpis,
    IReadOnlyList<string> SkippedChannels,
    int Pushed,
    int Queued,
    int Failed,
    IReadOnlyList<Alert> Alerts,
    AlertDispatchResult? Dispatch,
    IReadOnlyList<PurchaseOrderSuggestion> Suggestions,
    string? Error = null)
{
    /// <summary>
    /// Gets the WES version high-water mark of the warehouse read (<see cref="WesSnapshotInfo.HighestVersion"/>): every change at or
    /// below it was in the stock this run computed from; <see langword="null"/> when the run did not read the warehouse or the WES has no versions.
    /// </summary>
    public long? WarehouseVersion { get; init; }
}
