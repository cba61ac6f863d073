using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Dashboard.Tests.Infrastructure;

/// <summary>Signs an event request the way docs/dashboard.md tells senders to.</summary>
public static class EventSigner
{
    public static HttpRequestMessage Request(string eventName, string body, DateTimeOffset signedAt, string secret = DashboardTestApp.Secret)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body));
        var request = new HttpRequestMessage(HttpMethod.Post, "/orchestrator/events/" + eventName)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Orchestrator-Timestamp", timestamp);
        request.Headers.Add("X-Orchestrator-Signature", "sha256=" + Convert.ToHexStringLower(mac));
        return request;
    }

    public static string Body(string eventId, string sku = "SKU-A", int quantity = 3)
        => $$"""{"event_id":"{{eventId}}","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00+09:00","lines":[{"sku":"{{sku}}","quantity":{{quantity}}}]}""";
}
