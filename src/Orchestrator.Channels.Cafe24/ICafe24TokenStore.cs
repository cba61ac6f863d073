namespace Orchestrator.Channels.Cafe24;

/// <summary>Holds the OAuth tokens of a Cafe24 mall.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="AccessTokenExpiresAt">When the access token expires.</param>
/// <param name="RefreshToken">The refresh token; each refresh issues a new one and invalidates this one.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token expires (2 weeks after issue).</param>
public sealed record Cafe24TokenSet(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt)
{
    /// <inheritdoc />
    public override string ToString() => $"Cafe24TokenSet {{ AccessTokenExpiresAt = {AccessTokenExpiresAt:u}, RefreshTokenExpiresAt = {RefreshTokenExpiresAt:u} }}";
}

/// <summary>Persists the tokens of Cafe24 malls durably.</summary>
/// <remarks>
/// <para>Cafe24 rotates the refresh token on every refresh and invalidates the old one, so a rotated token that is lost means
/// the merchant must authorize the app again. The adapter saves the new set here, and only then uses the new access token.</para>
/// <para>Seed the store once with the tokens of the authorization-code exchange. Implementations must be safe for concurrent use
/// and must make <see cref="SaveAsync"/> durable before it completes.</para>
/// </remarks>
public interface ICafe24TokenStore
{
    /// <summary>Loads the tokens of a mall.</summary>
    /// <param name="mallId">The mall id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tokens, or <see langword="null"/> when the mall has none (the app was never authorized).</returns>
    ValueTask<Cafe24TokenSet?> LoadAsync(string mallId, CancellationToken cancellationToken);

    /// <summary>Saves the tokens of a mall durably, replacing the previous ones.</summary>
    /// <param name="mallId">The mall id.</param>
    /// <param name="tokens">The tokens.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the tokens are durable.</returns>
    ValueTask SaveAsync(string mallId, Cafe24TokenSet tokens, CancellationToken cancellationToken);
}
