using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Diagnostics;

/// <summary>
/// Names the <see cref="Meter"/>, <see cref="ActivitySource"/> and instruments the orchestrator publishes, so hosts can
/// subscribe (for example <c>AddMeter(OrchestratorDiagnostics.MeterName)</c> in OpenTelemetry).
/// </summary>
public static class OrchestratorDiagnostics
{
    /// <summary>The name of the orchestrator's meter and activity source.</summary>
    public const string MeterName = "Orchestrator";

    /// <summary>The name of the orchestrator's activity source (the same as <see cref="MeterName"/>).</summary>
    public const string ActivitySourceName = MeterName;

    /// <summary>Histogram of sync accuracy per run, 0 to 1 (KPI 동기화 정확도; alert below 0.97). Tags: <c>workflow</c>.</summary>
    public const string SyncAccuracy = "orchestrator.sync.accuracy";

    /// <summary>Histogram of run duration in seconds (KPI 동기화 소요 시간; alert above 180). Tags: <c>workflow</c>, <c>outcome</c>.</summary>
    public const string SyncDuration = "orchestrator.sync.duration";

    /// <summary>Histogram of stage duration in seconds. Tags: <c>workflow</c>, <c>stage</c>.</summary>
    public const string StageDuration = "orchestrator.sync.stage.duration";

    /// <summary>Histogram of the stockout rate per run, 0 to 1 (KPI 품절률; alert above 0.05).</summary>
    public const string StockoutRate = "orchestrator.stock.stockout_rate";

    /// <summary>Counter of API calls to channels and the WES (KPI API 성공률 = success ÷ all; alert below 0.95). Tags: <c>target</c>, <c>outcome</c>.</summary>
    public const string ApiCalls = "orchestrator.api.calls";

    /// <summary>Counter of mismatches found. Tags: <c>channel</c>.</summary>
    public const string Mismatches = "orchestrator.sync.mismatches";

    /// <summary>Counter of orders taken into the buffer. Tags: <c>source</c>, <c>outcome</c> (<c>inserted</c>, <c>duplicate</c>).</summary>
    public const string OrdersTaken = "orchestrator.intake.orders";

    /// <summary>Histogram of intake lag behind the source in seconds. Tags: <c>source</c>.</summary>
    public const string IntakeLag = "orchestrator.intake.lag";

    /// <summary>Counter of discrepancies detected. Tags: <c>warehouse</c>, <c>type</c>.</summary>
    public const string Discrepancies = "orchestrator.reconciliation.discrepancies";

    /// <summary>The activity source used for runs and stages.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, typeof(OrchestratorDiagnostics).Assembly.GetName().Version?.ToString());
}
