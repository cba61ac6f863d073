using Microsoft.Extensions.Options;

namespace Orchestrator.Notifications.Internal;

[OptionsValidator]
internal sealed partial class SlackNotifierOptionsValidator : IValidateOptions<SlackNotifierOptions>;

[OptionsValidator]
internal sealed partial class KakaoTalkNotifierOptionsValidator : IValidateOptions<KakaoTalkNotifierOptions>;

[OptionsValidator]
internal sealed partial class AlertDispatcherOptionsValidator : IValidateOptions<AlertDispatcherOptions>;

/// <summary>Checks what spans properties or needs more than an attribute: HTTPS endpoints, a sane routing table.</summary>
internal sealed class NotificationsOptionsCustomValidator :
    IValidateOptions<SlackNotifierOptions>,
    IValidateOptions<KakaoTalkNotifierOptions>,
    IValidateOptions<AlertDispatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackNotifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();

        // Never echo the webhook URL: it is the secret.
        if (options.WebhookUrl is { } url && !IsSecureOrLoopback(url))
        {
            builder.AddError("must be an absolute https:// URL (http:// is allowed on loopback only); the value is not shown because it is a secret", nameof(options.WebhookUrl));
        }

        return builder.Build();
    }

    public ValidateOptionsResult Validate(string? name, KakaoTalkNotifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.ApiBaseUrl is { } api && !IsSecureOrLoopback(api))
        {
            builder.AddError($"'{api}' must be an absolute https:// URL (http:// is allowed on loopback only)", nameof(options.ApiBaseUrl));
        }

        if (options.AuthBaseUrl is { } auth && !IsSecureOrLoopback(auth))
        {
            builder.AddError($"'{auth}' must be an absolute https:// URL (http:// is allowed on loopback only)", nameof(options.AuthBaseUrl));
        }

        if (options.LinkUrl is { IsAbsoluteUri: false })
        {
            builder.AddError("must be an absolute URL", nameof(options.LinkUrl));
        }

        return builder.Build();
    }

    public ValidateOptionsResult Validate(string? name, AlertDispatcherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.Routes is null)
        {
            return builder.Build();
        }

        foreach (var duplicate in options.Routes.GroupBy(r => r.Kind).Where(g => g.Count() > 1))
        {
            builder.AddError($"alert kind {duplicate.Key} has {duplicate.Count()} routes; give each kind one route", nameof(options.Routes));
        }

        foreach (var route in options.Routes.Where(r => r.Targets is null || r.Targets.Count == 0 || r.Targets.Any(string.IsNullOrWhiteSpace)))
        {
            builder.AddError($"the route of alert kind {route.Kind} needs at least one target and no blank target", nameof(options.Routes));
        }

        return builder.Build();
    }

    internal static bool IsSecureOrLoopback(Uri url) =>
        url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
