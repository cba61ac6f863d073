using System.ComponentModel.DataAnnotations;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications;

/// <summary>Configures the <see cref="IAlertDispatcher"/>: the routing table and the suppression of repeats.</summary>
public sealed class AlertDispatcherOptions
{
    /// <summary>Gets or sets the routing table: for each alert kind, its severity and the notifier targets.</summary>
    /// <value>Default <see cref="AlertRoutes.Default"/> (the seed 002 table). Each kind at most once, each route with a target.</value>
    [Required]
    public IReadOnlyList<AlertRoute> Routes { get; set; } = AlertRoutes.Default;

    /// <summary>Gets or sets how long an alert for the same kind and subject (SKU, warehouse, channel) at the same
    /// <see cref="Alert.Level"/> stays quiet after it was delivered.</summary>
    /// <value>Default 6 hours; 1 minute to 7 days.</value>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromHours(6);
}
