using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Alerts;
using Orchestrator.Catalog;
using Orchestrator.Diagnostics;
using Orchestrator.Mismatches;
using Orchestrator.Purchasing;
using Orchestrator.Reconciliation;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Thresholds;
using Orchestrator.Warehouse;

namespace Orchestrator.Hosting.Internal;

/// <summary>Builds the workflows from the container: the channel sync again whenever the listings change.</summary>
internal sealed class Workflows(OrchestratorRuntime runtime) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _channelWrites = new(1, 1);
    private ListingCatalog? _listings;
    private ChannelSyncWorkflow? _channelSync;

    /// <summary>Gets the channel sync over the current listings.</summary>
    public async Task<ChannelSyncWorkflow> ChannelSyncAsync(CancellationToken cancellationToken)
    {
        var listings = await runtime.Require<IListingCatalogSource>().GetAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_channelSync is not null && ReferenceEquals(listings, _listings))
            {
                return _channelSync;
            }

            var sp = runtime.Services;
            var adapters = runtime.Channels();
            foreach (var orphan in listings.Channels.Where(c => adapters.All(a => !string.Equals(a.Name, c, StringComparison.Ordinal))))
            {
                Log.ListingsWithoutAdapter(runtime.Logger, orphan);
            }

            var channels = adapters.Select(a =>
            {
                var rule = runtime.Options.ChannelRules.TryGetValue(a.Name, out var r) ? new ChannelSellableRule(a.Name, r.SafetyBuffer, r.AllocationShare) : new ChannelSellableRule(a.Name);
                return new SyncChannel(a, listings.For(a.Name), rule);
            }).ToList();
            _channelSync = new ChannelSyncWorkflow(
                channels,
                sp.GetRequiredService<IWesClient>(),
                new SyncStores(sp.GetRequiredService<ISyncRunStore>(), sp.GetRequiredService<IPendingSyncStore>(), sp.GetRequiredService<IAllocationPauseStore>()),
                runtime.Options.ChannelSyncWorkflow,
                sp.GetService<MismatchAnalyzer>(),
                sp.GetService<ThresholdChecker>(),
                sp.GetService<IAlertDispatcher>(),
                sp.GetService<IPurchaseOrderSuggester>(),
                sp.GetService<IOptions<KpiThresholds>>()?.Value,
                runtime.Time,
                sp.GetService<ILogger<ChannelSyncWorkflow>>(),
                sp.GetService<OrchestratorMetrics>());
            _listings = listings;
            return _channelSync;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while no other channel writer of this host runs: a sync run pushes what it computed from its
    /// own stock read, and a pending-sync pass pushes what its guard read a moment later; interleaved, the older figure could
    /// land last and show a channel more than it may sell.
    /// </summary>
    public async Task<T> WithChannelWritesAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await _channelWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            _channelWrites.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        _channelWrites.Dispose();
    }

    /// <summary>Gets the incremental driver of a channel sync (its watermark lives in the store, so a new one per run is fine).</summary>
    public IncrementalChannelSync IncrementalChannelSync(ChannelSyncWorkflow workflow)
    {
        var sp = runtime.Services;
        return new IncrementalChannelSync(
            workflow,
            sp.GetRequiredService<IWesClient>(),
            sp.GetRequiredService<IWatermarkStore>(),
            runtime.Options.IncrementalChannelSyncWorkflow,
            runtime.Time,
            sp.GetService<ILogger<IncrementalChannelSync>>());
    }

    /// <summary>Gets the current listings' catalog, to check event SKUs against.</summary>
    public async Task<SkuCatalog> CatalogAsync(CancellationToken cancellationToken) =>
        (await runtime.Require<IListingCatalogSource>().GetAsync(cancellationToken).ConfigureAwait(false)).Catalog;

    public WesReconciliationWorkflow Reconciliation()
    {
        var sp = runtime.Services;
        return new WesReconciliationWorkflow(
            sp.GetRequiredService<IWesClient>(),
            new WesReconciliationStores(
                sp.GetRequiredService<IInventoryStore>(),
                sp.GetRequiredService<IDiscrepancyLogStore>(),
                sp.GetRequiredService<IReconciliationTaskStore>(),
                sp.GetRequiredService<IAllocationPauseStore>(),
                sp.GetRequiredService<IPendingSyncStore>(),
                sp.GetRequiredService<ISyncRunStore>()),
            runtime.Options.ReconciliationWorkflow,
            sp.GetService<ReconciliationPolicy>(),
            sp.GetService<IAlertDispatcher>(),
            runtime.Time,
            sp.GetService<ILogger<WesReconciliationWorkflow>>());
    }

    public PendingSyncWorker PendingSyncWorker()
    {
        var sp = runtime.Services;
        // With a warehouse and listings, every queued channel push is lowered to what the channel may sell now (never raised):
        // a push queued while a channel was down must not overwrite a lower quantity a run has pushed since.
        PendingChannelQuantityGuard? guard = sp.GetService<IWesClient>() is not null && sp.GetService<IListingCatalogSource>() is not null
            ? async (channel, sku, _, ct) => await (await ChannelSyncAsync(ct).ConfigureAwait(false)).GetSellableQuantityAsync(channel, sku, ct).ConfigureAwait(false)
            : null;
        return new PendingSyncWorker(
            runtime.Channels(),
            sp.GetRequiredService<IPendingSyncStore>(),
            runtime.Options.PendingSyncWorker,
            sp.GetService<IWesClient>(),
            guard,
            runtime.Time,
            sp.GetService<ILogger<PendingSyncWorker>>(),
            FullSyncHandlers());
    }

    /// <summary>The Full Sync Job handler, when the host has a WES: the reconciliation workflow runs the job the reconciliation scheduled.</summary>
    private Dictionary<string, PendingSyncItemHandler>? FullSyncHandlers()
    {
        if (runtime.Services.GetService<IWesClient>() is null)
        {
            return null;
        }

        return new Dictionary<string, PendingSyncItemHandler>(StringComparer.Ordinal)
        {
            [WesReconciliationWorkflow.FullSyncKind] = (item, ct) => Reconciliation().HandleFullSyncItemAsync(item, ct),
        };
    }
}
