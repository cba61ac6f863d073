using System.Globalization;
using System.Text.Json;
using Orchestrator.Events;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Why an event body was refused: the <c>reason</c> of the 400 problem.</summary>
internal sealed record EventBodyError(string Reason, string Field, string Detail);

/// <summary>Parses the JSON body of an event endpoint strictly: every field typed and checked, so a bad body never reaches the sink.</summary>
/// <remarks>
/// Body: <c>{"event_id": "…", "warehouse": "…", "occurred_at": "2026-11-21T09:00:00+09:00", "lines": [{"sku": "…", "quantity": 3}]}</c>.
/// </remarks>
internal static class StockEventParser
{
    private const int MaxIdLength = 200;
    private const int MaxLines = 10_000;

    public static (StockEvent? Event, EventBodyError? Error) Parse(StockEventType type, ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            return (null, new EventBodyError("malformed-json", "$", "The body is not valid JSON."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new EventBodyError("wrong-type", "$", "The body must be a JSON object."));
            }

            if (ReadString(root, "event_id", out var eventId) is { } e1)
            {
                return (null, e1);
            }

            if (ReadString(root, "warehouse", out var warehouse) is { } e2)
            {
                return (null, e2);
            }

            if (!root.TryGetProperty("occurred_at", out var occurredElement))
            {
                return (null, new EventBodyError("missing-field", "occurred_at", "occurred_at is required."));
            }

            if (occurredElement.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(occurredElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var occurredAt)
                || !HasOffset(occurredElement.GetString()!))
            {
                return (null, new EventBodyError("wrong-type", "occurred_at", "occurred_at must be an ISO 8601 date and time with an offset, for example 2026-11-21T09:00:00+09:00."));
            }

            if (!root.TryGetProperty("lines", out var linesElement))
            {
                return (null, new EventBodyError("missing-field", "lines", "lines is required."));
            }

            if (linesElement.ValueKind != JsonValueKind.Array)
            {
                return (null, new EventBodyError("wrong-type", "lines", "lines must be an array."));
            }

            var count = linesElement.GetArrayLength();
            if (count == 0)
            {
                return (null, new EventBodyError("empty-lines", "lines", "lines must hold at least one line."));
            }

            if (count > MaxLines)
            {
                return (null, new EventBodyError("too-many-lines", "lines", $"lines may hold at most {MaxLines} lines."));
            }

            var lines = new List<StockEventLine>(count);
            var skus = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var line in linesElement.EnumerateArray())
            {
                var field = $"lines[{index}]";
                if (line.ValueKind != JsonValueKind.Object)
                {
                    return (null, new EventBodyError("wrong-type", field, $"{field} must be an object."));
                }

                if (ReadString(line, "sku", out var sku, field + ".") is { } e3)
                {
                    return (null, e3);
                }

                if (!line.TryGetProperty("quantity", out var quantityElement))
                {
                    return (null, new EventBodyError("missing-field", field + ".quantity", $"{field}.quantity is required."));
                }

                if (quantityElement.ValueKind != JsonValueKind.Number || !quantityElement.TryGetInt32(out var quantity))
                {
                    return (null, new EventBodyError("wrong-type", field + ".quantity", $"{field}.quantity must be a whole number that fits in 32 bits."));
                }

                if (quantity < 0)
                {
                    return (null, new EventBodyError("negative-quantity", field + ".quantity", $"{field}.quantity must not be negative."));
                }

                if (!skus.Add(sku))
                {
                    return (null, new EventBodyError("duplicate-sku", field + ".sku", $"{field}.sku appears on an earlier line; each SKU appears once."));
                }

                lines.Add(new StockEventLine(sku, quantity));
                index++;
            }

            return (new StockEvent(eventId, type, warehouse, lines, occurredAt), null);
        }
    }

    private static EventBodyError? ReadString(JsonElement parent, string name, out string value, string fieldPrefix = "")
    {
        value = string.Empty;
        var field = fieldPrefix + name;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return new EventBodyError("missing-field", field, $"{field} is required.");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return new EventBodyError("wrong-type", field, $"{field} must be a string.");
        }

        value = element.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            return new EventBodyError("missing-field", field, $"{field} must not be empty.");
        }

        if (value.Length > MaxIdLength)
        {
            return new EventBodyError("too-long", field, $"{field} may be at most {MaxIdLength} characters.");
        }

        return null;
    }

    private static bool HasOffset(string text)
        => text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':');
}
