using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Storage;
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
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }

        AddCore(builder).Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        return builder;
    }

    private static OptionsBuilder<SqliteStorageOptions> AddCore(IOrchestratorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IJobLockStore)))
        {
            throw new InvalidOperationException("An orchestrator storage is already registered; call UseSqlite or UsePostgreSql once per host.");
        }

        services.TryAddSingleton(sp => new StorageHost(
            sp.GetRequiredService<IOptions<SqliteStorageOptions>>(),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IOrchestratorStartupTask>(sp => sp.GetRequiredService<StorageHost>());
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.JobLocks);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.Watermarks);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.SyncRuns);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.PendingSync);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.AllocationPauses);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.Inventory);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.OrderBuffer);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.DiscrepancyLog);
        services.AddSingleton(sp => sp.GetRequiredService<StorageHost>().Storage.ReconciliationTasks);
        return services.AddOptions<SqliteStorageOptions>().ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>Opens the storage once: at host start, or on first use before it.</summary>
    private sealed class StorageHost(IOptions<SqliteStorageOptions> options, TimeProvider? time, ILoggerFactory? loggerFactory) : IOrchestratorStartupTask, IAsyncDisposable, IDisposable
    {
        private readonly Lock _lock = new();
        /// <summary>For a container disposed synchronously (<c>using var host</c>).</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        private Task<SqliteOrchestratorStorage>? _open;

        public SqliteOrchestratorStorage Storage
        {
            get
            {
                // Resolved before the host started (a constructor asking for a store): open now. There is no synchronization
                // context in a generic host, so waiting here cannot deadlock.
                var open = Open(CancellationToken.None);
                return open.GetAwaiter().GetResult();
            }
        }

        public Task StartAsync(CancellationToken cancellationToken) => Open(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            Task<SqliteOrchestratorStorage>? open;
            lock (_lock)
            {
                open = _open;
            }

            if (open is { IsCompletedSuccessfully: true })
            {
                await (await open.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
        }

        private Task<SqliteOrchestratorStorage> Open(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                // A failed open is tried again next time (the store may have been down).
                if (_open is null || _open.IsFaulted || _open.IsCanceled)
                {
                    _open = SqliteOrchestratorStorage.OpenAsync(options.Value, time, loggerFactory, cancellationToken);
                }

                return _open;
            }
        }
    }
}
