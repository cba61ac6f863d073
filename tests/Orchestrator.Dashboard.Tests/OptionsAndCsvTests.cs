using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Dashboard.Internal;
using Orchestrator.Dashboard.Tests.Infrastructure;
using Orchestrator.Storage;
using System.Security.Claims;
using System.Text.Encodings.Web;

namespace Orchestrator.Dashboard.Tests;

public sealed class OptionsAndCsvTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("SKU-1", "SKU-1")]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("=a,\"b\"", "\"'=a,\"\"b\"\"\"")]
    [InlineData("", "")]
    public void CsvField_QuotesAndDefusesFormulas(string value, string expected)
        => Assert.Equal(expected, DiscrepancyCsv.Field(value));

    [Fact]
    public void ShortEventSecret_FailsValidation()
    {
        using var provider = new ServiceCollection().AddLogging().AddOrchestratorDashboard(o => o.EventSigningSecret = "short").BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DashboardOptions>>().Value);
        Assert.Contains("EventSigningSecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShortApiKey_FailsValidation()
    {
        using var provider = new ServiceCollection().AddLogging().AddOrchestratorDashboard(o => o.ApiKeys["bob"] = "1234").BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DashboardOptions>>().Value);
    }

    [Fact]
    public async Task HostPolicy_ReplacesTheBuiltInAuthentication_AndNamesTheOperator()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app.ConfigureServices(builder.Services, o => o.AuthorizationPolicy = "Ops");
        builder.Services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderUserHandler>("Header", null);
        builder.Services.AddAuthorizationBuilder().AddPolicy("Ops", p => p.AddAuthenticationSchemes("Header").RequireAuthenticatedUser());
        await using var web = builder.Build();
        web.MapOrchestratorDashboard();
        await web.StartAsync(Ct);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(web.Urls.First()) };
        var open = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-E"), Ct)).Items.Single();

        using var anonymous = await client.GetAsync("/orchestrator/", Ct);
        using var login = await client.GetAsync("/orchestrator/login", Ct);
        using var withoutToken = await client.SendAsync(AsUser(new HttpRequestMessage(HttpMethod.Post, $"/orchestrator/discrepancies/{open.Id}/resolve") { Content = new FormUrlEncodedContent([]) }), Ct);
        using var page = await client.SendAsync(AsUser(new HttpRequestMessage(HttpMethod.Get, "/orchestrator/discrepancies?warehouse=WH1")), Ct);
        var token = Clients.Token(await page.Content.ReadAsStringAsync(Ct));
        using var resolve = await client.SendAsync(AsUser(new HttpRequestMessage(HttpMethod.Post, $"/orchestrator/discrepancies/{open.Id}/resolve")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["note"] = "checked" }),
        }), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, resolve.StatusCode);
        var stored = (await app.Storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(SkuCode: "SKU-E"), Ct)).Items.Single();
        Assert.Equal("ops.lee", stored.ResolvedBy);
        await web.StopAsync(Ct);
    }

    private static HttpRequestMessage AsUser(HttpRequestMessage request)
    {
        request.Headers.Add("X-User", "ops.lee");
        return request;
    }

    private sealed class HeaderUserHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
            => Task.FromResult(Request.Headers.TryGetValue("X-User", out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Header")), "Header"))
                : AuthenticateResult.NoResult());
    }
}
