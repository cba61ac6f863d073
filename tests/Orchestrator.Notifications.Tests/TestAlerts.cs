using System.Globalization;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Tests;

internal static class TestAlerts
{
    public static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Alert Low(string sku, int qty = 7) =>
        new(AlertKind.LowStock, AlertSeverity.Medium, $"{sku} low", $"{qty} left (low level 10)", At, sku, "WH-1", null, qty.ToString(CultureInfo.InvariantCulture));

    public static Alert Critical(string sku, int qty = 2) =>
        new(AlertKind.CriticalStock, AlertSeverity.High, $"{sku} critical", $"{qty} left (critical level 5)", At, sku, "WH-1", null, qty.ToString(CultureInfo.InvariantCulture));

    public static Alert Of(AlertKind kind, string? sku = "SKU-1", string? level = "1") =>
        new(kind, AlertSeverity.Low, $"{kind} {sku}", "detail", At, sku, "WH-1", null, level);

    public static List<Alert> LowBurst(int count) =>
        Enumerable.Range(0, count).Select(i => Low($"SKU-{i:D5}", i % 10)).ToList();
}
