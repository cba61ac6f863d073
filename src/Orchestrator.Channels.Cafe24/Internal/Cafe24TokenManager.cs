using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Internal.Http;

namespace Orchestrator.Channels.Cafe24.Internal;

/// <summary>Keeps a mall's access token fresh; rotates the refresh token and persists the new pair before the new access token is used.</summary>
internal sealed class Cafe24TokenManager : IDisposable
{
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _channel;
    private readonly Cafe24ChannelOptions _options;
    private readonly ICafe24TokenStore _store;
    private readonly ResilientHttpClient _client;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private readonly Uri _tokenUri;
    private Cafe24TokenSet? _current;
    private Cafe24TokenSet? _pendingSave;

    public Cafe24TokenManager(string channel, Cafe24ChannelOptions options, Uri baseAddress, ICafe24TokenStore store, ResilientHttpClient client, TimeProvider time, SecretRedactor redactor, ILogger logger)
    {
        _channel = channel;
        _options = options;
        _store = store;
        _client = client;
        _time = time;
        _redactor = redactor;
        _logger = logger;
        _tokenUri = EndpointRules.Combine(baseAddress, "api/v2/oauth/token");
    }

    /// <summary>Gets how many refreshes succeeded (for diagnostics and tests).</summary>
    public int RefreshCount { get; private set; }

    /// <summary>Returns an access token with more than <see cref="Cafe24ChannelOptions.TokenRefreshBefore"/> left.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The access token.</returns>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && Volatile.Read(ref _pendingSave) is null && current.AccessTokenExpiresAt - _time.GetUtcNow() > _options.TokenRefreshBefore)
        {
            return current.AccessToken;
        }

        return await RefreshIfNeededAsync(null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refreshes after the service refused <paramref name="refused"/> (401), unless another call already did.</summary>
    /// <param name="refused">The access token that was refused.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new access token.</returns>
    public ValueTask<string> RefreshAfterRefusalAsync(string refused, CancellationToken cancellationToken) => RefreshIfNeededAsync(refused, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async ValueTask<string> RefreshIfNeededAsync(string? refused, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_pendingSave is { } pending)
            {
                // A rotated pair exists only in memory: it must be durable before its access token is used.
                await SaveAsync(pending, cancellationToken).ConfigureAwait(false);
            }

            _current ??= await _store.LoadAsync(_options.MallId, cancellationToken).ConfigureAwait(false)
                ?? throw new ChannelApiException(_channel, ChannelFailureKind.Unauthorized, $"Cafe24 channel '{_channel}': the token store has no tokens for mall '{_options.MallId}'; authorize the app and save the first token set in the store.");
            _redactor.Add(_current.AccessToken);
            _redactor.Add(_current.RefreshToken);
            var now = _time.GetUtcNow();
            var stale = refused is not null ? _current.AccessToken == refused : _current.AccessTokenExpiresAt - now <= _options.TokenRefreshBefore;
            if (!stale)
            {
                return _current.AccessToken;
            }

            if (_current.RefreshTokenExpiresAt <= now)
            {
                throw new ChannelApiException(_channel, ChannelFailureKind.Unauthorized, $"Cafe24 channel '{_channel}': the refresh token expired at {_current.RefreshTokenExpiresAt:u}; the merchant must authorize the app again.");
            }

            Cafe24TokenSet rotated;
            try
            {
                rotated = await RequestAsync(_current.RefreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelApiException ex) when (ex.StatusCode == 400)
            {
                // invalid_grant: another instance may have rotated the token; take what the store has now, once.
                var stored = await _store.LoadAsync(_options.MallId, cancellationToken).ConfigureAwait(false);
                if (stored is null || stored.RefreshToken == _current.RefreshToken)
                {
                    throw new ChannelApiException(_channel, ChannelFailureKind.Unauthorized, $"Cafe24 channel '{_channel}': the refresh token was refused ({ex.Message}); the merchant may have to authorize the app again.", 400, ex);
                }

                _current = stored;
                if (stored.AccessTokenExpiresAt - now > _options.TokenRefreshBefore && stored.AccessToken != refused)
                {
                    return stored.AccessToken;
                }

                rotated = await RequestAsync(stored.RefreshToken, cancellationToken).ConfigureAwait(false);
            }

            _redactor.Add(rotated.AccessToken);
            _redactor.Add(rotated.RefreshToken);
            _pendingSave = rotated;
            await SaveAsync(rotated, cancellationToken).ConfigureAwait(false);
            RefreshCount++;
            Log.TokensRefreshed(_logger, _channel, rotated.AccessTokenExpiresAt, rotated.RefreshTokenExpiresAt);
            return rotated.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task SaveAsync(Cafe24TokenSet tokens, CancellationToken cancellationToken)
    {
        try
        {
            await _store.SaveAsync(_options.MallId, tokens, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.TokenSaveFailed(_logger, _channel, ex);
            throw new ChannelApiException(
                _channel,
                ChannelFailureKind.Unavailable,
                $"Cafe24 channel '{_channel}': the rotated tokens of mall '{_options.MallId}' could not be saved; the call was not made. Saving is retried on the next call.",
                null,
                new TokenPersistenceException(ex));
        }

        _current = tokens;
        _pendingSave = null;
    }

    private async Task<Cafe24TokenSet> RequestAsync(string refreshToken, CancellationToken cancellationToken)
    {
        const string operation = "POST oauth/token (refresh)";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(_options.ClientId + ":" + _options.ClientSecret));
        _redactor.Add(basic);
        using var response = await _client.SendAsync(
            operation,
            ct =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, _tokenUri)
                {
                    Content = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)]),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
                return ValueTask.FromResult(request);
            },
            RequestPriority.Critical,
            cancellationToken).ConfigureAwait(false);
        TokenResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync(Cafe24JsonContext.Default.TokenResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw _client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
        }

        if (body is not { AccessToken.Length: > 0, RefreshToken.Length: > 0 }
            || !TryParse(body.ExpiresAt, out var expiresAt)
            || !TryParse(body.RefreshTokenExpiresAt, out var refreshExpiresAt))
        {
            throw _client.Malformed(operation, "access_token, refresh_token or their expiry is missing", (int)response.StatusCode);
        }

        return new Cafe24TokenSet(body.AccessToken, expiresAt, body.RefreshToken, refreshExpiresAt);
    }

    private static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        // Cafe24 writes these without an offset (2021-07-31T20:00:21.000); they are taken as KST.
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            value = parsed.Kind == DateTimeKind.Unspecified
                ? new DateTimeOffset(parsed, Kst)
                : new DateTimeOffset(parsed.ToUniversalTime(), TimeSpan.Zero);
            return true;
        }

        return false;
    }
}

/// <summary>Marks a call that was not made because rotated tokens could not be saved (the cause is the inner exception).</summary>
internal sealed class TokenPersistenceException : Exception
{
    public TokenPersistenceException()
    {
    }

    public TokenPersistenceException(string message)
        : base(message)
    {
    }

    public TokenPersistenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TokenPersistenceException(Exception innerException)
        : base("The token store failed to save the rotated tokens.", innerException)
    {
    }
}
