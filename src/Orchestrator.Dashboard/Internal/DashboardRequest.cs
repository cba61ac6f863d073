using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Diagnostics;

namespace Orchestrator.Dashboard.Internal;

/// <summary>What a dashboard handler needs about the current request.</summary>
internal sealed class DashboardRequest
{
    private AntiforgeryTokenSet? _tokens;

    public DashboardRequest(HttpContext http)
    {
        Http = http;
        var services = http.RequestServices;
        Options = services.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue;
        Thresholds = services.GetRequiredService<IOptionsMonitor<KpiThresholds>>().CurrentValue;
        Time = services.GetRequiredService<TimeProvider>();
        Routes = services.GetRequiredService<DashboardRoutes>();
        Logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orchestrator.Dashboard");
    }

    public HttpContext Http { get; }

    public DashboardOptions Options { get; }

    public KpiThresholds Thresholds { get; }

    public TimeProvider Time { get; }

    public DashboardRoutes Routes { get; }

    public ILogger Logger { get; }

    public IServiceProvider Services => Http.RequestServices;

    /// <summary>The dashboard's base path as the browser sees it (path base + prefix).</summary>
    public string Base => Http.Request.PathBase + Routes.Prefix;

    public string? User => Http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;

    public bool UsesBuiltInLogin => Options.AuthorizationPolicy is null;

    /// <summary>Whether the caller is an API client (API key, or asks for JSON) rather than a browser form.</summary>
    public bool WantsJson
        => Http.User.Identity?.AuthenticationType == DashboardAuth.ApiKeyScheme
            || Http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The hidden antiforgery field of a form.</summary>
    public Markup AntiforgeryField()
    {
        _tokens ??= Services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Http);
        return new Markup($"<input type=\"hidden\" name=\"{HtmlWriter.Encode(_tokens.FormFieldName)}\" value=\"{HtmlWriter.Encode(_tokens.RequestToken)}\">");
    }

    /// <summary>Validates the antiforgery token of a form post; API-key calls carry no cookie, so they need none.</summary>
    public async Task<bool> ValidateFormAsync()
    {
        if (Http.User.Identity?.AuthenticationType == DashboardAuth.ApiKeyScheme)
        {
            return true;
        }

        try
        {
            await Services.GetRequiredService<IAntiforgery>().ValidateRequestAsync(Http).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            Log.AntiforgeryRefused(Logger, User ?? "anonymous");
            return false;
        }
    }

    /// <summary>A return URL from a form, kept only when it points inside the dashboard.</summary>
    public string SafeReturnUrl(string? returnUrl)
    {
        if (!string.IsNullOrEmpty(returnUrl)
            && returnUrl.StartsWith(Base, StringComparison.Ordinal)
            && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.Contains('\\', StringComparison.Ordinal)
            && (returnUrl.Length == Base.Length || returnUrl[Base.Length] is '/' or '?' or '.'))
        {
            return returnUrl;
        }

        return Base + "/";
    }
}
