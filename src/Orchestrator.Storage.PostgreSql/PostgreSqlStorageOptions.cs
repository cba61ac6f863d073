using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Orchestrator.Storage.PostgreSql;

/// <summary>
/// Configures the PostgreSQL storage: a connection string, or a data source the application already owns.
/// </summary>
public sealed class PostgreSqlStorageOptions : IValidatableObject
{
    /// <summary>Gets or sets the Npgsql connection string, for example <c>Host=db;Database=orchestrator;Username=orchestrator;Password=…</c>.</summary>
    /// <value>Required unless <see cref="DataSource"/> is set. Tables are created in the connection's first schema on the search path.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets a data source to use instead of <see cref="ConnectionString"/>; the application keeps ownership and disposes it.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DataSource is null && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Set either ConnectionString or DataSource.", [nameof(ConnectionString), nameof(DataSource)]);
        }

        if (DataSource is not null && !string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Set ConnectionString or DataSource, not both.", [nameof(ConnectionString), nameof(DataSource)]);
        }
    }
}
