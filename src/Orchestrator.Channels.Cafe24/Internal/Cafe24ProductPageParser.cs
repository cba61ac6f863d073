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
                        productNo = reader.GetInt64();
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
                                    codeLength = reader.CopyString(code);
                                }
                                else if (reader.ValueTextEquals("quantity"u8))
                                {
                                    Next(ref reader);
                                    quantity = reader.TokenType == JsonTokenType.String ? long.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : reader.GetInt64();
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
}
