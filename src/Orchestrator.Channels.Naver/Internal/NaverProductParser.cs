using System.Text.Json;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>Reads an origin product (<c>GET /v2/products/origin-products/{no}</c>) with a <see cref="Utf8JsonReader"/>, straight into a snapshot builder.</summary>
internal static class NaverProductParser
{
    /// <summary>Sets the quantity of every option combination (or of the product when it has none) in the builder.</summary>
    /// <param name="json">The body.</param>
    /// <param name="originProductNo">The origin product number.</param>
    /// <param name="into">The builder.</param>
    /// <returns>The product's sale price, when present.</returns>
    /// <exception cref="JsonException">The body is not a complete origin product.</exception>
    public static long? Read(ReadOnlySpan<byte> json, long originProductNo, StockSnapshotBuilder into)
    {
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        long? salePrice = null;
        long? productStock = null;
        var options = 0;
        var sawOrigin = false;
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (reader.ValueTextEquals("originProduct"u8))
            {
                Expect(ref reader, JsonTokenType.StartObject);
                sawOrigin = true;
                while (Next(ref reader) != JsonTokenType.EndObject)
                {
                    if (reader.ValueTextEquals("salePrice"u8))
                    {
                        Next(ref reader);
                        salePrice = ReadInt64(ref reader, "salePrice");
                    }
                    else if (reader.ValueTextEquals("stockQuantity"u8))
                    {
                        Next(ref reader);
                        productStock = ReadInt64(ref reader, "stockQuantity");
                    }
                    else if (reader.ValueTextEquals("detailAttribute"u8))
                    {
                        options += ReadDetailAttribute(ref reader, originProductNo, into);
                    }
                    else
                    {
                        SkipValue(ref reader);
                    }
                }
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        if (!sawOrigin || productStock is null)
        {
            throw new JsonException("originProduct.stockQuantity is missing.");
        }

        if (options == 0)
        {
            into.TrySetListing(originProductNo, 0, productStock.Value);
        }

        return salePrice;
    }

    private static int ReadDetailAttribute(ref Utf8JsonReader reader, long product, StockSnapshotBuilder into)
    {
        var count = 0;
        Expect(ref reader, JsonTokenType.StartObject);
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (!reader.ValueTextEquals("optionInfo"u8))
            {
                SkipValue(ref reader);
                continue;
            }

            if (Next(ref reader) == JsonTokenType.Null)
            {
                continue;
            }

            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                if (!reader.ValueTextEquals("optionCombinations"u8))
                {
                    SkipValue(ref reader);
                    continue;
                }

                if (Next(ref reader) == JsonTokenType.Null)
                {
                    continue;
                }

                while (Next(ref reader) == JsonTokenType.StartObject)
                {
                    long? id = null;
                    long? stock = null;
                    while (Next(ref reader) != JsonTokenType.EndObject)
                    {
                        if (reader.ValueTextEquals("id"u8))
                        {
                            Next(ref reader);
                            id = ReadInt64(ref reader, "id");
                        }
                        else if (reader.ValueTextEquals("stockQuantity"u8))
                        {
                            Next(ref reader);
                            stock = ReadInt64(ref reader, "stockQuantity");
                        }
                        else
                        {
                            SkipValue(ref reader);
                        }
                    }

                    if (id is null || stock is null)
                    {
                        throw new JsonException("An option combination lacks id or stockQuantity.");
                    }

                    into.TrySetListing(product, id.Value, stock.Value);
                    count++;
                }
            }
        }

        return count;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("The body ended early.");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new JsonException($"Expected {type}, found {reader.TokenType}.");
        }
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    /// <summary>Reads a whole number; anything else (a fraction, a value past 64 bits, another token) is a malformed answer.</summary>
    private static long ReadInt64(ref Utf8JsonReader reader, string field) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)
            ? value
            : throw new JsonException($"{field} is not a whole number that fits 64 bits.");
}
