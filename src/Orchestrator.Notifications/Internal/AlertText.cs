using System.Globalization;
using System.Text;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Internal;

/// <summary>Formats alerts as text for people.</summary>
internal static class AlertText
{
    public static string KindLabel(AlertKind kind) => kind switch
    {
        AlertKind.CriticalStock => "재고 Critical",
        AlertKind.LowStock => "재고 Low",
        AlertKind.Overstock => "재고 과잉 (overstock)",
        AlertKind.SyncFailure => "동기화 실패 (sync failure)",
        AlertKind.MassMismatch => "대량 불일치 (mass mismatch)",
        AlertKind.KpiBreach => "KPI 임계치 (KPI breach)",
        AlertKind.Discrepancy => "재고 차이 (Inventory/WES discrepancy)",
        _ => kind.ToString(),
    };

    public static string SeverityLabel(AlertSeverity severity) => severity switch
    {
        AlertSeverity.High => "HIGH",
        AlertSeverity.Medium => "MEDIUM",
        _ => "LOW",
    };

    public static string Subject(Alert alert)
    {
        var parts = new List<string>(3);
        if (alert.SkuCode is not null)
        {
            parts.Add("SKU " + alert.SkuCode);
        }

        if (alert.WarehouseId is not null)
        {
            parts.Add("WH " + alert.WarehouseId);
        }

        if (alert.Channel is not null)
        {
            parts.Add(alert.Channel);
        }

        return string.Join(", ", parts);
    }

    /// <summary>Cuts text to at most <paramref name="max"/> UTF-16 units, ending with an ellipsis when cut, never splitting a surrogate pair.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        return string.Concat(text.AsSpan(0, cut), "…");
    }

    /// <summary>Escapes the three characters Slack mrkdwn reserves.</summary>
    public static string EscapeMrkdwn(string text)
    {
        if (text.AsSpan().IndexOfAny('&', '<', '>') < 0)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    public static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);
}
