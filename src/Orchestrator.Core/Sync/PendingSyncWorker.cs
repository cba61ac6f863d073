using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Internal;
using Orchestrator.Storage;
using Orchestrator.Warehouse;

namespace Orchestrator.Sync;

/// <summary>Carries out one pending-sync item of a kind the <see cref="PendingSyncWorker"/> does not send itself (for example
/// <see cref="Reconciliation.WesReconciliationWorkflow.FullSyncKind"/>).</summary>
/// <param name="item">The claimed item.</param>
/// <param name="cancellationToken">Cancels the work; the item is then retried.</param>
/// <returns>A task that completes when the work is done; the item is then completed. An <see cref="InvalidStockDataException"/>
/// or a non-transient <see cref="WarehouseApiException"/> dead-letters the item at once; any other exception retries it with backoff.</returns>
public delegate Task PendingSyncItemHandler(PendingSyncItem item, CancellationToken cancellationToken);

/// <summary>
/// Drains the pending-sync queue (ERR-INV-002 retries): sends the channel stock pushes that failed during a channel sync, and the
/// Inventory → WES set-stock updates recorded before they were sent, until each is delivered or dead-lettered.
/// </summary>
/// <remarks>
/// <para>A pass claims due items with a lease (<see cref="IPendingSyncStore.ClaimAsync"/>), so two workers never hold the same item;
/// an item whose worker died is claimed again once the lease ran out. Channel items are sent per target in batches of the channel's
/// <see cref="ChannelCapabilities.MaxUpdatesPerCall"/>.</para>
/// <para>A retryable failure (timeout, rate limit, unavailable, not sent) is tried again after an exponential backoff; after
/// <see cref="PendingSyncWorkerOptions.MaxAttempts"/> attempts the item is dead-lettered. A failure the target will never accept, an
/// unknown target or kind, and an unreadable payload are dead-lettered at once with a message saying why: nothing is dropped silently.</para>
/// <para>Quantities are absolute and the queue keeps only the latest pending quantity per SKU and channel (coalescing); of two items
/// for one key claimed in one pass only the newest is sent. A quantity can still have gone stale since it was enqueued (stock sold
/// meanwhile); a <see cref="PendingChannelQuantityGuard"/> lowers it to the current sellable quantity before it is sent. An item whose
/// key already has a newer delivered item (a crashed worker's lease reclaimed late) is completed as superseded by the store at claim
/// time and never returned (docs/pending-sync.md).</para>
/// <para>Kinds it does not send itself run through the <see cref="PendingSyncItemHandler"/> given for them (the Full Sync Job of
/// <see cref="Reconciliation.WesReconciliationWorkflow"/>): completed when the handler returns, retried with backoff when it throws.</para>
/// <para>Safe to use from several threads and several processes: each pass works only on the items it claimed.</para>
/// </remarks>
public sealed class PendingSyncWorker
{
    /// <summary>The target of WES items.</summary>
    public const string WesTarget = "wes";

    /// <summary>The pending-sync item kind of an Inventory → WES set-stock update.</summary>
    public const string WesSetStockKind = "wes-set-stock";

    private static readonly JsonSerializerOptions PayloadOptions = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly Dictionary<string, IChannelAdapter> _channels;
    private readonly IPendingSyncStore _store;
    private readonly PendingSyncWorkerOptions _options;
    private readonly IWesClient? _wes;
    private readonly PendingChannelQuantityGuard? _guard;
    private readonly Dictionary<string, PendingSyncItemHandler> _handlers;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="PendingSyncWorker"/> class.</summary>
    /// <param name="channels">The channel adapters whose queued pushes this worker sends; one per name.</param>
    /// <param name="store">The pending-sync queue.</param>
    /// <param name="options">The options.</param>
    /// <param name="wes">The WES client for <see cref="WesSetStockKind"/> items, or <see langword="null"/> when this worker sends none
    /// (such items are then dead-lettered as unknown unless <see cref="PendingSyncWorkerOptions.Target"/> keeps them out).</param>
    /// <param name="quantityGuard">Gets the current sellable quantity of a SKU on a channel so a stale queued quantity is lowered before it is
    /// sent, or <see langword="null"/> to send the queued quantity.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="handlers">Handlers for other item kinds, by kind (for example <see cref="Reconciliation.WesReconciliationWorkflow.FullSyncKind"/> →
    /// <see cref="Reconciliation.WesReconciliationWorkflow.HandleFullSyncItemAsync"/>), or <see langword="null"/> for none; an item of a kind
    /// with no handler is dead-lettered as unknown.</param>
    /// <exception cref="ValidationException">The options are invalid, two adapters share a name, or a handler is given for a kind the worker sends itself.</exception>
    public PendingSyncWorker(
        IEnumerable<IChannelAdapter> channels,
        IPendingSyncStore store,
        PendingSyncWorkerOptions options,
        IWesClient? wes = null,
        PendingChannelQuantityGuard? quantityGuard = null,
        TimeProvider? timeProvider = null,
        ILogger<PendingSyncWorker>? logger = null,
        IReadOnlyDictionary<string, PendingSyncItemHandler>? handlers = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            throw new ValidationException("RetryMaxDelay must be at least RetryBaseDelay.");
        }

        _channels = new Dictionary<string, IChannelAdapter>(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            ArgumentNullException.ThrowIfNull(channel);
            if (!_channels.TryAdd(channel.Name, channel))
            {
                throw new ValidationException($"Two channel adapters are named '{channel.Name}'.");
            }
        }

        _store = store;
        _options = options;
        _wes = wes;
        _guard = quantityGuard;
        _handlers = new Dictionary<string, PendingSyncItemHandler>(StringComparer.Ordinal);
        foreach (var (kind, handler) in handlers ?? new Dictionary<string, PendingSyncItemHandler>())
        {
            ArgumentNullException.ThrowIfNull(handler);
            if (kind is ChannelSyncWorkflow.PendingKind or WesSetStockKind)
            {
                throw new ValidationException($"The pending-sync worker sends '{kind}' items itself; no handler can be given for them.");
            }

            _handlers.Add(kind, handler);
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Creates the queue item of an Inventory → WES set-stock update, to record it before it is sent.</summary>
    /// <param name="update">The update; its transaction id becomes the item's, so the WES applies it once however often it is sent.</param>
    /// <param name="now">The current time; the item is due from then.</param>
    /// <param name="priority">Higher goes first.</param>
    /// <returns>The item, with target <see cref="WesTarget"/>, kind <see cref="WesSetStockKind"/> and coalescing key
    /// <c>wes:{warehouse}:{sku}</c> (a newer on-hand quantity of the same SKU replaces a pending one).</returns>
    /// <exception cref="ArgumentException">The update has no transaction id, warehouse or SKU, or a negative on-hand quantity.</exception>
    public static PendingSyncItem CreateWesSetStockItem(WesStockUpdate update, DateTimeOffset now, int priority = 0)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.TransactionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.WarehouseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.SkuCode);
        ArgumentOutOfRangeException.ThrowIfNegative(update.OnHand);
        var payload = JsonSerializer.Serialize(new PendingWesStock(update.WarehouseId, update.SkuCode, update.OnHand, update.ExpectedVersion, update.Reason));
        return new PendingSyncItem(update.TransactionId, WesTarget, WesSetStockKind, $"{WesTarget}:{update.WarehouseId}:{update.SkuCode}", payload, priority, now);
    }

    /// <summary>Claims the due items and sends them once.</summary>
    /// <param name="cancellationToken">Cancels the pass; an item whose push was cut short counts as a retryable failure.</param>
    /// <returns>What happened to the claimed items.</returns>
    public async Task<PendingSyncWorkerResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var claims = await _store.ClaimAsync(_options.Target, _options.BatchSize, _options.LeaseDuration, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var tally = new Tally();
        await ProcessAsync(claims, tally, cancellationToken).ConfigureAwait(false);
        var result = tally.ToResult(claims.Count);
        if (claims.Count > 0)
        {
            Log.PendingSyncPass(_logger, result.Claimed, result.Delivered, result.Retried, result.DeadLettered, result.Superseded, result.LeaseLost);
        }

        return result;
    }

    /// <summary>
    /// Records an Inventory → WES set-stock update in the queue, then sends the due WES items once; an update that fails stays queued
    /// for <see cref="RunOnceAsync"/> to retry.
    /// </summary>
    /// <param name="update">The update; the WES applies its transaction id once, so a resend after a lost answer is harmless.</param>
    /// <param name="cancellationToken">Cancels the call; once recorded, the update stays queued.</param>
    /// <returns><see langword="true"/> when the update was delivered now; <see langword="false"/> when it stays queued (the WES failed, or
    /// older due WES items filled the batch).</returns>
    /// <remarks>Other due WES items claimed with it are sent too; the WES items are claimed highest priority first, then oldest first.
    /// A transaction id that was enqueued before is not recorded again (the queue remembers every id): the call still sends the due WES
    /// items, and returns <see langword="true"/> only when that id was among those delivered.</remarks>
    /// <exception cref="InvalidOperationException">The worker has no WES client.</exception>
    /// <exception cref="ArgumentException">The update is invalid (see <see cref="CreateWesSetStockItem"/>).</exception>
    public async Task<bool> PushToWesAsync(WesStockUpdate update, CancellationToken cancellationToken)
    {
        if (_wes is null)
        {
            throw new InvalidOperationException("This pending-sync worker has no WES client.");
        }

        var now = _time.GetUtcNow();
        var item = CreateWesSetStockItem(update, now);
        await _store.EnqueueAsync([item], cancellationToken).ConfigureAwait(false);
        var claims = await _store.ClaimAsync(WesTarget, _options.BatchSize, _options.LeaseDuration, now, cancellationToken).ConfigureAwait(false);
        var tally = new Tally();
        await ProcessAsync(claims, tally, cancellationToken).ConfigureAwait(false);
        var delivered = tally.DeliveredTransactions.Contains(update.TransactionId);
        if (!delivered)
        {
            Log.PendingSyncWesQueued(_logger, update.TransactionId, update.WarehouseId, update.SkuCode);
        }

        return delivered;
    }

    private async Task ProcessAsync(IReadOnlyList<ClaimedSyncItem> claims, Tally tally, CancellationToken cancellationToken)
    {
        foreach (var group in claims.GroupBy(c => c.Item.Target, StringComparer.Ordinal))
        {
            var channelItems = new List<ClaimedSyncItem>();
            var wesItems = new List<ClaimedSyncItem>();
            foreach (var claim in group)
            {
                switch (claim.Item.Kind)
                {
                    case ChannelSyncWorkflow.PendingKind when _channels.ContainsKey(claim.Item.Target):
                        channelItems.Add(claim);
                        break;
                    case ChannelSyncWorkflow.PendingKind:
                        await DeadLetterAsync(claim, $"No channel adapter named '{claim.Item.Target}' is given to the pending-sync worker.", tally).ConfigureAwait(false);
                        break;
                    case WesSetStockKind when _wes is not null && string.Equals(claim.Item.Target, WesTarget, StringComparison.Ordinal):
                        wesItems.Add(claim);
                        break;
                    case WesSetStockKind:
                        await DeadLetterAsync(claim, _wes is null
                            ? "The pending-sync worker has no WES client for a WES set-stock item."
                            : $"A WES set-stock item must target '{WesTarget}', not '{claim.Item.Target}'.", tally).ConfigureAwait(false);
                        break;
                    case var kind when _handlers.TryGetValue(kind, out var handler):
                        await HandleAsync(handler, claim, tally, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await DeadLetterAsync(claim, $"Unknown pending-sync item kind '{claim.Item.Kind}' for target '{claim.Item.Target}'.", tally).ConfigureAwait(false);
                        break;
                }
            }

            if (channelItems.Count > 0)
            {
                await SendToChannelAsync(_channels[group.Key], channelItems, tally, cancellationToken).ConfigureAwait(false);
            }

            if (wesItems.Count > 0)
            {
                // On-hand quantities are absolute too: of two items for one SKU in a pass, only the newest is sent.
                foreach (var sameKey in wesItems.GroupBy(c => c.Item.CoalescingKey, StringComparer.Ordinal))
                {
                    var ordered = sameKey.OrderByDescending(c => c.Id).ToList();
                    await SupersedeAsync(ordered.Skip(1).Select(c => (c, ordered[0].Id)), tally).ConfigureAwait(false);
                    await SendToWesAsync(_wes!, ordered[0], tally, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task SupersedeAsync(IEnumerable<(ClaimedSyncItem Claim, long LatestId)> superseded, Tally tally)
    {
        foreach (var (claim, latestId) in superseded)
        {
            Log.PendingSyncSuperseded(_logger, claim.Id, claim.Item.Target, claim.Item.CoalescingKey, latestId);
            if (await _store.CompleteAsync(claim, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
            {
                tally.Superseded++;
            }
            else
            {
                tally.LeaseLost++;
            }
        }
    }

    private async Task SendToChannelAsync(IChannelAdapter adapter, List<ClaimedSyncItem> claims, Tally tally, CancellationToken cancellationToken)
    {
        // The adapter takes at most one update per listing, and quantities are absolute: of two items for one key or listing
        // (a stale lease reclaimed next to a newer pending item), only the newest one (highest id) is sent.
        var latestByKey = new Dictionary<string, ClaimedSyncItem>(StringComparer.Ordinal);
        var latestByListing = new Dictionary<ListingKey, (ClaimedSyncItem Claim, ChannelStockUpdate Update)>();
        var superseded = new List<(ClaimedSyncItem Claim, long LatestId)>();
        foreach (var claim in claims.OrderByDescending(c => c.Id))
        {
            if (latestByKey.TryGetValue(claim.Item.CoalescingKey, out var newer))
            {
                superseded.Add((claim, newer.Id));
                continue;
            }

            latestByKey.Add(claim.Item.CoalescingKey, claim);
            if (!TryReadChannelPayload(claim, out var update, out var error))
            {
                await DeadLetterAsync(claim, error, tally).ConfigureAwait(false);
                continue;
            }

            if (!latestByListing.TryAdd(update.Listing, (claim, update)))
            {
                superseded.Add((claim, latestByListing[update.Listing].Claim.Id));
            }
        }

        await SupersedeAsync(superseded, tally).ConfigureAwait(false);

        var toSend = new List<(ClaimedSyncItem Claim, ChannelStockUpdate Update)>(latestByListing.Count);
        foreach (var (claim, update) in latestByListing.Values.OrderByDescending(v => v.Claim.Item.Priority).ThenBy(v => v.Claim.Id))
        {
            ChannelStockUpdate guarded;
            try
            {
                guarded = await GuardAsync(adapter.Name, update, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Without a current quantity the queued one may oversell: the item waits rather than being sent unguarded.
                Log.PendingSyncGuardFailed(_logger, ex, adapter.Name, update.SkuCode);
                await RetryAsync(claim, $"ERR-INV-002 the quantity guard failed ({ex.GetType().Name}: {ex.Message}); not sent", tally).ConfigureAwait(false);
                continue;
            }

            toSend.Add((claim, guarded));
        }

        var batchSize = Math.Max(1, adapter.Capabilities.MaxUpdatesPerCall);
        foreach (var batch in toSend.Chunk(batchSize))
        {
            var updates = batch.Select(b => b.Update).ToList();
            IReadOnlyList<ChannelPushResult>? results = null;
            string? threw = null;
            try
            {
                results = await adapter.PushStockAsync(updates, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The contract reports failures in the results; an adapter that throws anyway must not lose the batch or stop the pass.
                Log.PendingSyncPushThrew(_logger, ex, adapter.Name, updates.Count);
                threw = ex is OperationCanceledException && cancellationToken.IsCancellationRequested
                    ? "the pass was cancelled before the push finished"
                    : $"the adapter threw {ex.GetType().Name}: {ex.Message}";
            }

            for (var i = 0; i < batch.Length; i++)
            {
                var (claim, _) = batch[i];
                var result = results is not null && i < results.Count ? results[i] : null;
                if (result?.Status == ChannelPushStatus.Succeeded)
                {
                    await CompleteAsync(claim, tally).ConfigureAwait(false);
                }
                else if (result is not null && !result.IsRetryable)
                {
                    await DeadLetterAsync(claim, $"ERR-INV-002 {result.Failure}: {result.Message ?? "refused by the channel"} (not retryable)", tally).ConfigureAwait(false);
                }
                else
                {
                    var reason = result is not null
                        ? $"ERR-INV-002 {result.Failure?.ToString() ?? result.Status.ToString()}: {result.Message ?? "not sent"}"
                        : $"ERR-INV-002 {threw ?? "the adapter returned no result for this update"}";
                    await RetryAsync(claim, reason, tally).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task<ChannelStockUpdate> GuardAsync(string channel, ChannelStockUpdate update, CancellationToken cancellationToken)
    {
        if (_guard is null)
        {
            return update;
        }

        // Only ever lowered: sending less than the latest quantity is corrected by the next sync, sending more can oversell.
        var current = await _guard(channel, update.SkuCode, update.Quantity, cancellationToken).ConfigureAwait(false);
        if (current is not { } value || value >= update.Quantity)
        {
            return update;
        }

        var lowered = Math.Max(0, value);
        Log.PendingSyncGuardLowered(_logger, channel, update.SkuCode, update.Quantity, lowered);
        return new ChannelStockUpdate(update.Listing, update.SkuCode, lowered, update.TransactionId);
    }

    private async Task SendToWesAsync(IWesClient wes, ClaimedSyncItem claim, Tally tally, CancellationToken cancellationToken)
    {
        PendingWesStock? payload;
        try
        {
            payload = JsonSerializer.Deserialize<PendingWesStock>(claim.Item.Payload, PayloadOptions);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(claim, $"Malformed {WesSetStockKind} payload: {ex.Message}", tally).ConfigureAwait(false);
            return;
        }

        if (payload is null || string.IsNullOrWhiteSpace(payload.WarehouseId) || string.IsNullOrWhiteSpace(payload.SkuCode) || payload.OnHand < 0)
        {
            await DeadLetterAsync(claim, $"Malformed {WesSetStockKind} payload: it needs a warehouse, a SKU and an on-hand quantity of 0 or more.", tally).ConfigureAwait(false);
            return;
        }

        var update = new WesStockUpdate(claim.Item.TransactionId, payload.WarehouseId, payload.SkuCode, payload.OnHand, payload.ExpectedVersion, payload.Reason);
        try
        {
            await wes.SetStockAsync(update, cancellationToken).ConfigureAwait(false);
        }
        catch (WarehouseApiException ex) when (!ex.IsTransient)
        {
            await DeadLetterAsync(claim, $"ERR-INV-004 {ex.Kind}: {ex.Message} (not retryable)", tally).ConfigureAwait(false);
            return;
        }
        catch (WarehouseApiException ex)
        {
            await RetryAsync(claim, $"ERR-INV-004 {ex.Kind}: {ex.Message}", tally).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await RetryAsync(claim, "ERR-INV-004 the pass was cancelled before the WES answered", tally).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            // Anything else (a dropped connection, an unreadable answer) may pass: retried, and dead-lettered once the attempts are used.
            await RetryAsync(claim, $"ERR-INV-004 {ex.GetType().Name}: {ex.Message}", tally).ConfigureAwait(false);
            return;
        }

        await CompleteAsync(claim, tally).ConfigureAwait(false);
    }

    private async Task HandleAsync(PendingSyncItemHandler handler, ClaimedSyncItem claim, Tally tally, CancellationToken cancellationToken)
    {
        try
        {
            await handler(claim.Item, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidStockDataException ex)
        {
            await DeadLetterAsync(claim, $"{ex.ErrorCode} {ex.Message} (not retryable)", tally).ConfigureAwait(false);
            return;
        }
        catch (WarehouseApiException ex) when (!ex.IsTransient)
        {
            await DeadLetterAsync(claim, $"ERR-INV-004 {ex.Kind}: {ex.Message} (not retryable)", tally).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await RetryAsync(claim, $"the pass was cancelled before the {claim.Item.Kind} item finished", tally).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            var code = (ex as OrchestratorException)?.ErrorCode ?? "ERR-SYS";
            await RetryAsync(claim, $"{code} {ex.GetType().Name}: {ex.Message}", tally).ConfigureAwait(false);
            return;
        }

        await CompleteAsync(claim, tally).ConfigureAwait(false);
    }

    private static bool TryReadChannelPayload(ClaimedSyncItem claim, out ChannelStockUpdate update, out string error)
    {
        update = null!;
        ChannelSyncWorkflow.PendingChannelStock? payload;
        try
        {
            payload = JsonSerializer.Deserialize<ChannelSyncWorkflow.PendingChannelStock>(claim.Item.Payload, PayloadOptions);
        }
        catch (JsonException ex)
        {
            error = $"Malformed {ChannelSyncWorkflow.PendingKind} payload: {ex.Message}";
            return false;
        }

        if (payload is null || string.IsNullOrWhiteSpace(payload.SkuCode) || payload.Quantity < 0)
        {
            error = $"Malformed {ChannelSyncWorkflow.PendingKind} payload: it needs a listing, a SKU and a quantity of 0 or more.";
            return false;
        }

        update = new ChannelStockUpdate(new ListingKey(payload.ListingId, payload.ListingOption, payload.ListingCode), payload.SkuCode, payload.Quantity, claim.Item.TransactionId);
        error = string.Empty;
        return true;
    }

    // Outcomes are recorded with CancellationToken.None: a push that reached the target must be recorded even when the pass is being
    // cancelled, or the item would be sent again after its lease ran out.
    private async Task CompleteAsync(ClaimedSyncItem claim, Tally tally)
    {
        if (await _store.CompleteAsync(claim, _time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
        {
            tally.Delivered++;
            tally.DeliveredTransactions.Add(claim.Item.TransactionId);
        }
        else
        {
            tally.LeaseLost++;
            Log.PendingSyncLeaseLost(_logger, claim.Id, claim.Item.Kind, claim.Item.Target, claim.Item.TransactionId);
        }
    }

    private async Task RetryAsync(ClaimedSyncItem claim, string reason, Tally tally)
    {
        var attempt = claim.Attempts + 1;
        var next = _time.GetUtcNow() + Backoff(claim.Attempts);
        var state = await _store.FailAsync(claim, reason, next, _options.MaxAttempts, CancellationToken.None).ConfigureAwait(false);
        Count(claim, state, attempt, reason, tally);
        if (state == PendingSyncState.Pending)
        {
            Log.PendingSyncRetry(_logger, claim.Id, claim.Item.Kind, claim.Item.Target, claim.Item.TransactionId, attempt, reason, next);
        }
    }

    private async Task DeadLetterAsync(ClaimedSyncItem claim, string reason, Tally tally)
    {
        // One attempt allowed: the store dead-letters the item on this failure whatever its attempts were.
        var state = await _store.FailAsync(claim, reason, _time.GetUtcNow(), 1, CancellationToken.None).ConfigureAwait(false);
        Count(claim, state, claim.Attempts + 1, reason, tally);
    }

    private void Count(ClaimedSyncItem claim, PendingSyncState state, int attempt, string reason, Tally tally)
    {
        switch (state)
        {
            case PendingSyncState.DeadLettered:
                tally.DeadLettered++;
                Log.PendingSyncDeadLettered(_logger, claim.Id, claim.Item.Kind, claim.Item.Target, claim.Item.TransactionId, attempt, reason);
                break;
            case PendingSyncState.Pending:
                tally.Retried++;
                break;
            default:
                tally.LeaseLost++;
                Log.PendingSyncLeaseLost(_logger, claim.Id, claim.Item.Kind, claim.Item.Target, claim.Item.TransactionId);
                break;
        }
    }

    private TimeSpan Backoff(int previousAttempts)
    {
        // base × 2^(attempts before this one), capped; the exponent is bounded so the multiplication cannot overflow.
        var factor = Math.Pow(2, Math.Min(previousAttempts, 30));
        var ticks = Math.Min(_options.RetryBaseDelay.Ticks * factor, _options.RetryMaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The payload of a queued WES set-stock update.</summary>
    /// <param name="WarehouseId">The warehouse.</param>
    /// <param name="SkuCode">The SKU.</param>
    /// <param name="OnHand">The absolute on-hand quantity.</param>
    /// <param name="ExpectedVersion">Applies only if the WES row is still at this version, or <see langword="null"/>.</param>
    /// <param name="Reason">Why, for people.</param>
    internal sealed record PendingWesStock(string WarehouseId, string SkuCode, int OnHand, long? ExpectedVersion = null, string? Reason = null);

    private sealed class Tally
    {
        public int Delivered { get; set; }

        public int Retried { get; set; }

        public int DeadLettered { get; set; }

        public int Superseded { get; set; }

        public int LeaseLost { get; set; }

        public HashSet<string> DeliveredTransactions { get; } = new(StringComparer.Ordinal);

        public PendingSyncWorkerResult ToResult(int claimed) => new(claimed, Delivered, Retried, DeadLettered, Superseded, LeaseLost);
    }
}
