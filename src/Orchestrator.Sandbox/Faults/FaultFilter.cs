using Microsoft.AspNetCore.Http;

namespace Orchestrator.Sandbox.Faults;

/// <summary>Applies a <see cref="FaultScript"/> to the endpoints of a simulator; the simulator supplies its own error shape.</summary>
internal static class FaultFilter
{
    /// <summary>Runs the fault for the request, if any, around the endpoint.</summary>
    /// <param name="context">The invocation context.</param>
    /// <param name="next">The endpoint.</param>
    /// <param name="script">The script.</param>
    /// <param name="error">Creates the service's error result for a status code, a message and an optional Retry-After.</param>
    /// <param name="malformedBody">The truncated body a <see cref="SandboxFaultKind.MalformedBody"/> fault answers with.</param>
    /// <returns>The result.</returns>
    public static async ValueTask<object?> InvokeAsync(
        EndpointFilterInvocationContext context,
        EndpointFilterDelegate next,
        FaultScript script,
        Func<int, string, TimeSpan?, IResult> error,
        string malformedBody)
    {
        var http = context.HttpContext;
        if (!script.TryTake(http.Request.Method, http.Request.Path.Value ?? string.Empty, out var rule))
        {
            return await next(context).ConfigureAwait(false);
        }

        switch (rule.Kind)
        {
            case SandboxFaultKind.Latency:
                await Task.Delay(rule.Delay, http.RequestAborted).ConfigureAwait(false);
                return await next(context).ConfigureAwait(false);
            case SandboxFaultKind.Status:
                return error(rule.StatusCode, "Simulated failure.", null);
            case SandboxFaultKind.RateLimit:
                return error(StatusCodes.Status429TooManyRequests, "Too many requests.", rule.RetryAfter);
            case SandboxFaultKind.Hang:
                try
                {
                    await Task.Delay(rule.Delay, http.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }

                return error(StatusCodes.Status504GatewayTimeout, "Gateway timeout.", null);
            case SandboxFaultKind.DropResponse:
                await next(context).ConfigureAwait(false);
                http.Abort();
                return Results.Empty;
            case SandboxFaultKind.MalformedBody:
                return Results.Text(malformedBody, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
            default:
                return await next(context).ConfigureAwait(false);
        }
    }
}
