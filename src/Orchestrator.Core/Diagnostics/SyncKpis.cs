namespace Orchestrator.Diagnostics;

/// <summary>
/// Holds the KPIs of one WF-INV-001 run (seed 002): sync accuracy, duration, stockout rate and API success rate.
/// </summary>
/// <param name="TotalSkus">SKU × channel pairs compared.</param>
/// <param name="MatchedSkus">Pairs that agreed after the run (matched before, or pushed successfully).</param>
/// <param name="StockedOutSkus">SKUs whose sellable quantity is 0.</param>
/// <param name="CatalogSkus">SKUs in the warehouse snapshot.</param>
/// <param name="ApiCalls">Channel and WES calls made.</param>
/// <param name="ApiCallsSucceeded">Calls that succeeded.</param>
/// <param name="Duration">Start to finish.</param>
public sealed record SyncKpis(long TotalSkus, long MatchedSkus, long StockedOutSkus, long CatalogSkus, long ApiCalls, long ApiCallsSucceeded, TimeSpan Duration)
{
    /// <summary>Gets matched ÷ total (1 when nothing was compared).</summary>
    public double SyncAccuracy => TotalSkus == 0 ? 1d : (double)MatchedSkus / TotalSkus;

    /// <summary>Gets stocked-out ÷ catalog (0 for an empty catalog).</summary>
    public double StockoutRate => CatalogSkus == 0 ? 0d : (double)StockedOutSkus / CatalogSkus;

    /// <summary>Gets succeeded ÷ calls (1 when no call was made).</summary>
    public double ApiSuccessRate => ApiCalls == 0 ? 1d : (double)ApiCallsSucceeded / ApiCalls;

    /// <summary>Lists the KPIs past their alert threshold.</summary>
    /// <param name="thresholds">The thresholds.</param>
    /// <returns>The breaches, empty when every KPI is fine.</returns>
    public IReadOnlyList<KpiBreach> Evaluate(KpiThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var breaches = new List<KpiBreach>(4);
        if (SyncAccuracy < thresholds.MinSyncAccuracy)
        {
            breaches.Add(new KpiBreach(KpiName.SyncAccuracy, SyncAccuracy, thresholds.MinSyncAccuracy));
        }

        if (Duration > thresholds.MaxSyncDuration)
        {
            breaches.Add(new KpiBreach(KpiName.SyncDuration, Duration.TotalSeconds, thresholds.MaxSyncDuration.TotalSeconds));
        }

        if (StockoutRate > thresholds.MaxStockoutRate)
        {
            breaches.Add(new KpiBreach(KpiName.StockoutRate, StockoutRate, thresholds.MaxStockoutRate));
        }

        if (ApiSuccessRate < thresholds.MinApiSuccessRate)
        {
            breaches.Add(new KpiBreach(KpiName.ApiSuccessRate, ApiSuccessRate, thresholds.MinApiSuccessRate));
        }

        return breaches;
    }
}

/// <summary>Holds the KPI alert thresholds of seed 002.</summary>
public sealed class KpiThresholds
{
    /// <summary>Gets or sets the lowest acceptable sync accuracy.</summary>
    /// <value>Default 0.97 (alert below 97 %); 0 to 1.</value>
    [System.ComponentModel.DataAnnotations.Range(0d, 1d)]
    public double MinSyncAccuracy { get; set; } = 0.97;

    /// <summary>Gets or sets the longest acceptable run.</summary>
    /// <value>Default 3 minutes.</value>
    public TimeSpan MaxSyncDuration { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Gets or sets the highest acceptable stockout rate.</summary>
    /// <value>Default 0.05 (alert above 5 %); 0 to 1.</value>
    [System.ComponentModel.DataAnnotations.Range(0d, 1d)]
    public double MaxStockoutRate { get; set; } = 0.05;

    /// <summary>Gets or sets the lowest acceptable API success rate.</summary>
    /// <value>Default 0.95 (alert below 95 %); 0 to 1.</value>
    [System.ComponentModel.DataAnnotations.Range(0d, 1d)]
    public double MinApiSuccessRate { get; set; } = 0.95;
}

/// <summary>Names the KPIs of seed 002.</summary>
public enum KpiName
{
    /// <summary>동기화 정확도: matched SKUs ÷ all SKUs.</summary>
    SyncAccuracy,

    /// <summary>동기화 소요 시간: start to finish.</summary>
    SyncDuration,

    /// <summary>품절률: stocked-out SKUs ÷ all SKUs.</summary>
    StockoutRate,

    /// <summary>API 성공률: successful calls ÷ all calls.</summary>
    ApiSuccessRate,
}

/// <summary>Represents a KPI past its alert threshold.</summary>
/// <param name="Kpi">The KPI.</param>
/// <param name="Value">Its value (seconds for the duration).</param>
/// <param name="Threshold">The threshold it crossed.</param>
public sealed record KpiBreach(KpiName Kpi, double Value, double Threshold);
