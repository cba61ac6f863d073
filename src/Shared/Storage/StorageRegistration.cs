using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Storage.Relational;

/// <summary>Registers a relational storage package on an <see cref="IOrchestratorBuilder"/>; shared by the SQLite and PostgreSQL packages.</summary>
internal static class StorageRegistration
{
    /// <summary>
    /// Registers the storage (opened once: at host start, or on first use before it; closed with the container) and every store
    /// interface as singletons, and returns its options for the caller to configure or bind.
    /// </summary>
    public static OptionsBuilder<TOptions> Add<TStorage, TOptions>(
        IOrchestratorBuilder builder,
        Func<TOptions, TimeProvider?, ILoggerFactory?, CancellationToken, Task<TStorage>> open,
        Func<TStorage, StoreSet> stores)
        where TStorage : class, IAsyncDisposable
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(IJobLockStore)))
        {
            throw new InvalidOperationException("An orchestrator storage is already registered; call UseSqlite or UsePostgreSql once per host.");
        }

        services.TryAddSingleton(sp => new StorageHost<TStorage, TOptions>(
            open, sp.GetRequiredService<IOptions<TOptions>>(), sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IOrchestratorStartupTask>(sp => sp.GetRequiredService<StorageHost<TStorage, TOptions>>());
        services.AddSingleton(sp => Storage(sp));
        services.AddSingleton<IJobLockStore>(sp => stores(Storage(sp)).JobLocks);
        services.AddSingleton<IWatermarkStore>(sp => stores(Storage(sp)).Watermarks);
        services.AddSingleton<ISyncRunStore>(sp => stores(Storage(sp)).SyncRuns);
        services.AddSingleton<IPendingSyncStore>(sp => stores(Storage(sp)).PendingSync);
        services.AddSingleton<IAllocationPauseStore>(sp => stores(Storage(sp)).AllocationPauses);
        services.AddSingleton<IInventoryStore>(sp => stores(Storage(sp)).Inventory);
        services.AddSingleton<IOrderBufferStore>(sp => stores(Storage(sp)).OrderBuffer);
        services.AddSingleton<IDiscrepancyLogStore>(sp => stores(Storage(sp)).DiscrepancyLog);
        services.AddSingleton<IReconciliationTaskStore>(sp => stores(Storage(sp)).ReconciliationTasks);
        return services.AddOptions<TOptions>().ValidateDataAnnotations().ValidateOnStart();

        static TStorage Storage(IServiceProvider sp) => sp.GetRequiredService<StorageHost<TStorage, TOptions>>().Storage;
    }

    /// <summary>Refuses a missing or empty options section before anything is registered.</summary>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static void RequireSection(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }
    }

    /// <summary>Opens the storage once: at host start, or on first use before it.</summary>
    private sealed class StorageHost<TStorage, TOptions>(
        Func<TOptions, TimeProvider?, ILoggerFactory?, CancellationToken, Task<TStorage>> open,
        IOptions<TOptions> options,
        TimeProvider? time,
        ILoggerFactory? loggerFactory) : IOrchestratorStartupTask, IAsyncDisposable, IDisposable
        where TStorage : class, IAsyncDisposable
        where TOptions : class
    {
        private readonly Lock _lock = new();
        private Task<TStorage>? _open;

        public TStorage Storage
        {
            get
            {
                // Resolved before the host started (a constructor asking for a store): open now. There is no synchronization
                // context in a generic host, so waiting here cannot deadlock.
                return Open(CancellationToken.None).GetAwaiter().GetResult();
            }
        }

        public Task StartAsync(CancellationToken cancellationToken) => Open(cancellationToken);

        /// <summary>For a container disposed synchronously (<c>using var host</c>).</summary>
        public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync()
        {
            Task<TStorage>? opened;
            lock (_lock)
            {
                opened = _open;
            }

            if (opened is { IsCompletedSuccessfully: true })
            {
                await (await opened.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
        }

        private Task<TStorage> Open(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                // A failed open is tried again next time (the store may have been down).
                if (_open is null || _open.IsFaulted || _open.IsCanceled)
                {
                    _open = open(options.Value, time, loggerFactory, cancellationToken);
                }

                return _open;
            }
        }
    }
}
