using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orchestrator.Sandbox.Internal;

/// <summary>Reads the request target exactly as it came over the wire (still percent-encoded), as a signature verifier needs it.</summary>
internal static class RawRequest
{
    public static (string Path, string Query) Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (context.Request.Path + context.Request.QueryString);
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? (raw, string.Empty) : (raw[..q], raw[(q + 1)..]);
    }
}
