namespace Orchestrator.Storage;

/// <summary>
/// Represents a database whose schema is newer than the storage package knows (ERR-STORE-001): a newer release migrated it.
/// Raised at start-up by every storage provider, so a host catches one type whichever provider it uses.
/// </summary>
public sealed class SchemaVersionException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="SchemaVersionException"/> class.</summary>
    /// <param name="store">What was opened, for the message, for example <c>SQLite database</c>.</param>
    /// <param name="foundVersion">The schema version in the database.</param>
    /// <param name="knownVersion">The newest schema version the package knows.</param>
    public SchemaVersionException(string store, int foundVersion, int knownVersion)
        : base(
            "ERR-STORE-001",
            $"The {store} is at schema version {foundVersion}, but this release knows versions up to {knownVersion}. It was migrated by a newer release; upgrade this application instead of running it against that database.")
    {
        FoundVersion = foundVersion;
        KnownVersion = knownVersion;
    }

    /// <summary>Gets the schema version in the database.</summary>
    public int FoundVersion { get; }

    /// <summary>Gets the newest schema version the package knows.</summary>
    public int KnownVersion { get; }
}

/// <summary>
/// Represents a database that cannot be used (ERR-STORE-002): an unreachable server, a missing folder, no permission, a
/// corrupt file, or a write lock held past the busy timeout. The message never contains a password.
/// </summary>
public sealed class StorageUnavailableException : OrchestratorException
{
    /// <summary>Initializes a new instance of the <see cref="StorageUnavailableException"/> class.</summary>
    /// <param name="location">Where the database was expected, without credentials (a file, or host, port, database and user).</param>
    /// <param name="message">A message for operators, without credentials.</param>
    /// <param name="innerException">The underlying error.</param>
    public StorageUnavailableException(string location, string message, Exception? innerException)
        : base("ERR-STORE-002", message, innerException)
    {
        Location = location;
    }

    /// <summary>Gets where the database was expected, without credentials.</summary>
    public string Location { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
