namespace Orchestrator.Storage.Sqlite;

/// <summary>Represents a database whose schema is newer than this package knows (ERR-STORE-001): a newer release migrated it.</summary>
public sealed class SchemaVersionException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="SchemaVersionException"/> class.</summary>
    /// <param name="foundVersion">The schema version in the database.</param>
    /// <param name="knownVersion">The newest schema version this package knows.</param>
    public SchemaVersionException(int foundVersion, int knownVersion)
        : base(
            "ERR-STORE-001",
            $"The SQLite database schema is at version {foundVersion}, but this Orchestrator.Storage.Sqlite knows versions up to {knownVersion}. It was migrated by a newer release; upgrade this application instead of running it against that database.")
    {
        FoundVersion = foundVersion;
        KnownVersion = knownVersion;
    }

    /// <summary>Gets the schema version in the database.</summary>
    public int FoundVersion { get; }

    /// <summary>Gets the newest schema version this package knows.</summary>
    public int KnownVersion { get; }
}

/// <summary>Represents a database that cannot be used (ERR-STORE-002): a missing folder, no permission, a corrupt file, or a write lock another process held past the busy timeout.</summary>
public sealed class StorageUnavailableException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="StorageUnavailableException"/> class.</summary>
    /// <param name="location">The database file.</param>
    /// <param name="innerException">The underlying error.</param>
    public StorageUnavailableException(string location, Exception innerException)
        : base("ERR-STORE-002", $"The SQLite database '{location}' is unavailable: {innerException?.Message}", innerException)
    {
        Location = location;
    }

    /// <summary>Gets the database file.</summary>
    public string Location { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
