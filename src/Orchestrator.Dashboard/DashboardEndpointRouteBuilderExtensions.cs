using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orchestrator.Dashboard;
using Orchestrator.Dashboard.Internal;
using Orchestrator.Events;
using Orchestrator.Storage;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Orchestrator dashboard.</summary>
public static class DashboardEndpointRouteBuilderExtensions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/>: the consistency overview (<c>/</c>), the discrepancy report (<c>/discrepancies</c>,
    /// <c>/discrepancies.csv</c>), sync run details (<c>/runs/{runId}</c>), the live figures (<c>/api/overview</c>), operator actions (POST)
    /// and the stock event endpoints (<c>/events/order.completed</c>, <c>/events/inventory.received</c>, <c>/events/inventory.manual_adjust</c>).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <param name="prefix">The path the dashboard lives under, starting with <c>/</c>; default <c>/orchestrator</c>.</param>
    /// <returns>The group of the authenticated routes (pages, live figures, actions), for more conventions such as rate limiting.
    /// The event endpoints (authenticated by their signature) and the login page are outside it.</returns>
    /// <remarks>Call <see cref="DashboardServiceCollectionExtensions.AddOrchestratorDashboard"/> first. Map the dashboard once per application.</remarks>
    /// <exception cref="ArgumentException">The prefix does not start with <c>/</c> or ends with <c>/</c>.</exception>
    /// <exception cref="InvalidOperationException">AddOrchestratorDashboard was not called.</exception>
    public static RouteGroupBuilder MapOrchestratorDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/orchestrator")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.StartsWith('/') || prefix.EndsWith('/') || prefix.Contains("//", StringComparison.Ordinal))
        {
            throw new ArgumentException("The prefix must start with '/' and not end with '/', for example /orchestrator.", nameof(prefix));
        }

        var routes = endpoints.ServiceProvider.GetService<DashboardRoutes>()
            ?? throw new InvalidOperationException("Call services.AddOrchestratorDashboard(...) before MapOrchestratorDashboard().");
        routes.Prefix = prefix;
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<DashboardOptions>>().Value;

        var root = endpoints.MapGroup(prefix);
        root.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return await next(context).ConfigureAwait(false);
        });

        foreach (var (name, type) in EventEndpoints.Routes)
        {
            root.MapPost("/events/" + name, (Delegate)((HttpContext ctx) => EventEndpoints.HandleAsync(ctx, name, type))).AllowAnonymous().WithName("OrchestratorEvent:" + name);
        }

        var app = root.MapGroup(string.Empty);
        if (options.AuthorizationPolicy is { } policy)
        {
            app.RequireAuthorization(policy);
        }
        else
        {
            root.MapGet("/login", (Delegate)LoginPage).AllowAnonymous();
            root.MapPost("/login", (Delegate)LoginAsync).AllowAnonymous();
            app.RequireAuthorization(DashboardAuth.Policy);
            app.MapPost("/logout", (Delegate)LogoutAsync);
        }

        app.MapGet("/assets/dashboard.css", () => Results.Text(Assets.Css, "text/css; charset=utf-8"));
        app.MapGet("/assets/dashboard.js", () => Results.Text(Assets.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/", (Delegate)OverviewAsync);
        app.MapGet("/api/overview", (Delegate)OverviewJsonAsync);
        app.MapGet("/discrepancies", (Delegate)ReportAsync);
        app.MapGet("/discrepancies.csv", (Delegate)CsvAsync);
        app.MapGet("/runs/{runId}", (Delegate)RunAsync);
        app.MapPost("/discrepancies/{id:long}/resolve", (Delegate)ResolveAsync);
        app.MapPost("/tasks/{id:long}/count", (Delegate)CountAsync);
        app.MapPost("/pauses/resume", (Delegate)ResumeAsync);
        app.MapPost("/sync", (Delegate)TriggerSyncAsync);
        return app;
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK)
        => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult LoginPage(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        ctx.Response.Headers.CacheControl = "no-store";
        return Html(Pages.Login(r, r.SafeReturnUrl(ctx.Request.Query["returnUrl"]), failed: false));
    }

    private static async Task<IResult> LoginAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        if (!ctx.Request.HasFormContentType || !await r.ValidateFormAsync().ConfigureAwait(false))
        {
            return Results.Problem("The login form was not valid; reload the page and try again.", statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        var returnUrl = r.SafeReturnUrl(form["returnUrl"]);
        var user = ctx.RequestServices.GetRequiredService<ApiKeyVerifier>().FindUser(form["apiKey"].ToString());
        if (user is null)
        {
            Log.LoginRefused(r.Logger, ctx.Connection.RemoteIpAddress?.ToString());
            return Html(Pages.Login(r, returnUrl, failed: true), StatusCodes.Status401Unauthorized);
        }

        await ctx.SignInAsync(DashboardAuth.CookieScheme, DashboardAuth.Principal(user, DashboardAuth.LoginIdentityType)).ConfigureAwait(false);
        Log.LoggedIn(r.Logger, user);
        return SeeOther(ctx, returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        if (!await r.ValidateFormAsync().ConfigureAwait(false))
        {
            return Results.Problem("The form was not valid.", statusCode: StatusCodes.Status400BadRequest);
        }

        await ctx.SignOutAsync(DashboardAuth.CookieScheme).ConfigureAwait(false);
        return SeeOther(ctx, r.Routes.LoginPath);
    }

    private static async Task<IResult> OverviewAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        var model = await OverviewModel.LoadAsync(ctx.RequestServices, r.Options, r.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false);
        return Html(Pages.Overview(r, model));
    }

    private static async Task<IResult> OverviewJsonAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        var m = await OverviewModel.LoadAsync(ctx.RequestServices, r.Options, r.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false);
        ctx.Response.Headers.CacheControl = "no-store";
        return Results.Json(
            new
            {
                generatedAt = m.GeneratedAt,
                firstDay = m.FirstDay,
                lastDay = m.LastDay,
                discrepancies = m.Warehouses?.Select(w => new { warehouseId = w.WarehouseId, byType = w.ByType, total = w.Total }),
                channelRun = m.ChannelRun?.RunId,
                channels = m.ChannelCounts,
                runs = m.Runs?.Select(run => new { run.RunId, run.Workflow, run.Trigger, run.State, run.StartedAt, run.CompletedAt, run.Error, run.Kpis, breaches = run.Kpis?.Evaluate(r.Thresholds) }),
                pendingSync = m.Queue,
                deadLettered = m.DeadLetters?.Select(d => new { d.Id, d.Item.Target, d.Item.Kind, d.Item.CoalescingKey, d.Attempts, d.LastError, d.UpdatedAt }),
                orders = m.Orders,
                reconciliationTasks = m.Tasks?.Select(t => new { t.Id, t.WarehouseId, t.SkuCode, t.InventoryQty, t.WesQty, t.Status, t.CreatedAt }),
                pausedSkus = m.Pauses,
                live = m.LiveValues(r.Thresholds),
            },
            Json);
    }

    private static async Task<IResult> ReportAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        var (filter, error) = ReportFilter.Parse(ctx.Request.Query, r.Time.GetUtcNow(), r.Options.StatisticsDays);
        if (error is not null)
        {
            return Html(Pages.Report(r, filter, null, null, error), StatusCodes.Status400BadRequest);
        }

        var store = ctx.RequestServices.GetService<IDiscrepancyLogStore>();
        var page = store is null ? null : await store.QueryAsync(filter.ToQuery(r.Options.PageSize, filter.BeforeId), ctx.RequestAborted).ConfigureAwait(false);
        var days = store is null ? null : await store.SummarizeByDayAsync(filter.FirstDay, filter.LastDay, filter.WarehouseId, ctx.RequestAborted).ConfigureAwait(false);
        return Html(Pages.Report(r, filter, page, days, null));
    }

    private static async Task<IResult> CsvAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        var (filter, error) = ReportFilter.Parse(ctx.Request.Query, r.Time.GetUtcNow(), r.Options.StatisticsDays);
        if (error is not null)
        {
            return Results.Problem(error, statusCode: StatusCodes.Status400BadRequest, title: "Report filters not valid");
        }

        if (ctx.RequestServices.GetService<IDiscrepancyLogStore>() is not { } store)
        {
            return Results.Problem("IDiscrepancyLogStore is not registered in this host.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentType = "text/csv; charset=utf-8";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"discrepancies-{filter.FirstDay:yyyyMMdd}-{filter.LastDay:yyyyMMdd}.csv\"";
        ctx.Response.Headers.CacheControl = "no-store";
        var writer = new StreamWriter(ctx.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024);
        await using (writer.ConfigureAwait(false))
        {
            var rows = await DiscrepancyCsv.WriteAsync(store, filter, writer, ctx.RequestAborted).ConfigureAwait(false);
            Log.CsvExported(r.Logger, r.User ?? "anonymous", rows);
        }

        return Results.Empty;
    }

    private static async Task<IResult> RunAsync(HttpContext ctx, string runId)
    {
        var r = new DashboardRequest(ctx);
        if (ctx.RequestServices.GetService<ISyncRunStore>() is not { } store)
        {
            return Results.Problem("ISyncRunStore is not registered in this host.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var offset = int.TryParse(ctx.Request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        var run = await store.GetAsync(runId, ctx.RequestAborted).ConfigureAwait(false);
        if (run is null)
        {
            var w = new HtmlWriter();
            w.Add($"<h1>Run not found</h1><p>No sync run has the id <span class=\"mono\">{runId}</span>.</p>");
            return Html(Pages.Layout(r, "Run not found", "overview", w), StatusCodes.Status404NotFound);
        }

        var counts = await store.CountItemsAsync(runId, ctx.RequestAborted).ConfigureAwait(false);
        var items = await store.GetItemsAsync(runId, offset, r.Options.PageSize, ctx.RequestAborted).ConfigureAwait(false);
        return Html(Pages.RunDetail(r, run, counts, items, offset, r.Options.PageSize));
    }

    private static async Task<IResult> ResolveAsync(HttpContext ctx, long id)
    {
        var (r, form, refused) = await BeginActionAsync(ctx).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var note = form["note"].ToString().Trim();
        if (note.Length > 500)
        {
            return Done(r, form, "invalid-form", StatusCodes.Status400BadRequest);
        }

        if (ctx.RequestServices.GetService<IDiscrepancyLogStore>() is not { } store)
        {
            return Done(r, form, "no-store", StatusCodes.Status503ServiceUnavailable);
        }

        var resolved = await store.ResolveAsync(id, r.User!, note.Length == 0 ? null : note, r.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false);
        if (resolved)
        {
            Log.DiscrepancyResolved(r.Logger, id, r.User!);
        }

        return Done(r, form, resolved ? "resolved" : "not-open", resolved ? StatusCodes.Status200OK : StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> CountAsync(HttpContext ctx, long id)
    {
        var (r, form, refused) = await BeginActionAsync(ctx).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        if (!int.TryParse(form["counted"], NumberStyles.None, CultureInfo.InvariantCulture, out var counted))
        {
            return Done(r, form, "invalid-form", StatusCodes.Status400BadRequest);
        }

        if (ctx.RequestServices.GetService<IReconciliationTaskStore>() is not { } store)
        {
            return Done(r, form, "no-store", StatusCodes.Status503ServiceUnavailable);
        }

        var task = await store.RecordCountAsync(id, counted, r.User!, r.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false);
        if (task is null)
        {
            return Done(r, form, "task-not-open", StatusCodes.Status409Conflict);
        }

        Log.TaskCounted(r.Logger, id, r.User!, counted);
        var outcome = await TriggerAsync(r, "count", t => t.RequestReconciliationAsync("count-recorded", ctx.RequestAborted)).ConfigureAwait(false);
        return Done(r, form, outcome switch { TriggerOutcome.Requested => "counted", TriggerOutcome.NoTriggers => "counted-no-trigger", _ => "counted-trigger-failed" }, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ResumeAsync(HttpContext ctx)
    {
        var (r, form, refused) = await BeginActionAsync(ctx).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var warehouse = form["warehouse"].ToString();
        var sku = form["sku"].ToString();
        if (warehouse.Length == 0 || sku.Length == 0)
        {
            return Done(r, form, "invalid-form", StatusCodes.Status400BadRequest);
        }

        if (ctx.RequestServices.GetService<IAllocationPauseStore>() is not { } store)
        {
            return Done(r, form, "no-store", StatusCodes.Status503ServiceUnavailable);
        }

        if (!await store.ResumeAsync(warehouse, sku, r.User!, r.Time.GetUtcNow(), ctx.RequestAborted).ConfigureAwait(false))
        {
            return Done(r, form, "not-paused", StatusCodes.Status409Conflict);
        }

        Log.SkuResumed(r.Logger, warehouse, sku, r.User!);
        var outcome = await TriggerAsync(r, "resume", t => t.RequestChannelSyncAsync("resume", [sku], ctx.RequestAborted)).ConfigureAwait(false);
        return Done(r, form, outcome switch { TriggerOutcome.Requested => "resumed", TriggerOutcome.NoTriggers => "resumed-no-trigger", _ => "resumed-trigger-failed" }, StatusCodes.Status200OK);
    }

    private static async Task<IResult> TriggerSyncAsync(HttpContext ctx)
    {
        var (r, form, refused) = await BeginActionAsync(ctx).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var outcome = await TriggerAsync(r, "sync", t => t.RequestChannelSyncAsync("manual", null, ctx.RequestAborted)).ConfigureAwait(false);
        if (outcome == TriggerOutcome.Requested)
        {
            Log.SyncRequested(r.Logger, r.User!);
        }

        return outcome switch
        {
            TriggerOutcome.Requested => Done(r, form, "sync-requested", StatusCodes.Status202Accepted),
            TriggerOutcome.NoTriggers => Done(r, form, "no-triggers", StatusCodes.Status503ServiceUnavailable),
            _ => Done(r, form, "trigger-failed", StatusCodes.Status503ServiceUnavailable),
        };
    }

    private static async Task<(DashboardRequest Request, IFormCollection Form, IResult? Refused)> BeginActionAsync(HttpContext ctx)
    {
        var r = new DashboardRequest(ctx);
        if (r.User is null)
        {
            return (r, FormCollection.Empty, Results.Problem("Operator actions need a named user.", statusCode: StatusCodes.Status403Forbidden));
        }

        if (!await r.ValidateFormAsync().ConfigureAwait(false))
        {
            return (r, FormCollection.Empty, Results.Problem("The antiforgery token is missing or not valid; reload the page and try again.", statusCode: StatusCodes.Status400BadRequest, title: "Form not valid"));
        }

        var form = ctx.Request.HasFormContentType ? await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false) : FormCollection.Empty;
        return (r, form, null);
    }

    private enum TriggerOutcome
    {
        Requested,
        NoTriggers,
        Failed,
    }

    private static async Task<TriggerOutcome> TriggerAsync(DashboardRequest r, string action, Func<IOrchestratorTriggers, Task> request)
    {
        if (r.Services.GetService<IOrchestratorTriggers>() is not { } triggers)
        {
            Log.NoTriggers(r.Logger, action, r.User!);
            return TriggerOutcome.NoTriggers;
        }

        try
        {
            await request(triggers).ConfigureAwait(false);
            return TriggerOutcome.Requested;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !r.Http.RequestAborted.IsCancellationRequested)
        {
            Log.TriggerFailed(r.Logger, ex, action, r.User!);
            return TriggerOutcome.Failed;
        }
    }

    private static IResult Done(DashboardRequest r, IFormCollection form, string notice, int status)
    {
        if (r.WantsJson)
        {
            var (text, error) = Pages.Notices[notice];
            return Results.Json(new { notice, message = text, error }, statusCode: status);
        }

        var url = r.SafeReturnUrl(form["returnUrl"]);
        return SeeOther(r.Http, url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "notice=" + notice);
    }

    private static IResult SeeOther(HttpContext ctx, string url)
    {
        ctx.Response.Headers.Location = url;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
