using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Dashboard;
using Orchestrator.Dashboard.Internal;
using Orchestrator.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Orchestrator dashboard.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dashboard's services: its options (validated at start-up), antiforgery, the replay cache of the event endpoints and,
    /// unless <see cref="DashboardOptions.AuthorizationPolicy"/> names a host policy, the built-in authentication
    /// (<c>X-Api-Key</c> header for API calls, a login page and cookie for browsers).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The same services.</returns>
    /// <remarks>
    /// The pages read the orchestrator's stores (<c>IDiscrepancyLogStore</c>, <c>ISyncRunStore</c>, …) from the container; a store that is
    /// not registered shows as such on the page. Operator actions that run workflows and the event endpoints use
    /// <see cref="Orchestrator.Events.IOrchestratorTriggers"/> and <see cref="Orchestrator.Events.IStockEventSink"/> when registered.
    /// </remarks>
    public static IServiceCollection AddOrchestratorDashboard(this IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var probe = new DashboardOptions();
        configure?.Invoke(probe);

        var optionsBuilder = services.AddOptions<DashboardOptions>().ValidateDataAnnotations().ValidateOnStart()
            .Validate(o => o.EventSigningSecret is null || o.EventSigningSecret.Length >= 32, "DashboardOptions.EventSigningSecret must be at least 32 characters.")
            .Validate(o => o.ApiKeys.All(k => !string.IsNullOrWhiteSpace(k.Key) && k.Value is { Length: >= 16 }), "Every DashboardOptions.ApiKeys entry needs a user name and a key of at least 16 characters.");
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.AddOptions<KpiThresholds>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DashboardRoutes>();
        services.TryAddSingleton<EventReplayCache>();
        services.TryAddSingleton<ApiKeyVerifier>();
        services.AddAntiforgery();
        services.AddProblemDetails();
        services.AddAuthorization();

        if (probe.AuthorizationPolicy is null && !services.Any(d => d.ServiceType == typeof(BuiltInAuthMarker)))
        {
            services.AddSingleton<BuiltInAuthMarker>();
            services.AddAuthentication()
                .AddPolicyScheme(DashboardAuth.Scheme, "Orchestrator dashboard", o => o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.ContainsKey(DashboardAuth.ApiKeyHeader) ? DashboardAuth.ApiKeyScheme : DashboardAuth.CookieScheme)
                .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(DashboardAuth.ApiKeyScheme, null)
                .AddCookie(DashboardAuth.CookieScheme, o =>
                {
                    o.Cookie.Name = ".Orchestrator.Dashboard";
                    o.Cookie.HttpOnly = true;
                    o.Cookie.SameSite = SameSiteMode.Strict;
                    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.ExpireTimeSpan = probe.LoginLifetime;
                    o.SlidingExpiration = true;
                    o.Events.OnRedirectToLogin = ctx =>
                    {
                        if (DashboardAuth.IsBrowserNavigation(ctx.Request))
                        {
                            var routes = ctx.HttpContext.RequestServices.GetRequiredService<DashboardRoutes>();
                            var returnUrl = ctx.Request.PathBase + ctx.Request.Path + ctx.Request.QueryString;
                            ctx.Response.Redirect(routes.LoginPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
                        }
                        else
                        {
                            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        }

                        return Task.CompletedTask;
                    };
                    o.Events.OnRedirectToAccessDenied = ctx =>
                    {
                        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                        return Task.CompletedTask;
                    };
                });
            services.AddAuthorizationBuilder().AddPolicy(DashboardAuth.Policy, p => p.AddAuthenticationSchemes(DashboardAuth.Scheme).RequireAuthenticatedUser());
        }

        return services;
    }

    private sealed class BuiltInAuthMarker;
}
