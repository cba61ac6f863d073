using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orchestrator.Storage;
using Orchestrator.Storage.Relational;
using Orchestrator.Storage.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Uses SQLite as the orchestrator's storage (<c>services.AddOrchestrator(b =&gt; b.UseSqlite(…))</c>).</summary>
public static class SqliteOrchestratorBuilderExtensions
{
    /// <summary>
    /// Registers the SQLite storage: <see cref="SqliteOrchestratorStorage"/> and every store interface (<see cref="IJobLockStore"/>, <see cref="IWatermarkStore"/>,
    /// <see cref="ISyncRunStore"/>, <see cref="IPendingSyncStore"/>, <see cref="IAllocationPauseStore"/>, <see cref="IInventoryStore"/>,
    /// <see cref="IOrderBufferStore"/>, <see cref="IDiscrepancyLogStore"/>, <see cref="IReconciliationTaskStore"/>) as singletons. The database is
    /// opened and migrated when the host starts (or on first use, whichever comes first) and closed with the container.
    /// </summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="configure">Sets the options; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">A storage is already registered.</exception>
    public static IOrchestratorBuilder UseSqlite(this IOrchestratorBuilder builder, Action<SqliteStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddCore(builder).Configure(configure);
        return builder;
    }

    /// <summary>Registers the SQLite storage with its options bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="builder">The orchestrator builder.</param>
    /// <param name="section">The section, for example <c>Orchestrator:Storage</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    /// <exception cref="InvalidOperationException">A storage is already registered.</exception>
    public static IOrchestratorBuilder UseSqlite(this IOrchestratorBuilder builder, IConfigurationSection section)
    {
        StorageRegistration.RequireSection(section);
        AddCore(builder).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static OptionsBuilder<SqliteStorageOptions> AddCore(IOrchestratorBuilder builder) =>
        StorageRegistration.Add<SqliteOrchestratorStorage, SqliteStorageOptions>(builder, SqliteOrchestratorStorage.OpenAsync, storage => storage.Stores);
}
