namespace Orchestrator.Notifications;

/// <summary>
/// Keeps the Kakao Login tokens of the account that receives KakaoTalk alerts. The notifier reads them before sending and
/// saves them after each refresh (Kakao may rotate the refresh token).
/// </summary>
/// <remarks>Implementations must be thread-safe. Keep the tokens in a secret store; they grant the <c>talk_message</c> scope.</remarks>
public interface IKakaoTokenStore
{
    /// <summary>Reads the current tokens.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tokens, or <see langword="null"/> when none were stored (the notifier then reports every alert as failed).</returns>
    ValueTask<KakaoTokens?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Saves tokens obtained by a refresh.</summary>
    /// <param name="tokens">The new tokens.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the tokens are saved.</returns>
    ValueTask SaveAsync(KakaoTokens tokens, CancellationToken cancellationToken);
}

/// <summary>Represents Kakao Login tokens. <see cref="ToString"/> never shows them.</summary>
/// <param name="AccessToken">The user access token. Secret.</param>
/// <param name="RefreshToken">The refresh token. Secret.</param>
/// <param name="AccessTokenExpiresAt">When the access token expires, when known.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token expires, when known.</param>
public sealed record KakaoTokens(string AccessToken, string RefreshToken, DateTimeOffset? AccessTokenExpiresAt = null, DateTimeOffset? RefreshTokenExpiresAt = null)
{
    /// <summary>Returns a description without the tokens.</summary>
    /// <returns>The expiry times only.</returns>
    public override string ToString() => $"KakaoTokens {{ AccessTokenExpiresAt = {AccessTokenExpiresAt:O}, RefreshTokenExpiresAt = {RefreshTokenExpiresAt:O} }}";
}

/// <summary>Keeps Kakao tokens in memory: for tests, the sandbox, and hosts that seed the tokens at start.</summary>
/// <param name="initial">The tokens to start with.</param>
public sealed class InMemoryKakaoTokenStore(KakaoTokens? initial = null) : IKakaoTokenStore
{
    private KakaoTokens? _tokens = initial;

    /// <inheritdoc />
    public ValueTask<KakaoTokens?> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Volatile.Read(ref _tokens));

    /// <inheritdoc />
    public ValueTask SaveAsync(KakaoTokens tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Volatile.Write(ref _tokens, tokens);
        return ValueTask.CompletedTask;
    }
}
