using Microsoft.Extensions.Options;
using Orchestrator.Internal.Http;

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

        // The endpoint rule's message names the scheme and host, never the path: the path is the secret.
        if (options.WebhookUrl is { } url && EndpointRules.Validate(url, nameof(options.WebhookUrl)) is { } error)
        {
            builder.AddError(error, nameof(options.WebhookUrl));
        }

        return builder.Build();
    }

    public ValidateOptionsResult Validate(string? name, KakaoTalkNotifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.ApiBaseUrl is { } api && EndpointRules.Validate(api, nameof(options.ApiBaseUrl)) is { } apiError)
        {
            builder.AddError(apiError, nameof(options.ApiBaseUrl));
        }

        if (options.AuthBaseUrl is { } auth && EndpointRules.Validate(auth, nameof(options.AuthBaseUrl)) is { } authError)
        {
            builder.AddError(authError, nameof(options.AuthBaseUrl));
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
}
