using System.Text.Json.Serialization;

namespace Orchestrator.Notifications.Internal;

/// <summary>The text template of the default memo API (https://developers.kakao.com/docs/latest/en/message-template/default).</summary>
internal sealed record KakaoTextTemplate(
    [property: JsonPropertyName("object_type")] string ObjectType,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("link")] KakaoLink Link,
    [property: JsonPropertyName("button_title")] string ButtonTitle);

internal sealed record KakaoLink(
    [property: JsonPropertyName("web_url")] string WebUrl,
    [property: JsonPropertyName("mobile_web_url")] string MobileWebUrl);

/// <summary>The answer of <c>POST /oauth/token</c> with <c>grant_type=refresh_token</c>.</summary>
internal sealed record KakaoTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("token_type")] string? TokenType,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("refresh_token_expires_in")] long? RefreshTokenExpiresIn);

/// <summary>Kakao's API error body: <c>{"msg":"this access token does not exist","code":-401}</c>.</summary>
internal sealed record KakaoApiError(
    [property: JsonPropertyName("msg")] string? Msg,
    [property: JsonPropertyName("code")] int? Code);

/// <summary>Kakao's OAuth error body: <c>{"error":"invalid_grant","error_description":"…","error_code":"KOE322"}</c>.</summary>
internal sealed record KakaoOAuthError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription,
    [property: JsonPropertyName("error_code")] string? ErrorCode);

[JsonSerializable(typeof(KakaoTextTemplate))]
[JsonSerializable(typeof(KakaoTokenResponse))]
[JsonSerializable(typeof(KakaoApiError))]
[JsonSerializable(typeof(KakaoOAuthError))]
internal sealed partial class NotificationsJsonContext : JsonSerializerContext;
