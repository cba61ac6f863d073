using System.Globalization;

namespace Orchestrator.Internal.Http;

/// <summary>Reads numeric vendor headers (rate-limit headers) without allocating more than needed.</summary>
internal static class HttpHeaderValues
{
    /// <summary>Reads the first value of a header as a number.</summary>
    /// <param name="response">The response.</param>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or <see langword="null"/> when absent or not a number.</returns>
    public static double? ReadNumber(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.TryGetValues(name, out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
    }

    /// <summary>Reads a <c>used/limit</c> header such as Cafe24 <c>X-Api-Call-Limit: 1/40</c>.</summary>
    /// <param name="response">The response.</param>
    /// <param name="name">The header name.</param>
    /// <returns>The pair, or <see langword="null"/> when absent or malformed.</returns>
    public static (int Used, int Limit)? ReadFraction(HttpResponseMessage response, string name)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.Headers.TryGetValues(name, out var values) || values.FirstOrDefault() is not { } text)
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && int.TryParse(text.AsSpan(0, slash), NumberStyles.Integer, CultureInfo.InvariantCulture, out var used)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit)
            && limit > 0
            ? (used, limit)
            : null;
    }
}
