using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Catalog;
using Orchestrator.Events;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Internal;
using Orchestrator.Hosting.Listings;
using Orchestrator.Intake;
using Orchestrator.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Hosts the Orchestrator workflows: <c>services.AddOrchestrator(…)</c> and the hosting verbs of <see cref="IOrchestratorBuilder"/>.</summary>
public static class OrchestratorServiceCollectionExtensions
{
    /// <summary>
    /// The key of an optional keyed <see cref="TimeProvider"/> that drives the schedules, job-lock leases and event coalescing (not the
    /// workflows or adapters); tests register a manual clock under it. Without it the unkeyed <see cref="TimeProvider"/> (or the system clock) is used.
    /// </summary>
    public const string SchedulerClockKey = "Orchestrator.Scheduler";

    /// <summary>
    /// Adds the orchestrator host: the engine, the hosted jobs (WF-INV-001 channel sync and Inventory ↔ WES reconciliation on cron schedules,
    /// the pending-sync worker, order intake per <see cref="IOrderSource"/>), <see cref="IOrchestratorTriggers"/>, <see cref="IStockEventSink"/>,
    /// <see cref="OrchestratorJobMonitor"/> and health checks (tag <c>orchestrator</c>). Options come from <c>Configure(…)</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Adds the packages: <c>b =&gt; b.UseSqlite(…).AddWes(…).AddCoupang(…)…</c>, or <see langword="null"/>.</param>
    /// <returns>The builder, for more verbs.</returns>
    /// <remarks>Safe to call more than once: later calls register nothing again and run <paramref name="configure"/> on the same services.</remarks>
    public static IOrchestratorBuilder AddOrchestrator(this IServiceCollection services, Action<IOrchestratorBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = OrchestratorBuilder.For(services);
        if (!services.Any(d => d.ServiceType == typeof(ServiceRegistry)))
        {
            Register(services);
        }

        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Adds the orchestrator host with <see cref="OrchestratorHostingOptions"/> bound from a configuration section (unknown keys are an error).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The section, for example <c>configuration.GetSection("Orchestrator")</c>.</param>
    /// <param name="configure">Adds the packages, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The section is missing or empty.</exception>
    public static IOrchestratorBuilder AddOrchestrator(this IServiceCollection services, IConfigurationSection section, Action<IOrchestratorBuilder>? configure = null)
    {
        RequireSection(section);
        var builder = services.AddOrchestrator();
        services.AddOptions<OrchestratorHostingOptions>().Bind(section, o => o.ErrorOnUnknownConfiguration = true);
        configure?.Invoke(builder);
        return builder;
    }

    /// <summary>Changes the hosting options (warehouse, schedules, leases, workflow options).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The builder.</returns>
    public static IOrchestratorBuilder Configure(this IOrchestratorBuilder builder, Action<OrchestratorHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<OrchestratorHostingOptions>().Configure(configure);
        return builder;
    }

    /// <summary>Reads the channel listings from a CSV file <c>sku_code,channel,listing_key</c> (see <see cref="CsvListingCatalogSource"/>), re-read when it changes.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The file.</param>
    /// <returns>The builder.</returns>
    public static IOrchestratorBuilder UseListingsCsv(this IOrchestratorBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Services.RemoveAll<IListingCatalogSource>();
        builder.Services.AddSingleton<IListingCatalogSource>(sp => new CsvListingCatalogSource(path, sp.GetService<ILogger<CsvListingCatalogSource>>()));
        return builder;
    }

    /// <summary>Gets the channel listings from a delegate, called again at most every <paramref name="reloadEvery"/>.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="load">Loads the listings; return the same instance while nothing changed.</param>
    /// <param name="reloadEvery">How long loaded listings are used; <see cref="TimeSpan.Zero"/> to call <paramref name="load"/> before every run.</param>
    /// <returns>The builder.</returns>
    public static IOrchestratorBuilder UseListings(this IOrchestratorBuilder builder, Func<IServiceProvider, CancellationToken, ValueTask<ListingCatalog>> load, TimeSpan reloadEvery)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(load);
        builder.Services.RemoveAll<IListingCatalogSource>();
        builder.Services.AddSingleton<IListingCatalogSource>(sp => new DelegateListingCatalogSource(ct => load(sp, ct), reloadEvery, sp.GetService<TimeProvider>()));
        return builder;
    }

    /// <summary>Gets the channel listings from your own <see cref="IListingCatalogSource"/>.</summary>
    /// <typeparam name="TSource">The source type, created by the container as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    public static IOrchestratorBuilder UseListings<TSource>(this IOrchestratorBuilder builder)
        where TSource : class, IListingCatalogSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IListingCatalogSource>();
        builder.Services.AddSingleton<IListingCatalogSource, TSource>();
        return builder;
    }

    private static void Register(IServiceCollection services)
    {
        services.AddSingleton(new ServiceRegistry(services));
        services.AddOrchestratorEngine();
        services.AddOptions<OrchestratorHostingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrchestratorHostingOptions>, OrchestratorHostingOptionsValidator>());
        services.AddOptions<OrchestratorHostingOptions>().PostConfigure(o =>
        {
            if (string.IsNullOrEmpty(o.ChannelSyncWorkflow.WarehouseId))
            {
                o.ChannelSyncWorkflow.WarehouseId = o.WarehouseId;
            }

            if (string.IsNullOrEmpty(o.ReconciliationWorkflow.WarehouseId))
            {
                o.ReconciliationWorkflow.WarehouseId = o.WarehouseId;
            }
        });
        services.TryAddSingleton<OrchestratorJobMonitor>();
        services.TryAddSingleton(sp => new OrchestratorRuntime(sp, sp.GetRequiredService<ServiceRegistry>(), sp.GetRequiredService<IOptions<OrchestratorHostingOptions>>(), sp.GetRequiredService<OrchestratorJobMonitor>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<Workflows>();
        services.TryAddSingleton<IOrchestratorTriggers, OrchestratorTriggers>();
        services.TryAddSingleton<IStockEventSink, StockEventSink>();
        services.TryAddSingleton<IFlowRouter>(sp => new RuleFlowRouter(sp.GetRequiredService<IOptions<OrchestratorHostingOptions>>().Value.FlowRouting));

        // Start-up first (open the store, check registrations); the jobs wait for it.
        services.AddSingleton<IHostedService, StartupService>();
        services.AddSingleton<IHostedService>(sp => Job(sp, r => r.Options.ChannelSync.Enabled, r => new ChannelSyncService(r, sp.GetRequiredService<Workflows>())));
        services.AddSingleton<IHostedService>(sp => Job(sp, r => r.Options.Reconciliation.Enabled, r => new ReconciliationService(r, sp.GetRequiredService<Workflows>())));
        services.AddSingleton<IHostedService>(sp => Job(sp, r => r.Options.PendingSyncEnabled, r => new PendingSyncService(r, sp.GetRequiredService<Workflows>())));
        services.AddSingleton<IHostedService>(sp => new IntakeHost(sp.GetRequiredService<OrchestratorRuntime>(), sp.GetRequiredService<ServiceRegistry>()));
        services.AddSingleton<IHostedService>(sp => Job(
            sp,
            r => r.Options.OrderTasksEnabled && sp.GetRequiredService<ServiceRegistry>().Has(typeof(IOrderFlowHandler)),
            r => new OrderTaskService(r, new OrderTaskRunner(
                sp.GetRequiredService<IOrderBufferStore>(), sp.GetServices<IOrderFlowHandler>(), r.Options.OrderTasks, r.Time, sp.GetService<ILogger<OrderTaskRunner>>()))));

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>(OrchestratorHealthChecks.Store, HealthStatus.Unhealthy, [OrchestratorHealthChecks.Tag])
            .AddCheck<JobsHealthCheck>(OrchestratorHealthChecks.Jobs, HealthStatus.Unhealthy, [OrchestratorHealthChecks.Tag])
            .AddCheck<PendingSyncHealthCheck>(OrchestratorHealthChecks.PendingSync, HealthStatus.Degraded, [OrchestratorHealthChecks.Tag]);
    }

    private static IHostedService Job(IServiceProvider sp, Func<OrchestratorRuntime, bool> enabled, Func<OrchestratorRuntime, JobService> create)
    {
        var runtime = sp.GetRequiredService<OrchestratorRuntime>();
        return enabled(runtime) ? create(runtime) : new IdleHostedService();
    }

    private static void RequireSection(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (!section.Exists())
        {
            throw new ArgumentException($"The configuration section '{section.Path}' is missing or empty.", nameof(section));
        }
    }

    private sealed class IdleHostedService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
