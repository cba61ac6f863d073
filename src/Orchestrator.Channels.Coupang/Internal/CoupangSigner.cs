using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Channels.Coupang.Internal;

/// <summary>Creates the CEA HMAC-SHA256 <c>Authorization</c> header of the Coupang Open API.</summary>
/// <remarks>
/// The message is <c>signed-date + METHOD + path + query</c> with the path and query exactly as sent (percent-encoded),
/// the query without its <c>?</c>; the signature is lowercase hex. See
/// https://developers.coupangcorp.com/hc/en-us/articles/360033461914-Creating-HMAC-Signature .
/// </remarks>
internal sealed class CoupangSigner(string accessKey, string secretKey)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secretKey);

    /// <summary>Formats a time as a signed-date (<c>yyMMdd'T'HHmmss'Z'</c>, UTC).</summary>
    /// <param name="at">The time.</param>
    /// <returns>The signed-date.</returns>
    public static string FormatSignedDate(DateTimeOffset at) => at.UtcDateTime.ToString("yyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Computes the lowercase hex signature of a message.</summary>
    /// <param name="signedDate">The signed-date.</param>
    /// <param name="method">The upper-case HTTP method.</param>
    /// <param name="path">The encoded path.</param>
    /// <param name="query">The encoded query without <c>?</c>, or empty.</param>
    /// <returns>The signature.</returns>
    public string Sign(string signedDate, string method, string path, string query)
    {
        var message = Encoding.UTF8.GetBytes(string.Concat(signedDate, method, path, query));
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, message));
    }

    /// <summary>Creates the <c>Authorization</c> header value for a request URI.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="uri">The absolute request URI, as it will be sent.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The header value.</returns>
    public string CreateAuthorization(HttpMethod method, Uri uri, DateTimeOffset now)
    {
        var signedDate = FormatSignedDate(now);
        var query = uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;
        var signature = Sign(signedDate, method.Method.ToUpperInvariant(), uri.AbsolutePath, query);
        return $"CEA algorithm=HmacSHA256, access-key={accessKey}, signed-date={signedDate}, signature={signature}";
    }
}
