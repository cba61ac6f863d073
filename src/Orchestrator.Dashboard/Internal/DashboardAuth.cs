using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestrator.Dashboard.Internal;

/// <summary>Names of the built-in authentication parts.</summary>
internal static class DashboardAuth
{
    /// <summary>The policy scheme the dashboard authenticates with: the API key when the header is present, else the login cookie.</summary>
    public const string Scheme = "OrchestratorDashboard";

    public const string ApiKeyScheme = "OrchestratorDashboard.ApiKey";

    public const string CookieScheme = "OrchestratorDashboard.Cookie";

    /// <summary>The authorization policy of the dashboard routes under the built-in authentication.</summary>
    public const string Policy = "OrchestratorDashboard";

    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>The authentication type of identities from the login form (cookie), which must send antiforgery tokens.</summary>
    public const string LoginIdentityType = "OrchestratorDashboard.Login";

    public static ClaimsPrincipal Principal(string user, string authenticationType)
        => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user)], authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Whether a request is a browser navigation (redirected to the login page) rather than an API call (answered 401).</summary>
    public static bool IsBrowserNavigation(HttpRequest request)
        => (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && !request.Headers.ContainsKey(ApiKeyHeader)
            && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Checks API keys in constant time: every configured key is compared, so the time taken says nothing about which matched.</summary>
internal sealed class ApiKeyVerifier(IOptionsMonitor<DashboardOptions> options)
{
    /// <summary>Returns the user whose key was presented, or <see langword="null"/>.</summary>
    public string? FindUser(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        Span<byte> presentedHash = stackalloc byte[32];
        Span<byte> keyHash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), presentedHash);
        string? user = null;
        foreach (var (name, key) in options.CurrentValue.ApiKeys)
        {
            if (string.IsNullOrEmpty(key))
            {
                continue;
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(key), keyHash);
            if (CryptographicOperations.FixedTimeEquals(presentedHash, keyHash))
            {
                user ??= name;
            }
        }

        return user;
    }
}

/// <summary>Authenticates API calls by the <c>X-Api-Key</c> header.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private readonly ILogger _log = loggerFactory.CreateLogger("Orchestrator.Dashboard");

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(DashboardAuth.ApiKeyHeader, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var user = values.Count == 1 ? verifier.FindUser(values[0]) : null;
        if (user is null)
        {
            Log.ApiKeyRefused(_log, Context.Connection.RemoteIpAddress?.ToString());
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }

        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(DashboardAuth.Principal(user, Scheme.Name), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Task.CompletedTask;
    }
}

/// <summary>Remembers where the dashboard was mapped, for the login redirect.</summary>
internal sealed class DashboardRoutes
{
    public string Prefix { get; set; } = "/orchestrator";

    public string LoginPath => Prefix + "/login";
}
