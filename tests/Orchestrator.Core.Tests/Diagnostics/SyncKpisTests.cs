using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Diagnostics;
using Orchestrator.Mismatches;
using Orchestrator.Thresholds;

namespace Orchestrator.Tests.Diagnostics;

public class SyncKpisTests
{
    [Fact]
    public void Evaluate_AllKpisPastSeedThresholds_ReportsEachBreach()
    {
        var kpis = new SyncKpis(TotalSkus: 100, MatchedSkus: 96, StockedOutSkus: 6, CatalogSkus: 100, ApiCalls: 100, ApiCallsSucceeded: 94, Duration: TimeSpan.FromMinutes(3.5));

        var breaches = kpis.Evaluate(new KpiThresholds());

        Assert.Equal([KpiName.SyncAccuracy, KpiName.SyncDuration, KpiName.StockoutRate, KpiName.ApiSuccessRate], breaches.Select(b => b.Kpi));
        Assert.Equal(0.96, breaches[0].Value, 6);
    }

    [Fact]
    public void Evaluate_AtTargets_ReportsNothing()
    {
        var kpis = new SyncKpis(100, 99, 2, 100, 100, 99, TimeSpan.FromSeconds(50));

        Assert.Empty(kpis.Evaluate(new KpiThresholds()));
    }

    [Fact]
    public void Rates_EmptyRun_AreNeutral()
    {
        var kpis = new SyncKpis(0, 0, 0, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal((1d, 0d, 1d), (kpis.SyncAccuracy, kpis.StockoutRate, kpis.ApiSuccessRate));
    }

    [Fact]
    public void AddOrchestratorEngine_ThresholdsOutOfOrder_FailsAtStartup()
    {
        var services = new ServiceCollection().AddOrchestratorEngine();
        services.Configure<ThresholdOptions>(o => { o.Default.Critical = 20; });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("Critical (20) must not be above Low (10)", StringComparison.Ordinal));
    }

    [Fact]
    public void AddOrchestratorEngine_CalledTwice_RegistersOnceAndResolvesEngines()
    {
        var services = new ServiceCollection().AddOrchestratorEngine().AddOrchestratorEngine();
        services.Configure<MismatchAnalyzerOptions>(o => o.UnlistedSkus = UnlistedSkuHandling.TreatAsZero);
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        Assert.Single(services, d => d.ServiceType == typeof(MismatchAnalyzer));
        Assert.NotNull(provider.GetRequiredService<MismatchAnalyzer>());
        Assert.NotNull(provider.GetRequiredService<ThresholdChecker>());
        Assert.NotNull(provider.GetRequiredService<Orchestrator.Reconciliation.ReconciliationPolicy>());
    }
}
