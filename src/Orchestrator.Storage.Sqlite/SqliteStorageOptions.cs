using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Storage.Sqlite;

/// <summary>
/// Configures the SQLite storage: the database file and how long a writer waits for another process's write lock.
/// </summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Gets or sets the SQLite connection string, for example <c>Data Source=orchestrator.db</c>.</summary>
    /// <value>Required. An in-memory database is refused: every store opens several connections and would each see an empty database.</value>
    [Required]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Gets or sets how long a write waits for the database lock held by another process before it fails.</summary>
    /// <value>Default 30 seconds; 1 second to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
