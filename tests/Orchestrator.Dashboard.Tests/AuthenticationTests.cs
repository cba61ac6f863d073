using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Orchestrator.Dashboard.Tests.Infrastructure;

namespace Orchestrator.Dashboard.Tests;

public sealed class AuthenticationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/orchestrator/" },
        { "GET", "/orchestrator/api/overview" },
        { "GET", "/orchestrator/discrepancies" },
        { "GET", "/orchestrator/discrepancies.csv" },
        { "GET", "/orchestrator/runs/run-good" },
        { "GET", "/orchestrator/assets/dashboard.css" },
        { "GET", "/orchestrator/assets/dashboard.js" },
        { "POST", "/orchestrator/discrepancies/1/resolve" },
        { "POST", "/orchestrator/tasks/1/count" },
        { "POST", "/orchestrator/pauses/resume" },
        { "POST", "/orchestrator/sync" },
        { "POST", "/orchestrator/logout" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Unauthenticated_ApiCall_Is401(string method, string path)
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new FormUrlEncodedContent([]) : null }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(app.Triggers!.ChannelSyncs.FirstOrDefault().Reason);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WrongApiKey_Is401(string method, string path)
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = Clients.WithApiKey(factory, "not-the-key-0123456789");

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new FormUrlEncodedContent([]) : null }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Unauthenticated_BrowserNavigation_IsRedirectedToTheLoginPage()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.GetAsync("/orchestrator/discrepancies?warehouse=WH1", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/orchestrator/login?returnUrl=%2Forchestrator%2Fdiscrepancies%3Fwarehouse%3DWH1", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Health_IsAnonymous()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_WithWrongKey_Is401_AndSetsNoCookie()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var page = await client.GetStringAsync("/orchestrator/login", Ct);

        using var response = await client.PostAsync("/orchestrator/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Clients.Token(page),
            ["apiKey"] = "wrong-key-0123456789abcdef",
        }), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".Orchestrator.Dashboard=", StringComparison.Ordinal)));
        Assert.DoesNotContain("wrong-key-0123456789abcdef", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SetsACookieThatOpensThePages()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = await Clients.LoggedInAsync(factory, Ct);

        using var response = await client.GetAsync("/orchestrator/", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains(DashboardTestApp.User, html, StringComparison.Ordinal);
        Assert.DoesNotContain(DashboardTestApp.ApiKey, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookieFormPost_WithoutAntiforgeryToken_Is400_AndChangesNothing()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = await Clients.LoggedInAsync(factory, Ct);

        using var response = await client.PostAsync("/orchestrator/sync", new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/orchestrator/" }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Triggers!.ChannelSyncs);
    }
}
