using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Dashboard;

/// <summary>Configures the Orchestrator dashboard: who may use it, how stock events are verified, and what the pages show.</summary>
public sealed class DashboardOptions
{
    /// <summary>Gets the API keys of the built-in authentication, by user name.</summary>
    /// <value>
    /// User name → key. A request carrying a key in the <c>X-Api-Key</c> header, or a browser that logged in with it, acts as that user
    /// (the user name is recorded as <c>resolved_by</c> and <c>counted_by</c>). Keys should be long random strings; they are compared in
    /// constant time and never rendered or logged. Empty by default: nobody can log in until a key is configured.
    /// </value>
    public IDictionary<string, string> ApiKeys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the name of a host authorization policy to use instead of the built-in API-key authentication.</summary>
    /// <value>
    /// <see langword="null"/> (default): the dashboard registers and uses its own API-key and login-cookie schemes.
    /// A policy name: every dashboard route except the event endpoints requires that policy, and the built-in schemes are not registered.
    /// </value>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>Gets or sets the shared secret of the event endpoints' HMAC-SHA256 signature.</summary>
    /// <value>At least 32 characters; <see langword="null"/> (default) refuses every event with 503, since events cannot be verified.</value>
    public string? EventSigningSecret { get; set; }

    /// <summary>Gets or sets how far an event's signed timestamp may be from the server's clock.</summary>
    /// <value>Default 5 minutes; 10 seconds to 1 hour. Signatures seen within this window are remembered to refuse replays.</value>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan EventTimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest event body accepted.</summary>
    /// <value>Default 1 MiB.</value>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEventBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many recent sync runs the overview shows.</summary>
    /// <value>Default 10; 1 to 200.</value>
    [Range(1, 200)]
    public int RecentRuns { get; set; } = 10;

    /// <summary>Gets or sets how many days of discrepancy statistics the overview aggregates.</summary>
    /// <value>Default 7; 1 to 366.</value>
    [Range(1, 366)]
    public int StatisticsDays { get; set; } = 7;

    /// <summary>Gets or sets how many rows a report page shows.</summary>
    /// <value>Default 50; 1 to 1,000.</value>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 50;

    /// <summary>Gets or sets how often the overview page refreshes its figures in the browser.</summary>
    /// <value>Default 5 seconds; 1 second to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a browser login lasts.</summary>
    /// <value>Default 8 hours (sliding).</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan LoginLifetime { get; set; } = TimeSpan.FromHours(8);
}
