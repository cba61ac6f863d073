namespace Orchestrator.Sandbox.Kakao;

/// <summary>Configures the Kakao "send to me" and token-refresh simulator.</summary>
public sealed class KakaoSandboxOptions
{
    /// <summary>Gets or sets the REST API key (<c>client_id</c>) the token endpoint accepts.</summary>
    public string ClientId { get; set; } = "sandbox-kakao-rest-api-key";

    /// <summary>Gets or sets the lifetime of access tokens the simulator issues.</summary>
    /// <value>Defaults to 12 hours (Kakao's real lifetimes are not confirmed; the notifier reads <c>expires_in</c>).</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
