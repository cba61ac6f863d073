using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Sandbox.Faults;

namespace Orchestrator.Sandbox.Kakao;

/// <summary>
/// Simulates Kakao's "send to me" memo API (<c>POST /v2/api/talk/memo/default/send</c>) and Kakao Login's token refresh
/// (<c>POST /oauth/token</c>, <c>grant_type=refresh_token</c>). The memo endpoint checks the bearer token: an unknown, revoked
/// or expired one answers 401 <c>{"msg":"this access token does not exist","code":-401}</c> as Kakao does; an unknown refresh
/// token answers 400 <c>invalid_grant</c> (<c>KOE322</c>).
/// </summary>
public sealed class KakaoSandbox
{
    private readonly KakaoSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<JsonElement> _memos = new();
    private int _issued;
    private int _refreshes;

    internal KakaoSandbox(KakaoSandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>Gets the base address of the API (<c>ApiBaseUrl</c> of the notifier).</summary>
    public Uri ApiBaseAddress { get; private set; } = null!;

    /// <summary>Gets the base address of the OAuth server (<c>AuthBaseUrl</c> of the notifier).</summary>
    public Uri AuthBaseAddress { get; private set; } = null!;

    /// <summary>Gets the accepted REST API key.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>Gets the fault script of the memo endpoint.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the <c>template_object</c> of each accepted memo, in order.</summary>
    public IReadOnlyList<JsonElement> Memos => [.. _memos];

    /// <summary>Gets how many tokens were refreshed.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Makes an access token valid until <paramref name="expiresAt"/>.</summary>
    /// <param name="token">The token.</param>
    /// <param name="expiresAt">When it expires, on the sandbox's clock.</param>
    public void IssueAccessToken(string token, DateTimeOffset expiresAt) => _accessTokens[token] = expiresAt;

    /// <summary>Makes a refresh token valid.</summary>
    /// <param name="token">The token.</param>
    public void IssueRefreshToken(string token) => _refreshTokens[token] = true;

    /// <summary>Revokes an access token (the user unlinked the app, or Kakao expired it early).</summary>
    /// <param name="token">The token.</param>
    public void RevokeAccessToken(string token) => _accessTokens.TryRemove(token, out _);

    internal void SetBaseAddress(Uri root)
    {
        ApiBaseAddress = new Uri(root, "kakao/");
        AuthBaseAddress = new Uri(root, "kakao-auth/");
    }

    internal void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/kakao");
        api.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, Error, "{\"result_code\""));
        api.MapPost("/v2/api/talk/memo/default/send", (Func<HttpContext, Task<IResult>>)SendAsync);
        app.MapPost("/kakao-auth/oauth/token", (Func<HttpContext, Task<IResult>>)RefreshAsync);
    }

    private static IResult Error(int status, string message, TimeSpan? retryAfter) =>
        Results.Json(new { msg = message, code = status == 429 ? -10 : -1 }, statusCode: status);

    private async Task<IResult> SendAsync(HttpContext context)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null;
        if (token is null || !_accessTokens.TryGetValue(token, out var expiresAt) || expiresAt <= _time.GetUtcNow())
        {
            return Results.Json(new { msg = "this access token does not exist", code = -401 }, statusCode: 401);
        }

        if (!context.Request.HasFormContentType)
        {
            return Results.Json(new { msg = "Content-Type must be application/x-www-form-urlencoded", code = -2 }, statusCode: 400);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(form["template_object"].ToString());
            var root = doc.RootElement;
            if (root.GetProperty("object_type").GetString() != "text"
                || root.GetProperty("text").GetString() is not { Length: > 0 and <= 200 }
                || root.GetProperty("link").ValueKind != JsonValueKind.Object)
            {
                return Results.Json(new { msg = "template_object is invalid", code = -2 }, statusCode: 400);
            }

            _memos.Enqueue(root.Clone());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Results.Json(new { msg = "template_object is invalid", code = -2 }, statusCode: 400);
        }

        return Results.Json(new { result_code = 0 });
    }

    private async Task<IResult> RefreshAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["grant_type"] != "refresh_token" || form["client_id"] != _options.ClientId)
        {
            return Results.Json(new { error = "invalid_client", error_description = "Bad client credentials", error_code = "KOE010" }, statusCode: 401);
        }

        if (!_refreshTokens.ContainsKey(form["refresh_token"].ToString()))
        {
            return Results.Json(new { error = "invalid_grant", error_description = "refresh token not found", error_code = "KOE322" }, statusCode: 400);
        }

        Interlocked.Increment(ref _refreshes);
        var access = "sandbox-kakao-access-" + Interlocked.Increment(ref _issued).ToString(CultureInfo.InvariantCulture);
        _accessTokens[access] = _time.GetUtcNow() + _options.AccessTokenLifetime;
        return Results.Json(new { access_token = access, token_type = "bearer", expires_in = (long)_options.AccessTokenLifetime.TotalSeconds });
    }
}
