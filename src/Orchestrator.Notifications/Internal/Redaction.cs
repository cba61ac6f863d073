namespace Orchestrator.Http.Internal;

/// <summary>Removes secrets (a webhook URL, a token) from text that may reach a log or an exception.</summary>
internal static class Redaction
{
    public const string Mask = "[redacted]";

    public static string Redact(string text, params ReadOnlySpan<string?> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
            {
                text = text.Replace(secret, Mask, StringComparison.OrdinalIgnoreCase);
            }
        }

        return text;
    }

    /// <summary>Returns the secret parts of a URL: the whole URL and its path and query (Slack's secret is the path).</summary>
    public static string[] SecretsOf(Uri? url) =>
        url is null ? [] : [url.AbsoluteUri, url.OriginalString, url.PathAndQuery.Length > 1 ? url.PathAndQuery : null!];
}
