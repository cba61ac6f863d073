using System.Net.Http.Headers;

namespace Orchestrator.Http.Internal;

/// <summary>Reads a <c>Retry-After</c> header (seconds or an HTTP date) as a delay from now.</summary>
internal static class RetryAfter
{
    public static TimeSpan? Read(HttpResponseHeaders headers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var value = headers.RetryAfter;
        if (value is null)
        {
            return null;
        }

        if (value.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
