using System.Diagnostics.Metrics;

namespace Orchestrator.Diagnostics;

/// <summary>
/// Creates the orchestrator's instruments (names in <see cref="OrchestratorDiagnostics"/>) on a meter from <see cref="IMeterFactory"/>,
/// or on a meter of its own when none is given.
/// </summary>
public sealed class OrchestratorMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <summary>Initializes a new instance of the <see cref="OrchestratorMetrics"/> class.</summary>
    /// <param name="meterFactory">The host's meter factory, or <see langword="null"/> to create a meter owned by this instance.</param>
    public OrchestratorMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(OrchestratorDiagnostics.MeterName) ?? new Meter(OrchestratorDiagnostics.MeterName);
        OrdersTaken = _meter.CreateCounter<long>(OrchestratorDiagnostics.OrdersTaken, "{order}", "Orders read from a source, by outcome (inserted, duplicate, rejected).");
        IntakeLag = _meter.CreateHistogram<double>(OrchestratorDiagnostics.IntakeLag, "s", "How far the newest buffered order trails the source's clock.");
        IntakePollDuration = _meter.CreateHistogram<double>("orchestrator.intake.poll.duration", "s", "Duration of one poll of one partition.");
        IntakeFailures = _meter.CreateCounter<long>("orchestrator.intake.failures", "{failure}", "Polls that failed, and source marks that failed.");
        SyncAccuracy = _meter.CreateHistogram<double>(OrchestratorDiagnostics.SyncAccuracy, "1", "Matched SKU pairs ÷ all pairs per run.");
        SyncDuration = _meter.CreateHistogram<double>(OrchestratorDiagnostics.SyncDuration, "s", "Run duration.");
        StageDuration = _meter.CreateHistogram<double>(OrchestratorDiagnostics.StageDuration, "s", "Stage duration.");
        StockoutRate = _meter.CreateHistogram<double>(OrchestratorDiagnostics.StockoutRate, "1", "Stocked-out SKUs ÷ all SKUs per run.");
        ApiCalls = _meter.CreateCounter<long>(OrchestratorDiagnostics.ApiCalls, "{call}", "Calls to channels and the WES, by target and outcome.");
        Mismatches = _meter.CreateCounter<long>(OrchestratorDiagnostics.Mismatches, "{mismatch}", "Mismatches found, by channel.");
        Discrepancies = _meter.CreateCounter<long>(OrchestratorDiagnostics.Discrepancies, "{discrepancy}", "Inventory ↔ WES discrepancies, by warehouse and type.");
    }

    /// <summary>Gets the counter of orders taken (tags <c>source</c>, <c>outcome</c>).</summary>
    public Counter<long> OrdersTaken { get; }

    /// <summary>Gets the histogram of intake lag in seconds (tag <c>source</c>).</summary>
    public Histogram<double> IntakeLag { get; }

    /// <summary>Gets the histogram of poll durations in seconds (tags <c>source</c>, <c>partition</c>).</summary>
    public Histogram<double> IntakePollDuration { get; }

    /// <summary>Gets the counter of intake failures (tags <c>source</c>, <c>stage</c>).</summary>
    public Counter<long> IntakeFailures { get; }

    /// <summary>Gets the histogram of sync accuracy.</summary>
    public Histogram<double> SyncAccuracy { get; }

    /// <summary>Gets the histogram of run durations.</summary>
    public Histogram<double> SyncDuration { get; }

    /// <summary>Gets the histogram of stage durations.</summary>
    public Histogram<double> StageDuration { get; }

    /// <summary>Gets the histogram of stockout rates.</summary>
    public Histogram<double> StockoutRate { get; }

    /// <summary>Gets the counter of API calls.</summary>
    public Counter<long> ApiCalls { get; }

    /// <summary>Gets the counter of mismatches.</summary>
    public Counter<long> Mismatches { get; }

    /// <summary>Gets the counter of discrepancies.</summary>
    public Counter<long> Discrepancies { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
