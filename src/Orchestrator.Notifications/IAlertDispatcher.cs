using Orchestrator.Alerts;

namespace Orchestrator.Notifications;

/// <summary>
/// Routes alerts by kind to the registered <see cref="INotifier"/>s (seed 002 alert table), drops repeats, and reports what
/// each target delivered.
/// </summary>
/// <remarks>
/// <para>The route's severity replaces the alert's, so the table decides what is HIGH. A kind with no route is not sent.</para>
/// <para>An alert is a repeat when the same kind and subject (SKU, warehouse, channel) was delivered to every target with the same
/// <see cref="Alert.Level"/> less than <see cref="AlertDispatcherOptions.QuietPeriod"/> ago. An alert that failed anywhere is
/// not remembered, so the next dispatch sends it again.</para>
/// <para>Never throws for a delivery failure; thread-safe.</para>
/// </remarks>
public interface IAlertDispatcher
{
    /// <summary>Routes and sends alerts.</summary>
    /// <param name="alerts">The alerts, for example every stock-level breach of one sync run.</param>
    /// <param name="cancellationToken">Cancels the sending.</param>
    /// <returns>What was suppressed and what each target delivered.</returns>
    Task<AlertDispatchResult> DispatchAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}

/// <summary>Reports what an <see cref="IAlertDispatcher"/> did with a set of alerts.</summary>
/// <param name="Received">Alerts passed in.</param>
/// <param name="Suppressed">Alerts dropped as repeats (or duplicates within the set).</param>
/// <param name="Unrouted">Alerts whose kind has no route.</param>
/// <param name="Targets">What each target delivered, by target name. A target with no registered notifier reports every alert as failed.</param>
public sealed record AlertDispatchResult(int Received, int Suppressed, int Unrouted, IReadOnlyDictionary<string, NotificationResult> Targets)
{
    /// <summary>Gets a value indicating whether every routed alert reached every one of its targets.</summary>
    public bool AllDelivered => Targets.Values.All(r => r.Failed == 0);
}
