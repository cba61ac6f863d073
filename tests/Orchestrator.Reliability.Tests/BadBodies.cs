using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Reliability.Tests;

/// <summary>The malformed answers of the corpus: fixed bodies, and structural rewrites of the real answer.</summary>
internal static class BadBodies
{
    public static IReadOnlyList<(string Name, Func<byte[], byte[]> Make)> All { get; } =
    [
        ("truncated JSON", real => real.Length > 2 ? real[..(real.Length / 2)] : "{\"da"u8.ToArray()),
        ("empty body", _ => []),
        ("null", _ => "null"u8.ToArray()),
        ("empty array", _ => "[]"u8.ToArray()),
        ("a bare string", _ => "\"ok\""u8.ToArray()),
        ("an HTML error page", _ => "<html><body>502 Bad Gateway</body></html>"u8.ToArray()),
        ("empty object", _ => "{}"u8.ToArray()),
        ("not UTF-8", _ => [0xFF, 0xFE, 0x00, 0x7B, 0xC3, 0x28]),
        ("negative quantities", real => Map(real, n => n is JsonValue v && IsNumber(v) ? JsonValue.Create(-7) : null)),
        ("huge quantities", real => Map(real, n => n is JsonValue v && IsNumber(v) ? JsonNode.Parse("99999999999999999999") : null)),
        ("numbers as strings", real => Map(real, n => n is JsonValue v && IsNumber(v) ? JsonValue.Create(v.ToJsonString()) : null)),
        ("strings as numbers", real => Map(real, n => n is JsonValue v && v.TryGetValue<string>(out _) ? JsonValue.Create(12345) : null)),
        ("missing fields", real => Map(real, n => n is JsonObject o && o.Count > 0 ? Without(o, o.Count - 1) : null)),
        ("unknown ids and SKUs", real => Map(real, n => n is JsonValue v && v.TryGetValue<string>(out _) ? JsonValue.Create("UNKNOWN-SKU-ZZZ") : n is JsonValue w && IsNumber(w) ? JsonValue.Create(987654321) : null)),
        ("oversized page", real => Map(real, n => n is JsonArray a && a.Count > 0 ? new JsonArray(Enumerable.Range(0, 5_000).Select(_ => a[0]!.DeepClone()).ToArray()) : null)),
        ("nulls everywhere", real => Map(real, n => n is JsonValue ? JsonValue.Create((string?)null) : null)),
    ];

    private static bool IsNumber(JsonValue value) => value.GetValueKind() == System.Text.Json.JsonValueKind.Number;

    private static JsonObject Without(JsonObject o, int index)
    {
        var copy = new JsonObject();
        var i = 0;
        foreach (var (key, value) in o)
        {
            if (i++ != index)
            {
                copy[key] = value?.DeepClone();
            }
        }

        return copy;
    }

    /// <summary>Rewrites a JSON answer bottom-up: <paramref name="replace"/> returns a node's replacement or null to keep it (recursing).</summary>
    private static byte[] Map(byte[] real, Func<JsonNode, JsonNode?> replace)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(real);
        }
        catch (System.Text.Json.JsonException)
        {
            return real;
        }

        return root is null ? real : Encoding.UTF8.GetBytes(Walk(root, replace)?.ToJsonString() ?? "null");
    }

    private static JsonNode? Walk(JsonNode node, Func<JsonNode, JsonNode?> replace)
    {
        if (replace(node) is { } replaced)
        {
            return replaced;
        }

        switch (node)
        {
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (key, value) in o)
                {
                    obj[key] = value is null ? null : Walk(value, replace);
                }

                return obj;
            case JsonArray a:
                return new JsonArray(a.Select(v => v is null ? null : Walk(v, replace)).ToArray());
            default:
                return node.DeepClone();
        }
    }
}
