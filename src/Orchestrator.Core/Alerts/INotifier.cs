namespace Orchestrator.Alerts;

/// <summary>
/// Sends alerts to people: Slack, KakaoTalk, or a notifier of the host's own.
/// </summary>
/// <remarks>Implementations batch, respect the service's rate limit, retry, and never throw for a delivery failure: they report it.</remarks>
public interface INotifier
{
    /// <summary>Gets the notifier's target name, matched against <see cref="AlertRoute.Targets"/>: <c>slack</c>, <c>kakaotalk</c>, ….</summary>
    string Target { get; }

    /// <summary>Sends alerts, batching them into as few messages as the service allows.</summary>
    /// <param name="alerts">The alerts.</param>
    /// <param name="cancellationToken">Cancels the sending.</param>
    /// <returns>What was delivered.</returns>
    Task<NotificationResult> SendAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);
}

/// <summary>Names the kinds of alert (seed 002 alert table, plus KPI and reconciliation alerts).</summary>
public enum AlertKind
{
    /// <summary>재고 Critical: stock at or below the critical level.</summary>
    CriticalStock,

    /// <summary>재고 Low: stock at or below the low level.</summary>
    LowStock,

    /// <summary>Stock at or above the overstock level.</summary>
    Overstock,

    /// <summary>동기화 실패: a sync failed (a source skipped, a push dead-lettered).</summary>
    SyncFailure,

    /// <summary>대량 불일치: ten or more SKUs mismatched in one run.</summary>
    MassMismatch,

    /// <summary>A KPI crossed its alert threshold.</summary>
    KpiBreach,

    /// <summary>An Inventory ↔ WES discrepancy needs attention (ERR-INV-003).</summary>
    Discrepancy,
}

/// <summary>Names alert severities.</summary>
public enum AlertSeverity
{
    /// <summary>For information.</summary>
    Low,

    /// <summary>Look today.</summary>
    Medium,

    /// <summary>Look now.</summary>
    High,
}

/// <summary>Represents one alert.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Severity">The severity.</param>
/// <param name="Title">A one-line title.</param>
/// <param name="Message">The detail, with no secrets.</param>
/// <param name="RaisedAt">When.</param>
/// <param name="SkuCode">The SKU concerned, if one.</param>
/// <param name="WarehouseId">The warehouse concerned, if one.</param>
/// <param name="Channel">The channel concerned, if one.</param>
/// <param name="Level">A level used to suppress repeats (for stock alerts, the stock level); an alert is repeated when it changes.</param>
public sealed record Alert(
    AlertKind Kind,
    AlertSeverity Severity,
    string Title,
    string Message,
    DateTimeOffset RaisedAt,
    string? SkuCode = null,
    string? WarehouseId = null,
    string? Channel = null,
    string? Level = null);

/// <summary>Reports what a notifier delivered.</summary>
/// <param name="Delivered">Alerts delivered.</param>
/// <param name="Failed">Alerts not delivered after retries.</param>
/// <param name="Messages">Messages sent (a message may carry many alerts).</param>
/// <param name="Error">The last error, if any, with no secrets.</param>
public sealed record NotificationResult(int Delivered, int Failed, int Messages, string? Error = null);

/// <summary>Says where an alert kind goes and how severe it is.</summary>
/// <param name="Kind">The alert kind.</param>
/// <param name="Severity">The severity.</param>
/// <param name="Targets">The notifier targets (<see cref="INotifier.Target"/>).</param>
/// <param name="Audience">Who it is for, for people (a Slack channel, a role).</param>
public sealed record AlertRoute(AlertKind Kind, AlertSeverity Severity, IReadOnlyList<string> Targets, string Audience);

/// <summary>Holds the alert routing table of seed 002.</summary>
public static class AlertRoutes
{
    /// <summary>The Slack target name.</summary>
    public const string Slack = "slack";

    /// <summary>The KakaoTalk target name.</summary>
    public const string KakaoTalk = "kakaotalk";

    /// <summary>
    /// Gets the seed 002 table: critical stock → Slack and KakaoTalk (#ops-inventory, CEO), HIGH; low stock → Slack
    /// (#ops-inventory), MEDIUM; sync failure → Slack (#ops-alert), HIGH; mass mismatch (10+ SKUs) → Slack (#ops-inventory), MEDIUM.
    /// KPI breaches and discrepancies, which the seed does not route, go to Slack (#ops-alert).
    /// </summary>
    public static IReadOnlyList<AlertRoute> Default { get; } =
    [
        new(AlertKind.CriticalStock, AlertSeverity.High, [Slack, KakaoTalk], "#ops-inventory, CEO"),
        new(AlertKind.LowStock, AlertSeverity.Medium, [Slack], "#ops-inventory"),
        new(AlertKind.SyncFailure, AlertSeverity.High, [Slack], "#ops-alert"),
        new(AlertKind.MassMismatch, AlertSeverity.Medium, [Slack], "#ops-inventory"),
        new(AlertKind.KpiBreach, AlertSeverity.High, [Slack], "#ops-alert"),
        new(AlertKind.Discrepancy, AlertSeverity.Medium, [Slack], "#ops-inventory"),
        new(AlertKind.Overstock, AlertSeverity.Low, [Slack], "#ops-inventory"),
    ];

    /// <summary>Finds the route of an alert kind in the default table.</summary>
    /// <param name="kind">The alert kind.</param>
    /// <returns>The route.</returns>
    public static AlertRoute For(AlertKind kind) => Default.First(r => r.Kind == kind);
}
