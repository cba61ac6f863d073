using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Sandbox.Kakao;

/// <summary>
/// Simulates Kakao's "send to me" memo API and the token refresh of Kakao Login. The memo endpoint checks the bearer token:
/// an unknown or expired token answers 401 <c>{"msg":"this access token does not exist","code":-401}</c> as Kakao does.
/// <c>POST /oauth/token</c> with <c>grant_type=refresh_token</c> issues a new access token (12 h), or 400 <c>invalid_grant</c>
/// (KOE322) for an unknown refresh token.
/// </summary>
public sealed class KakaoMemoSimulator(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<int> _faults = new();
    private int _issued;

    public string ClientId { get; init; } = "sandbox-rest-api-key";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Gets the <c>template_object</c> JSON of each accepted memo, in order.</summary>
    public ConcurrentQueue<JsonElement> Memos { get; } = new();

    public int Refreshes => _refreshes;

    private int _refreshes;

    public void IssueAccessToken(string token, DateTimeOffset expiresAt) => _accessTokens[token] = expiresAt;

    public void IssueRefreshToken(string token) => _refreshTokens[token] = true;

    public void RevokeAccessToken(string token) => _accessTokens.TryRemove(token, out _);

    public void FailNext(int count, int status)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(status);
        }
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/api/talk/memo/default/send", (Delegate)SendAsync);
        endpoints.MapPost("/oauth/token", (Delegate)RefreshAsync);
    }

    private async Task<IResult> SendAsync(HttpContext context)
    {
        if (_faults.TryDequeue(out var status))
        {
            return Results.Json(new { msg = "internal error", code = -1 }, statusCode: status);
        }

        var auth = context.Request.Headers.Authorization.ToString();
        var token = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : null;
        if (token is null || !_accessTokens.TryGetValue(token, out var expiresAt) || expiresAt <= time.GetUtcNow())
        {
            return Results.Json(new { msg = "this access token does not exist", code = -401 }, statusCode: 401);
        }

        if (!context.Request.HasFormContentType)
        {
            return Results.Json(new { msg = "Content-Type must be application/x-www-form-urlencoded", code = -2 }, statusCode: 400);
        }

        var form = await context.Request.ReadFormAsync();
        var template = form["template_object"].ToString();
        try
        {
            using var doc = JsonDocument.Parse(template);
            var root = doc.RootElement;
            if (root.GetProperty("object_type").GetString() != "text" || root.GetProperty("text").GetString()!.Length > 200 || !root.TryGetProperty("link", out _))
            {
                return Results.Json(new { msg = "template_object is invalid", code = -2 }, statusCode: 400);
            }

            Memos.Enqueue(root.Clone());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException)
        {
            return Results.Json(new { msg = "template_object is invalid", code = -2 }, statusCode: 400);
        }

        return Results.Json(new { result_code = 0 });
    }

    private async Task<IResult> RefreshAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["grant_type"] != "refresh_token" || form["client_id"] != ClientId)
        {
            return Results.Json(new { error = "invalid_client", error_description = "Bad client credentials", error_code = "KOE010" }, statusCode: 401);
        }

        if (!_refreshTokens.ContainsKey(form["refresh_token"].ToString()))
        {
            return Results.Json(new { error = "invalid_grant", error_description = "authorization code not found for code=", error_code = "KOE322" }, statusCode: 400);
        }

        Interlocked.Increment(ref _refreshes);
        var access = "sandbox-access-" + Interlocked.Increment(ref _issued);
        _accessTokens[access] = time.GetUtcNow() + AccessTokenLifetime;
        return Results.Json(new
        {
            access_token = access,
            token_type = "bearer",
            expires_in = (long)AccessTokenLifetime.TotalSeconds,
        });
    }
}
