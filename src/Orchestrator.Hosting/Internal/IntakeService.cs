using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Diagnostics;
using Orchestrator.Intake;
using Orchestrator.Storage;

namespace Orchestrator.Hosting.Internal;

/// <summary>Order intake of one order source: polls every interval, and again at once while a poll stopped at its page limit.</summary>
/// <remarks>The pipeline takes a lock per partition itself; the job lock keeps a second instance from polling the same source at the same time.</remarks>
internal sealed class IntakeService(OrchestratorRuntime runtime, string source)
    : JobService(runtime, JobNames.IntakePrefix + source, JobNames.IntakePrefix + source)
{
    private OrderIntakePipeline? _pipeline;
    private bool _more;

    protected override bool OncePerTick => false;

    protected override DateTimeOffset? NextRun(DateTimeOffset now, OrchestratorRunOutcome? last) =>
        _more && last is OrchestratorRunOutcome.Succeeded ? now
        : now + (last is OrchestratorRunOutcome.Failed ? Max(Runtime.Options.ErrorBackoff, Runtime.Options.Intake.PollInterval) : Runtime.Options.Intake.PollInterval);

    protected override TimeSpan? Period(DateTimeOffset now) => Runtime.Options.Intake.PollInterval;

    protected override async Task<WorkResult> RunOnceAsync(RunRequest request, JobLease lease, CancellationToken cancellationToken)
    {
        var sp = Runtime.Services;
        _pipeline ??= new OrderIntakePipeline(
            sp.GetRequiredKeyedService<IOrderSource>(source),
            sp.GetRequiredService<IOrderBufferStore>(),
            Runtime.Locks,
            Runtime.Watermarks,
            sp.GetRequiredService<IFlowRouter>(),
            Runtime.Options.Intake,
            Runtime.Time,
            sp.GetService<ILogger<OrderIntakePipeline>>(),
            sp.GetService<OrchestratorMetrics>());
        var results = await _pipeline.PollAllAsync(cancellationToken).ConfigureAwait(false);
        _more = results.Any(r => r.MoreAvailable && r.Error is null);
        var failed = results.Where(r => r.Error is not null).ToList();
        var detail = string.Create(CultureInfo.InvariantCulture, $"{results.Sum(r => r.Fetched)} fetched, {results.Sum(r => r.Inserted)} new, more available {_more}");
        return failed.Count == 0 ? WorkResult.Success(detail) : new WorkResult(OrchestratorRunOutcome.Failed, detail, string.Join("; ", failed.Select(f => $"{f.Partition}: {f.Error}")));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

/// <summary>Starts one <see cref="IntakeService"/> per registered order source when an <see cref="IFlowRouter"/> is registered.</summary>
internal sealed class IntakeHost(OrchestratorRuntime runtime, ServiceRegistry registry) : Microsoft.Extensions.Hosting.IHostedService
{
    private readonly List<IntakeService> _services = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!runtime.Options.IntakeEnabled || !registry.Has(typeof(IFlowRouter)))
        {
            return;
        }

        foreach (var source in runtime.OrderSourceNames())
        {
            var service = new IntakeService(runtime, source);
            _services.Add(service);
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_services.Select(s => s.StopAsync(cancellationToken))).ConfigureAwait(false);
        foreach (var service in _services)
        {
            service.Dispose();
        }
    }
}
