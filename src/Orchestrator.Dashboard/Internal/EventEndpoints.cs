using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Events;

namespace Orchestrator.Dashboard.Internal;

/// <summary>
/// The stock event endpoints. A request is authenticated by its signature only: <c>X-Orchestrator-Signature: sha256=HEX</c> where HEX is
/// HMAC-SHA256(secret, <c>X-Orchestrator-Timestamp</c> + "." + raw body), the timestamp in Unix seconds within the tolerance of the
/// server's clock; an accepted signature or event id seen again within the window is a replay (409).
/// </summary>
internal static class EventEndpoints
{
    public const string TimestampHeader = "X-Orchestrator-Timestamp";
    public const string SignatureHeader = "X-Orchestrator-Signature";
    private const string SignaturePrefix = "sha256=";

    public static readonly IReadOnlyDictionary<string, StockEventType> Routes = new Dictionary<string, StockEventType>(StringComparer.Ordinal)
    {
        ["order.completed"] = StockEventType.OrderCompleted,
        ["inventory.received"] = StockEventType.InventoryReceived,
        ["inventory.manual_adjust"] = StockEventType.InventoryManualAdjust,
    };

    public static async Task<IResult> HandleAsync(HttpContext context, string name, StockEventType type)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue;
        var time = services.GetRequiredService<TimeProvider>();
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator.Dashboard");
        var remoteIp = context.Connection.RemoteIpAddress?.ToString();
        var ct = context.RequestAborted;

        IResult Refuse(int status, string reason, string title, string detail, IDictionary<string, object?>? extra = null)
        {
            Log.EventRefused(log, name, remoteIp, status, reason);
            var extensions = new Dictionary<string, object?>(StringComparer.Ordinal) { ["reason"] = reason };
            foreach (var (k, v) in extra ?? new Dictionary<string, object?>())
            {
                extensions[k] = v;
            }

            return Results.Problem(detail: detail, statusCode: status, title: title, type: "urn:orchestrator:event:" + reason, extensions: extensions);
        }

        if (options.EventSigningSecret is not { Length: > 0 } secret)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, "events-not-configured", "Event endpoints are not configured", "No event signing secret is configured, so events cannot be verified.");
        }

        if (context.Request.ContentLength > options.MaxEventBodyBytes)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large", $"The body may be at most {options.MaxEventBodyBytes} bytes.");
        }

        var body = await ReadBodyAsync(context.Request.Body, options.MaxEventBodyBytes, ct).ConfigureAwait(false);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large", $"The body may be at most {options.MaxEventBodyBytes} bytes.");
        }

        var timestampText = context.Request.Headers[TimestampHeader].ToString();
        var signatureText = context.Request.Headers[SignatureHeader].ToString();
        if (timestampText.Length == 0 || signatureText.Length == 0)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "missing-signature", "Signature required", $"Send {TimestampHeader} and {SignatureHeader}.");
        }

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds) || unixSeconds > 253_402_300_799L)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "invalid-timestamp", "Timestamp not valid", $"{TimestampHeader} must be Unix seconds.");
        }

        var now = time.GetUtcNow();
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        if ((now - signedAt).Duration() > options.EventTimestampTolerance)
        {
            return Refuse(StatusCodes.Status401Unauthorized, "stale-timestamp", "Timestamp outside the tolerance", $"The timestamp must be within {options.EventTimestampTolerance.TotalSeconds:0} seconds of the server's clock.");
        }

        if (!TryParseSignature(signatureText, out var presented))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "invalid-signature", "Signature not valid", $"{SignatureHeader} must be sha256= followed by 64 hex digits.");
        }

        var expected = Sign(secret, timestampText, body);
        if (!CryptographicOperations.FixedTimeEquals(expected, presented))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "invalid-signature", "Signature not valid", "The signature does not match the timestamp and body.");
        }

        var (stockEvent, error) = StockEventParser.Parse(type, body);
        if (stockEvent is null)
        {
            return Refuse(StatusCodes.Status400BadRequest, error!.Reason, "Event body not valid", error.Detail, new Dictionary<string, object?>
            {
                ["errorCode"] = OrchestratorErrorCodes.InvalidData,
                ["field"] = error.Field,
            });
        }

        var replays = services.GetRequiredService<EventReplayCache>();
        var signatureKey = "sig:" + Convert.ToHexString(expected);
        var eventKey = "evt:" + stockEvent.EventId;
        var expiresAt = (signedAt > now ? signedAt : now) + options.EventTimestampTolerance;
        if (!replays.TryRemember(signatureKey, eventKey, expiresAt))
        {
            return Refuse(StatusCodes.Status409Conflict, "replayed-event", "Event replayed", "This signature or event id was already received within the tolerance window.", new Dictionary<string, object?> { ["eventId"] = stockEvent.EventId });
        }

        var sink = services.GetService<IStockEventSink>();
        if (sink is null)
        {
            replays.Forget(signatureKey, eventKey);
            return Refuse(StatusCodes.Status503ServiceUnavailable, "no-event-sink", "No event sink", "The host registers no IStockEventSink, so events cannot be recorded.");
        }

        try
        {
            var receipt = await sink.AcceptAsync(stockEvent, ct).ConfigureAwait(false);
            Log.EventAccepted(log, receipt.EventId, name, receipt.Duplicate, receipt.SkusToSync);
            return Results.Json(new { eventId = receipt.EventId, duplicate = receipt.Duplicate, skusToSync = receipt.SkusToSync }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (InvalidStockDataException ex)
        {
            return Refuse(StatusCodes.Status422UnprocessableEntity, "invalid-stock-data", "Event cannot be applied", ex.Message, new Dictionary<string, object?>
            {
                ["errorCode"] = ex.ErrorCode,
                ["sku"] = ex.SkuCode,
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            replays.Forget(signatureKey, eventKey);
            Log.EventSinkFailed(log, ex, stockEvent.EventId, name);
            return Results.Problem(detail: "The event could not be recorded; retry it.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Event not recorded", type: "urn:orchestrator:event:sink-failed",
                extensions: new Dictionary<string, object?> { ["reason"] = "sink-failed" });
        }
    }

    /// <summary>HMAC-SHA256(secret, timestamp + "." + body).</summary>
    public static byte[] Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }

    private static bool TryParseSignature(string text, out byte[] signature)
    {
        signature = [];
        if (!text.StartsWith(SignaturePrefix, StringComparison.OrdinalIgnoreCase) || text.Length != SignaturePrefix.Length + 64)
        {
            return false;
        }

        try
        {
            signature = Convert.FromHexString(text.AsSpan(SignaturePrefix.Length));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static async Task<byte[]?> ReadBodyAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
