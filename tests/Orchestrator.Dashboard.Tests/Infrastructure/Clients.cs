using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Orchestrator.Dashboard.Tests.Infrastructure;

internal static partial class Clients
{
    public static HttpClient WithApiKey(WebApplicationFactory<DashboardTestApp> factory, string key = DashboardTestApp.ApiKey)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A browser-like client: cookies kept, no redirects followed, logged in through the login form.</summary>
    public static async Task<HttpClient> LoggedInAsync(WebApplicationFactory<DashboardTestApp> factory, CancellationToken ct)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var login = await client.GetStringAsync("/orchestrator/login", ct);
        using var response = await client.PostAsync("/orchestrator/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(login),
            ["apiKey"] = DashboardTestApp.ApiKey,
            ["returnUrl"] = "/orchestrator/",
        }), ct);
        if (response.StatusCode != HttpStatusCode.SeeOther)
        {
            throw new InvalidOperationException("Login failed: " + response.StatusCode);
        }

        return client;
    }

    public static string Token(string html) => TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("No antiforgery token in the page.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
