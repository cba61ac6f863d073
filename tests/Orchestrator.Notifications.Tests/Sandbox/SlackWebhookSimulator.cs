using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Sandbox.Slack;

/// <summary>
/// Simulates one Slack incoming webhook: <c>POST /services/T…/B…/…</c> answers 200 <c>ok</c>, records the message, enforces
/// about one message per second (429 with <c>Retry-After</c> in seconds), rejects bodies Slack would reject (400
/// <c>invalid_payload</c>, <c>invalid_blocks</c>), answers 404 <c>no_service</c> for any other path, and plays scripted faults.
/// </summary>
public sealed class SlackWebhookSimulator(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly ConcurrentQueue<(int Status, string Body)> _faults = new();
    private DateTimeOffset? _lastAccepted;

    /// <summary>Gets the secret path of the webhook.</summary>
    public string WebhookPath { get; init; } = "/services/T0SANDBOX/B0SANDBOX/s3cr3tW3bh00kT0k3n";

    /// <summary>Gets or sets the least time between two accepted messages; 0 turns the limit off.</summary>
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the messages accepted, in order.</summary>
    public ConcurrentQueue<JsonElement> Messages { get; } = new();

    /// <summary>Gets the times messages were accepted, in order.</summary>
    public ConcurrentQueue<DateTimeOffset> AcceptedAt { get; } = new();

    /// <summary>Gets how many requests were refused with 429.</summary>
    public int RateLimited => _rateLimited;

    /// <summary>Gets how many requests arrived.</summary>
    public int Requests => _requests;

    private int _rateLimited;
    private int _requests;

    /// <summary>Answers the next requests with these statuses and bodies before behaving normally again.</summary>
    public void FailNext(int count, int status, string body = "rollup_error")
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue((status, body));
        }
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/services/{**rest}", (Delegate)HandleAsync);
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Path != WebhookPath)
        {
            return Results.Text("no_service", statusCode: 404);
        }

        if (_faults.TryDequeue(out var fault))
        {
            return Results.Text(fault.Body, statusCode: fault.Status);
        }

        JsonElement body;
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Results.Text("invalid_payload", statusCode: 400);
        }

        if (!body.TryGetProperty("text", out _) && !body.TryGetProperty("blocks", out _))
        {
            return Results.Text("missing_text_or_fallback_or_attachments", statusCode: 400);
        }

        if (body.TryGetProperty("blocks", out var blocks) && !BlocksValid(blocks))
        {
            return Results.Text("invalid_blocks", statusCode: 400);
        }

        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (MinInterval > TimeSpan.Zero && _lastAccepted is { } last && now - last < MinInterval)
            {
                Interlocked.Increment(ref _rateLimited);
                var wait = (int)Math.Ceiling((MinInterval - (now - last)).TotalSeconds);
                context.Response.Headers.RetryAfter = Math.Max(wait, 1).ToString(CultureInfo.InvariantCulture);
                return Results.Text("rate_limited", statusCode: 429);
            }

            _lastAccepted = now;
            AcceptedAt.Enqueue(now);
            Messages.Enqueue(body);
        }

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
            var type = block.GetProperty("type").GetString();
            if (type == "section" && block.GetProperty("text").GetProperty("text").GetString()!.Length > 3000)
            {
                return false;
            }

            if (type == "header" && block.GetProperty("text").GetProperty("text").GetString()!.Length > 150)
            {
                return false;
            }
        }

        return true;
    }
}
