using System.Globalization;
using System.Text.Json;
using Orchestrator.Stock;

namespace Orchestrator.Wes.Internal;

/// <summary>Thrown when a WES body is valid JSON but not the contract's shape; the client turns it into a MalformedResponse error.</summary>
internal sealed class WesFormatException(string message) : Exception(message);

/// <summary>What one snapshot page held besides its rows.</summary>
/// <param name="Rows">The rows set into the builder.</param>
/// <param name="NextCursor">The cursor of the next page, or <see langword="null"/> on the last page.</param>
/// <param name="MaxRowVersion">The highest row version on the page, or <see langword="null"/>.</param>
/// <param name="AnnouncedVersion">The WES's version counter when it served the page (<c>highestVersion</c>), or <see langword="null"/>.</param>
internal readonly record struct SnapshotPage(int Rows, string? NextCursor, long? MaxRowVersion, long? AnnouncedVersion);

/// <summary>
/// Reads one page of <c>GET /v1/stock</c> with <see cref="Utf8JsonReader"/> straight into a <see cref="StockSnapshotBuilder"/>:
/// no per-row object is created. Unknown properties are skipped, so the WES may add fields.
/// </summary>
/// <remarks>
/// A row is <c>{"sku","warehouse","onHand","reserved","available","version","updatedAt","locations":[{"location","onHand","reserved"}]}</c>;
/// <c>onHand</c> and <c>reserved</c> are the SKU's totals over its locations, and the first location (the WES lists the primary
/// pick location first) goes into the snapshot's location column.
/// </remarks>
internal static class SnapshotPageReader
{
    private const int MaxSkuLength = 128; // SkuCatalog's limit

    public static SnapshotPage Read(ReadOnlySpan<byte> json, StockSnapshotBuilder into, string warehouse)
    {
        try
        {
            return ReadPage(json, into, warehouse);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetString throws this on a string that is not valid UTF-8: a malformed answer like any other.
            throw new JsonException($"unreadable text: {ex.Message}", ex);
        }
    }

    private static SnapshotPage ReadPage(ReadOnlySpan<byte> json, StockSnapshotBuilder into, string warehouse)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
        Expect(ref reader, JsonTokenType.StartObject, "the page");
        int rows = 0;
        string? cursor = null;
        long? highest = null, announcedVersion = null;
        var sawItems = false;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("items"u8))
            {
                sawItems = true;
                Expect(ref reader, JsonTokenType.StartArray, "items");
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new WesFormatException($"item {rows} is {reader.TokenType}, not an object");
                    }

                    var version = ReadItem(ref reader, into, warehouse, rows);
                    if (version is { } v && (highest is null || v > highest))
                    {
                        highest = v;
                    }

                    rows++;
                }
            }
            else if (reader.ValueTextEquals("nextCursor"u8))
            {
                Next(ref reader);
                cursor = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.String => reader.GetString() is { Length: > 0 } c ? c : null,
                    _ => throw new WesFormatException($"nextCursor is {reader.TokenType}, not a string"),
                };
            }
            else if (reader.ValueTextEquals("highestVersion"u8))
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.Number)
                {
                    announcedVersion = Int64(ref reader, "highestVersion");
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw new WesFormatException($"highestVersion is {reader.TokenType}, not a number");
                }
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new WesFormatException("the page object is not closed");
        }

        if (!sawItems)
        {
            throw new WesFormatException("the page has no 'items' array");
        }

        return new SnapshotPage(rows, cursor, highest, announcedVersion);
    }

    private static long? ReadItem(ref Utf8JsonReader reader, StockSnapshotBuilder into, string warehouse, int index)
    {
        // A known SKU is looked up from the bytes without allocating its code; only a new SKU is materialized as a string.
        string? sku = null, location = null;
        var ordinal = -1;
        long? onHand = null, reserved = null, version = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("sku"u8))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new WesFormatException($"item {index}: sku is {reader.TokenType}, not a string");
                }

                sku = null;
                ordinal = -1;
                // The catalog holds codes as UTF-8: an unescaped value is looked up straight from the bytes (invalid UTF-8 is never found,
                // so it falls to GetString, which reports it).
                if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= MaxSkuLength
                    && into.Catalog.TryGetOrdinalUtf8(reader.ValueSpan, out var known))
                {
                    ordinal = known;
                }
                else
                {
                    sku = reader.GetString();
                }
            }
            else if (reader.ValueTextEquals("onHand"u8))
            {
                Next(ref reader);
                onHand = Int64(ref reader, "onHand", index, sku, ordinal, into);
            }
            else if (reader.ValueTextEquals("reserved"u8))
            {
                Next(ref reader);
                reserved = reader.TokenType == JsonTokenType.Null ? null : Int64(ref reader, "reserved", index, sku, ordinal, into);
            }
            else if (reader.ValueTextEquals("version"u8))
            {
                Next(ref reader);
                version = reader.TokenType == JsonTokenType.Null ? null : Int64(ref reader, "version", index, sku, ordinal, into);
            }
            else if (reader.ValueTextEquals("warehouse"u8))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(warehouse))
                {
                    throw new WesFormatException($"item {index} ({Name(sku, ordinal, into)}) belongs to warehouse {Describe(ref reader)}, not '{warehouse}'");
                }
            }
            else if (reader.ValueTextEquals("locations"u8))
            {
                Next(ref reader);
                location = ReadPrimaryLocation(ref reader, index);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        if (ordinal < 0 && string.IsNullOrWhiteSpace(sku))
        {
            throw new WesFormatException($"item {index} has no sku");
        }

        if (onHand is null)
        {
            throw new WesFormatException($"item {index} ({Name(sku, ordinal, into)}) has no onHand");
        }

        if (ordinal >= 0)
        {
            into.Set(ordinal, onHand.Value, location);
        }
        else
        {
            ordinal = into.Set(sku!, onHand.Value, location);
        }

        if (reserved is { } r)
        {
            into.SetReserved(ordinal, r);
        }

        return version;
    }

    private static string Name(string? sku, int ordinal, StockSnapshotBuilder into) => sku ?? (ordinal >= 0 ? into.Catalog.GetCode(ordinal) : "?");

    private static long Int64(ref Utf8JsonReader reader, string field, int index, string? sku, int ordinal, StockSnapshotBuilder into)
    {
        // The message is only built when the value is wrong: this runs three times for every row of a snapshot.
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw new WesFormatException($"item {index} ({Name(sku, ordinal, into)}): {field} is {Describe(ref reader)}, not a whole number");
        }

        return value;
    }

    private static string? ReadPrimaryLocation(ref Utf8JsonReader reader, int index)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new WesFormatException($"item {index}: locations is {reader.TokenType}, not an array");
        }

        string? first = null;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new WesFormatException($"item {index}: a location is {reader.TokenType}, not an object");
            }

            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (first is null && reader.ValueTextEquals("location"u8))
                {
                    Next(ref reader);
                    first = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    Next(ref reader);
                    reader.Skip();
                }
            }
        }

        return first;
    }

    private static long Int64(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw new WesFormatException($"{what} is {Describe(ref reader)}, not a whole number");
        }

        return value;
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "'" + reader.GetString() + "'",
        JsonTokenType.Number => reader.TryGetDecimal(out var d) ? d.ToString(CultureInfo.InvariantCulture) : "a number",
        _ => reader.TokenType.ToString(),
    };

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new WesFormatException("the body ends early");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (Next(ref reader) != type)
        {
            throw new WesFormatException($"{what} is {reader.TokenType}, not {type}");
        }
    }
}
