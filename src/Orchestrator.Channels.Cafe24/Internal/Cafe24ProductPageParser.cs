using System.Text.Json;
using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Cafe24.Internal;

/// <summary>Reads a products page (<c>{"products":[{"product_no":..,"variants":[{"variant_code":..,"use_inventory":"T","quantity":..}]}]}</c>) straight into a snapshot builder.</summary>
internal static class Cafe24ProductPageParser
{
    /// <summary>Reads one page.</summary>
    /// <param name="json">The body.</param>
    /// <param name="into">The builder.</param>
    /// <param name="untracked">Receives variants with <c>use_inventory=F</c>, or <see langword="null"/>; they are not set in the builder.</param>
    /// <param name="lastProductNo">The highest product number on the page (the next <c>since_product_no</c>).</param>
    /// <returns>The number of products on the page.</returns>
    /// <exception cref="JsonException">The body is not a complete products page.</exception>
    public static int Read(ReadOnlySpan<byte> json, StockSnapshotBuilder into, ICollection<ListingKey>? untracked, out long lastProductNo)
    {
        lastProductNo = 0;
        var products = 0;
        var reader = new Utf8JsonReader(json);
        Expect(ref reader, JsonTokenType.StartObject);
        var sawProducts = false;
        Span<char> code = stackalloc char[64];
        while (Next(ref reader) != JsonTokenType.EndObject)
        {
            if (!reader.ValueTextEquals("products"u8))
            {
                Skip(ref reader);
                continue;
            }

            sawProducts = true;
            Expect(ref reader, JsonTokenType.StartArray);
            while (Next(ref reader) == JsonTokenType.StartObject)
            {
                products++;
                long productNo = 0;
                while (Next(ref reader) != JsonTokenType.EndObject)
                {
                    if (reader.ValueTextEquals("product_no"u8))
                    {
                        Next(ref reader);
                        productNo = ReadInt64(ref reader, "product_no");
                        lastProductNo = Math.Max(lastProductNo, productNo);
                    }
                    else if (reader.ValueTextEquals("variants"u8))
                    {
                        if (Next(ref reader) != JsonTokenType.StartArray)
                        {
                            reader.Skip();
                            continue;
                        }

                        while (Next(ref reader) == JsonTokenType.StartObject)
                        {
                            var codeLength = -1;
                            long? quantity = null;
                            bool? tracked = null;
                            while (Next(ref reader) != JsonTokenType.EndObject)
                            {
                                if (reader.ValueTextEquals("variant_code"u8))
                                {
                                    Next(ref reader);
                                    try
                                    {
                                        codeLength = reader.CopyString(code);
                                    }
                                    catch (ArgumentException ex)
                                    {
                                        throw new JsonException($"variant_code is longer than {code.Length} characters.", ex);
                                    }
                                }
                                else if (reader.ValueTextEquals("quantity"u8))
                                {
                                    Next(ref reader);
                                    quantity = reader.TokenType == JsonTokenType.String
                                        ? (long.TryParse(reader.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var text) ? text : throw new JsonException("quantity is not a whole number."))
                                        : ReadInt64(ref reader, "quantity");
                                }
                                else if (reader.ValueTextEquals("use_inventory"u8))
                                {
                                    Next(ref reader);
                                    tracked = !reader.ValueTextEquals("F"u8);
                                }
                                else
                                {
                                    Skip(ref reader);
                                }
                            }

                            if (codeLength <= 0)
                            {
                                throw new JsonException($"A variant of product {productNo} has no variant_code.");
                            }

                            if (tracked == false)
                            {
                                untracked?.Add(ListingKey.Cafe24(productNo, new string(code[..codeLength])));
                                continue;
                            }

                            into.TrySetListing(code[..codeLength], quantity ?? throw new JsonException($"Variant {code[..codeLength]} has no quantity."));
                        }
                    }
                    else
                    {
                        Skip(ref reader);
                    }
                }
            }
        }

        return sawProducts ? products : throw new JsonException("The body has no products array.");
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

    private static void Skip(ref Utf8JsonReader reader)
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
