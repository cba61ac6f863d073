using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Internal.Http;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>Issues and caches the OAuth2 client-credentials token; renews it before expiry, one renewal at a time.</summary>
internal sealed class NaverTokenProvider : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly NaverChannelOptions _options;
    private readonly ResilientHttpClient _client;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private readonly string _channel;
    private readonly Uri _tokenUri;
    private volatile Token? _current;

    public NaverTokenProvider(string channel, NaverChannelOptions options, Uri baseAddress, ResilientHttpClient client, TimeProvider time, SecretRedactor redactor, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _client = client;
        _time = time;
        _redactor = redactor;
        _logger = logger;
        _tokenUri = EndpointRules.Combine(baseAddress, "v1/oauth2/token");
    }

    /// <summary>Gets how many tokens were issued (for diagnostics and tests).</summary>
    public int IssuedCount { get; private set; }

    /// <summary>Returns a token with more than <see cref="NaverChannelOptions.TokenRenewBefore"/> left, renewing it when needed.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The access token.</returns>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && current.ExpiresAt - _time.GetUtcNow() > _options.TokenRenewBefore)
        {
            return current.Value;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            var now = _time.GetUtcNow();
            if (current is not null && current.ExpiresAt - now > _options.TokenRenewBefore)
            {
                return current.Value;
            }

            try
            {
                var issued = await IssueAsync(cancellationToken).ConfigureAwait(false);
                _current = issued;
                return issued.Value;
            }
            catch (ChannelApiException ex) when (current is not null && current.ExpiresAt > now && ex.Kind != ChannelFailureKind.Unauthorized)
            {
                // The old token still works until it expires: keep going with it rather than failing the call.
                Log.TokenRenewalFailed(_logger, _channel, current.ExpiresAt, ex);
                return current.Value;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops a token the service refused, so the next call issues a new one.</summary>
    /// <param name="token">The refused token.</param>
    public void Invalidate(string token)
    {
        if (_current is { } current && current.Value == token)
        {
            _current = null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task<Token> IssueAsync(CancellationToken cancellationToken)
    {
        const string operation = "POST oauth2/token";
        using var response = await _client.SendAsync(
            operation,
            ct =>
            {
                // A fresh timestamp and signature for every attempt: Naver accepts a timestamp for about 5 minutes.
                var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var sign = NaverSigner.Sign(_options.ClientId, _options.ClientSecret, timestamp);
                _redactor.Add(sign);
                List<KeyValuePair<string, string>> form =
                [
                    new("client_id", _options.ClientId),
                    new("timestamp", timestamp.ToString(CultureInfo.InvariantCulture)),
                    new("grant_type", "client_credentials"),
                    new("client_secret_sign", sign),
                    new("type", _options.TokenType),
                ];
                if (_options.TokenType == "SELLER")
                {
                    form.Add(new("account_id", _options.AccountId!));
                }

                return ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Post, _tokenUri) { Content = new FormUrlEncodedContent(form) });
            },
            RequestPriority.Critical,
            cancellationToken).ConfigureAwait(false);
        TokenResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(NaverJsonContext.Default.TokenResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw _client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
        }

        if (body?.AccessToken is not { Length: > 0 } value || body.ExpiresIn <= 0)
        {
            throw _client.Malformed(operation, "access_token or expires_in is missing", (int)response.StatusCode);
        }

        _redactor.Add(value);
        IssuedCount++;
        var token = new Token(value, _time.GetUtcNow() + TimeSpan.FromSeconds(body.ExpiresIn));
        Log.TokenIssued(_logger, _channel, token.ExpiresAt);
        return token;
    }

    private sealed record Token(string Value, DateTimeOffset ExpiresAt);
}
