using System.ComponentModel.DataAnnotations;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications;

/// <summary>
/// Configures the KakaoTalk "send to me" (나에게 보내기) notifier: <c>POST /v2/api/talk/memo/default/send</c> with a text
/// <c>template_object</c>, authenticated with a Kakao Login user access token kept in an <see cref="IKakaoTokenStore"/>.
/// </summary>
/// <remarks>The message reaches only the KakaoTalk account that granted the token (for example the CEO's phone).</remarks>
public sealed class KakaoTalkNotifierOptions
{
    /// <summary>Gets or sets the base address of the Kakao API.</summary>
    /// <value>Default <c>https://kapi.kakao.com</c>. HTTPS, except on loopback (the sandbox).</value>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://kapi.kakao.com");

    /// <summary>Gets or sets the base address of Kakao's OAuth server, used to refresh the access token.</summary>
    /// <value>Default <c>https://kauth.kakao.com</c>. HTTPS, except on loopback (the sandbox).</value>
    [Required]
    public Uri AuthBaseUrl { get; set; } = new("https://kauth.kakao.com");

    /// <summary>Gets or sets the app's REST API key (<c>client_id</c>), used to refresh the access token.</summary>
    /// <value>Required.</value>
    [Required]
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the app's client secret, when the app has client-secret checking on. Secret.</summary>
    /// <value>Default none.</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the link of the message (<c>link.web_url</c> and <c>link.mobile_web_url</c>); Kakao requires one and
    /// only opens domains registered for the app.</summary>
    /// <value>Required.</value>
    [Required]
    public Uri? LinkUrl { get; set; }

    /// <summary>Gets or sets the button title of the message.</summary>
    /// <value>Default <c>확인하기</c>; at most 14 characters.</value>
    [Required]
    [StringLength(14, MinimumLength = 1)]
    public string ButtonTitle { get; set; } = "확인하기";

    /// <summary>Gets or sets the least time between two messages.</summary>
    /// <value>Default 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how many times a message is retried after a 429, a 5xx, a timeout or a connection failure.</summary>
    /// <value>Default 3; 0 to 10.</value>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay when Kakao gives no <c>Retry-After</c>; it doubles on each retry.</summary>
    /// <value>Default 1 second; 0 to 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how long one attempt may take.</summary>
    /// <value>Default 10 seconds; 1 second to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long before its expiry an access token is refreshed.</summary>
    /// <value>Default 5 minutes; 0 to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);
}
