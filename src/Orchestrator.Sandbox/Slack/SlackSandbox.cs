using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Sandbox.Slack;

/// <summary>
/// Simulates one Slack incoming webhook: answers 200 <c>ok</c> and records the message, 429 with <c>Retry-After</c> beyond
/// the rate, 400 <c>invalid_payload</c> / <c>missing_text_or_fallback_or_attachments</c> / <c>invalid_blocks</c> for bodies Slack
/// would refuse (over 50 blocks, a section over 3,000 characters, a header over 150), 404 <c>no_service</c> for any other
/// webhook path, and plays a <see cref="FaultScript"/>.
/// </summary>
/// <remarks>Error bodies are text, as Slack's are (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).</remarks>
public sealed class SlackSandbox
{
    private readonly SlackSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<JsonElement> _messages = new();
    private readonly ConcurrentQueue<DateTimeOffset> _acceptedAt = new();
    private int _requests;

    internal SlackSandbox(SlackSandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        RateLimit = new SandboxTokenBucket(options.MessagesPerSecond, options.Burst, time);
    }

    /// <summary>Gets the webhook URL to configure the notifier with. Secret, as a real one is.</summary>
    public Uri WebhookUrl { get; private set; } = null!;

    /// <summary>Gets the fault script.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the per-webhook rate limit.</summary>
    public SandboxTokenBucket RateLimit { get; }

    /// <summary>Gets the accepted messages, in order.</summary>
    public IReadOnlyList<JsonElement> Messages => [.. _messages];

    /// <summary>Gets when each message was accepted, in order, on the sandbox's clock.</summary>
    public IReadOnlyList<DateTimeOffset> AcceptedAt => [.. _acceptedAt];

    /// <summary>Gets how many requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets a signal released each time a request arrives, to step a test clock once a request is on the wire.</summary>
    public SemaphoreSlim RequestArrived { get; } = new(0);

    internal void SetBaseAddress(Uri root) => WebhookUrl = new Uri(root, "slack/services/T0SANDBOX/B0SANDBOX/" + _options.Secret);

    internal void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/slack");
        group.AddEndpointFilter(async (ctx, next) =>
        {
            Interlocked.Increment(ref _requests);
            RequestArrived.Release();
            return await next(ctx).ConfigureAwait(false);
        });
        group.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, Error, "ok"));
        group.MapPost("/services/{team}/{bot}/{secret}", (Func<HttpContext, string, Task<IResult>>)PostAsync);
    }

    private static IResult Error(int status, string message, TimeSpan? retryAfter) => new TextError(status, status switch
    {
        429 => "rate_limited",
        >= 500 => "rollup_error",
        _ => message,
    }, retryAfter);

    private async Task<IResult> PostAsync(HttpContext context, string secret)
    {
        if (!string.Equals(secret, _options.Secret, StringComparison.Ordinal))
        {
            return new TextError(404, "no_service", null);
        }

        JsonElement body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new TextError(400, "invalid_payload", null);
        }

        if (body.ValueKind != JsonValueKind.Object || (!body.TryGetProperty("text", out _) && !body.TryGetProperty("blocks", out _)))
        {
            return new TextError(400, "missing_text_or_fallback_or_attachments", null);
        }

        if (body.TryGetProperty("blocks", out var blocks) && !BlocksValid(blocks))
        {
            return new TextError(400, "invalid_blocks", null);
        }

        if (!RateLimit.TryTake(out var retryAfter))
        {
            return new TextError(429, "rate_limited", retryAfter);
        }

        _acceptedAt.Enqueue(_time.GetUtcNow());
        _messages.Enqueue(body);
        return Results.Text("ok");
    }

    private static bool BlocksValid(JsonElement blocks)
    {
        if (blocks.ValueKind != JsonValueKind.Array || blocks.GetArrayLength() is 0 or > 50)
        {
            return false;
        }

        foreach (var block in blocks.EnumerateArray())
        {
            var type = block.TryGetProperty("type", out var t) ? t.GetString() : null;
            var limit = type switch
            {
                "section" => 3000,
                "header" => 150,
                _ => int.MaxValue,
            };
            if (type is null || (limit < int.MaxValue && (!block.TryGetProperty("text", out var text) || text.GetProperty("text").GetString()!.Length > limit)))
            {
                return false;
            }
        }

        return true;
    }

    private sealed class TextError(int status, string text, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            return httpContext.Response.WriteAsync(text);
        }
    }
}
