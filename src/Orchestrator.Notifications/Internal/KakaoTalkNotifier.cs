using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Internal;

/// <summary>
/// Sends alerts to the KakaoTalk "나와의 채팅" of the token's owner through the default memo API, one short text message per
/// kind (Kakao's text template holds 200 characters). Refreshes the access token before it expires and once after a 401.
/// </summary>
internal sealed class KakaoTalkNotifier : INotifier, IDisposable
{
    /// <summary>The text template's limit (https://developers.kakao.com/docs/latest/en/message-template/default).</summary>
    public const int MaxTextChars = 200;

    private readonly Func<HttpClient> _http;
    private readonly string _target;
    private readonly KakaoTalkNotifierOptions _options;
    private readonly IKakaoTokenStore _tokens;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NotifierHttp _client;
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Uri _sendUrl;
    private readonly Uri _tokenUrl;

    public KakaoTalkNotifier(string target, Func<HttpClient> http, KakaoTalkNotifierOptions options, IKakaoTokenStore tokens, TimeProvider time, ILogger<KakaoTalkNotifier> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(http);
        _target = target;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokens);
        _http = http;
        _options = options;
        _tokens = tokens;
        _time = time;
        _logger = logger;
        _client = new NotifierHttp(target, http, time, logger, options.MinInterval, options.MaxRetries, options.RetryDelay, TimeSpan.FromMinutes(1), options.AttemptTimeout);
        _client.Redactor.Add(options.ClientSecret);
        _sendUrl = new Uri(WithSlash(options.ApiBaseUrl), "v2/api/talk/memo/default/send");
        _tokenUrl = new Uri(WithSlash(options.AuthBaseUrl), "oauth/token");
    }

    public string Target => _target;

    public void Dispose()
    {
        _client.Dispose();
        _refreshing.Dispose();
    }

    public async Task<NotificationResult> SendAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return new NotificationResult(0, 0, 0);
        }

        var groups = alerts.GroupBy(a => (a.Severity, a.Kind)).OrderByDescending(g => g.Key.Severity).ThenBy(g => g.Key.Kind).ToList();
        int delivered = 0, failed = 0, sent = 0;
        string? error = null;
        foreach (var group in groups)
        {
            var items = group.ToList();
            var text = Compose(group.Key.Severity, group.Key.Kind, items);
            var failure = await SendTextAsync(text, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                delivered += items.Count;
                sent++;
                Log.MessageSent(_logger, Target, sent, groups.Count, items.Count);
            }
            else
            {
                failed += items.Count;
                error = failure;
                Log.MessageFailed(_logger, Target, items.Count, failure);
            }
        }

        return new NotificationResult(delivered, failed, sent, error);
    }

    /// <summary>Writes one message of at most 200 characters: a heading, then as many alerts as fit, then how many more.</summary>
    internal static string Compose(AlertSeverity severity, AlertKind kind, List<Alert> items)
    {
        var head = $"[{AlertText.SeverityLabel(severity)}] {AlertText.KindLabel(kind)} {AlertText.Count(items.Count)}건";
        var sb = new StringBuilder(head, MaxTextChars + 32);
        for (var i = 0; i < items.Count; i++)
        {
            var alert = items[i];
            var line = "\n• " + (alert.SkuCode is { } sku ? $"{sku}: {alert.Title}" : alert.Title);
            var rest = items.Count - i - 1;
            var tail = rest > 0 ? $"\n… 외 {AlertText.Count(rest)}건" : string.Empty;
            var moreIfCut = $"\n… 외 {AlertText.Count(items.Count - i)}건";
            if (sb.Length + line.Length + tail.Length > MaxTextChars)
            {
                if (sb.Length + moreIfCut.Length <= MaxTextChars)
                {
                    sb.Append(moreIfCut);
                }

                break;
            }

            sb.Append(line);
        }

        return AlertText.Truncate(sb.ToString(), MaxTextChars);
    }

    /// <summary>Sends one text; returns <see langword="null"/> on success, or why it failed.</summary>
    private async Task<string?> SendTextAsync(string text, CancellationToken cancellationToken)
    {
        var tokens = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
        if (tokens is null)
        {
            return "no Kakao tokens are stored";
        }

        try
        {
            if (tokens.AccessTokenExpiresAt is { } expiresAt && expiresAt - _options.RefreshBeforeExpiry <= _time.GetUtcNow())
            {
                tokens = await RefreshAsync(tokens, cancellationToken).ConfigureAwait(false);
                if (tokens is null)
                {
                    return "the Kakao access token expired and could not be refreshed";
                }
            }

            var body = JsonSerializer.Serialize(
                new KakaoTextTemplate("text", text, new KakaoLink(_options.LinkUrl!.AbsoluteUri, _options.LinkUrl.AbsoluteUri), _options.ButtonTitle),
                NotificationsJsonContext.Default.KakaoTextTemplate);
            for (var attempt = 0; ; attempt++)
            {
                var accessToken = tokens.AccessToken;
                _client.Redactor.Add(accessToken);
                using var response = await _client.SendAsync("send a KakaoTalk memo", () => CreateSend(body, accessToken), cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return null;
                }

                var error = await ReadApiErrorAsync(response, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
                {
                    // -401: the token expired early or was revoked; refresh once and send again.
                    tokens = await RefreshAsync(tokens, cancellationToken).ConfigureAwait(false);
                    if (tokens is null)
                    {
                        return $"Kakao refused the access token ({error}) and it could not be refreshed";
                    }

                    continue;
                }

                return $"Kakao answered {(int)response.StatusCode} {error}";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (NotifierDeliveryException e)
        {
            return e.Message;
        }
    }

    private async Task<KakaoTokens?> RefreshAsync(KakaoTokens stale, CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another send may have refreshed while this one waited.
            var current = await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            if (current is not null && current.AccessToken != stale.AccessToken)
            {
                return current;
            }

            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("client_id", _options.ClientId!),
                new("refresh_token", stale.RefreshToken),
            };
            if (!string.IsNullOrEmpty(_options.ClientSecret))
            {
                form.Add(new("client_secret", _options.ClientSecret));
            }

            _client.Redactor.Add(stale.RefreshToken);
            using var response = await _client.SendAsync("refresh the Kakao access token", () => CreateForm(_tokenUrl, form, null), cancellationToken).ConfigureAwait(false);
            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var oauth = TryRead(json, NotificationsJsonContext.Default.KakaoOAuthError);
                var reason = $"{(int)response.StatusCode} {oauth?.Error} {oauth?.ErrorCode}".TrimEnd();
                Log.TokenRefreshFailed(_logger, Target, reason);
                return null;
            }

            var answer = TryRead(json, NotificationsJsonContext.Default.KakaoTokenResponse);
            if (answer?.AccessToken is not { Length: > 0 } accessToken)
            {
                Log.TokenRefreshFailed(_logger, Target, "the token response has no access_token");
                return null;
            }

            var now = _time.GetUtcNow();
            var renewed = new KakaoTokens(
                accessToken,
                answer.RefreshToken is { Length: > 0 } rotated ? rotated : stale.RefreshToken,
                answer.ExpiresIn is { } seconds ? now.AddSeconds(seconds) : null,
                answer.RefreshTokenExpiresIn is { } refreshSeconds ? now.AddSeconds(refreshSeconds) : stale.RefreshTokenExpiresAt);
            _client.Redactor.Add(renewed.AccessToken);
            _client.Redactor.Add(renewed.RefreshToken);
            await _tokens.SaveAsync(renewed, cancellationToken).ConfigureAwait(false);
            Log.TokenRefreshed(_logger, Target, renewed.AccessTokenExpiresAt);
            return renewed;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private HttpRequestMessage CreateSend(string templateJson, string accessToken) =>
        CreateForm(_sendUrl, [new("template_object", templateJson)], accessToken);

    private static HttpRequestMessage CreateForm(Uri url, IEnumerable<KeyValuePair<string, string>> fields, string? accessToken)
    {
        var content = new FormUrlEncodedContent(fields);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return request;
    }

    private static async Task<string> ReadApiErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var error = TryRead(json, NotificationsJsonContext.Default.KakaoApiError);
        return error?.Code is { } code
            ? $"code {code.ToString(CultureInfo.InvariantCulture)} {AlertText.Truncate(error.Msg ?? string.Empty, 100)}".TrimEnd()
            : "(no Kakao error body)";
    }

    private static T? TryRead<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Keeps a base path (a proxy or the sandbox's <c>/kakao/</c>) when relative paths are appended.</summary>
    private static Uri WithSlash(Uri baseUrl) => baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
