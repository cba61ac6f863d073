using Orchestrator.Events;

namespace Orchestrator.Hosting.Internal;

/// <summary>Queues run requests for the hosted jobs; requests made while one is queued merge into it.</summary>
internal sealed class OrchestratorTriggers(OrchestratorRuntime runtime) : IOrchestratorTriggers
{
    public Task RequestChannelSyncAsync(string reason, IReadOnlyCollection<string>? skuCodes, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!runtime.Options.ChannelSync.Enabled)
        {
            throw new InvalidOperationException("The channel sync is disabled in this host (Orchestrator:ChannelSync:Enabled = false).");
        }

        if (skuCodes is { Count: 0 })
        {
            return Task.CompletedTask;
        }

        runtime.ChannelSyncRequests.Add(reason, skuCodes);
        return Task.CompletedTask;
    }

    public Task RequestReconciliationAsync(string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!runtime.Options.Reconciliation.Enabled)
        {
            throw new InvalidOperationException("The reconciliation is disabled in this host (Orchestrator:Reconciliation:Enabled = false).");
        }

        runtime.ReconciliationRequests.Add(reason, null);
        return Task.CompletedTask;
    }
}
