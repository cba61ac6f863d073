using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Channels;
using Orchestrator.Intake;
using Orchestrator.Storage;

namespace Orchestrator.Hosting.Internal;

/// <summary>What the hosted jobs share: options, clocks, the start gate, the trigger queues and lazily resolved stores.</summary>
internal sealed class OrchestratorRuntime
{
    private readonly IServiceProvider _services;
    private readonly ServiceRegistry _registry;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OrchestratorRuntime(IServiceProvider services, ServiceRegistry registry, IOptions<OrchestratorHostingOptions> options, OrchestratorJobMonitor monitor, ILoggerFactory? loggerFactory)
    {
        _services = services;
        _registry = registry;
        Options = options.Value;
        Monitor = monitor;
        Time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Clock = services.GetKeyedService<TimeProvider>(OrchestratorServiceCollectionExtensions.SchedulerClockKey) ?? Time;
        LoggerFactory = loggerFactory ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger("Orchestrator.Hosting");
    }

    public OrchestratorHostingOptions Options { get; }

    public OrchestratorJobMonitor Monitor { get; }

    /// <summary>Gets the clock of the workflows and adapters.</summary>
    public TimeProvider Time { get; }

    /// <summary>Gets the clock of the schedules, leases and coalescing (the keyed scheduler clock when registered, else <see cref="Time"/>).</summary>
    public TimeProvider Clock { get; }

    public ILoggerFactory LoggerFactory { get; }

    public ILogger Logger { get; }

    public RequestQueue ChannelSyncRequests { get; } = new();

    public RequestQueue ReconciliationRequests { get; } = new();

    public Task Started => _started.Task;

    public IServiceProvider Services => _services;

    public IJobLockStore Locks => _services.GetRequiredService<IJobLockStore>();

    public IWatermarkStore Watermarks => _services.GetRequiredService<IWatermarkStore>();

    /// <summary>Gets when the host started (scheduler clock), or null before.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    public void MarkStarted()
    {
        StartedAt = Clock.GetUtcNow();
        _started.TrySetResult();
    }

    public void MarkFailed(Exception exception) => _started.TrySetException(exception);

    /// <summary>Gets every registered channel adapter (keyed <see cref="IChannelAdapter"/> registrations), in registration order.</summary>
    public IReadOnlyList<IChannelAdapter> Channels() =>
        [.. _registry.KeysOf(typeof(IChannelAdapter)).Select(name => _services.GetRequiredKeyedService<IChannelAdapter>(name))];

    /// <summary>Gets every registered order source (keyed <see cref="IOrderSource"/> registrations), in registration order.</summary>
    public IReadOnlyList<string> OrderSourceNames() => _registry.KeysOf(typeof(IOrderSource));

    public T Require<T>()
        where T : notnull => _services.GetRequiredService<T>();
}

/// <summary>Keeps the service collection to find keyed registrations (channels, order sources) once the container is built.</summary>
internal sealed class ServiceRegistry(IServiceCollection services)
{
    public bool Has(Type serviceType) => services.Any(d => d.ServiceType == serviceType);

    public IReadOnlyList<string> KeysOf(Type serviceType) =>
        [.. services.Where(d => d.IsKeyedService && d.ServiceType == serviceType && d.ServiceKey is string).Select(d => (string)d.ServiceKey!).Distinct(StringComparer.Ordinal)];
}
