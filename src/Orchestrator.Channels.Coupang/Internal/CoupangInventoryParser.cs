using System.Text.Json;

namespace Orchestrator.Channels.Coupang.Internal;

/// <summary>Reads the product-API envelope <c>{"code":"SUCCESS","message":..,"data":{..,"amountInStock":n}}</c> with a <see cref="Utf8JsonReader"/>.</summary>
internal static class CoupangInventoryParser
{
    private const string Success = "SUCCESS";

    /// <summary>Reads an envelope.</summary>
    /// <param name="json">The body.</param>
    /// <param name="code">The envelope code (<c>SUCCESS</c>/<c>ERROR</c>, or a number as text).</param>
    /// <param name="message">The envelope message.</param>
    /// <param name="amountInStock">The stock in <c>data</c>, when present.</param>
    /// <exception cref="JsonException">The body is not a JSON object or is truncated.</exception>
    public static void Read(ReadOnlySpan<byte> json, out string? code, out string? message, out long? amountInStock)
    {
        code = null;
        message = null;
        amountInStock = null;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The body is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("Expected a property name.");
            }

            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                code = reader.TokenType == JsonTokenType.Number ? ReadInt64(ref reader, "code").ToString(System.Globalization.CultureInfo.InvariantCulture)
                    : reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("SUCCESS"u8) ? Success // every stock read answers it: not one string per listing
                    : reader.GetString();
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                message = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    amountInStock = ReadData(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.CurrentDepth != 0)
        {
            throw new JsonException("The body ended before the envelope was complete.");
        }
    }

    private static long? ReadData(ref Utf8JsonReader reader)
    {
        long? amount = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("amountInStock"u8))
            {
                reader.Read();
                amount = ReadInt64(ref reader, "amountInStock");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return amount;
    }

    /// <summary>Reads a whole number; anything else (a fraction, a value past 64 bits, another token) is a malformed answer.</summary>
    private static long ReadInt64(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)
            ? value
            : throw new JsonException($"{field} is not a whole number that fits 64 bits.");
}
