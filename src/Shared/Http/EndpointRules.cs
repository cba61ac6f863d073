namespace Orchestrator.Internal.Http;

/// <summary>Checks the base address of a service: HTTPS is required, plain HTTP only on loopback (the sandbox).</summary>
internal static class EndpointRules
{
    /// <summary>Validates a base address.</summary>
    /// <param name="baseAddress">The address.</param>
    /// <param name="optionName">The option name, for the message.</param>
    /// <returns>An error message, or <see langword="null"/> when the address is acceptable.</returns>
    public static string? Validate(Uri? baseAddress, string optionName)
    {
        if (baseAddress is null)
        {
            return $"{optionName} is required.";
        }

        if (!baseAddress.IsAbsoluteUri)
        {
            return $"{optionName} must be an absolute URI.";
        }

        if (!string.IsNullOrEmpty(baseAddress.Query) || !string.IsNullOrEmpty(baseAddress.Fragment))
        {
            return $"{optionName} must not carry a query or a fragment.";
        }

        if (!string.IsNullOrEmpty(baseAddress.UserInfo))
        {
            return $"{optionName} must not carry user information; credentials go in their own options.";
        }

        if (baseAddress.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (baseAddress.Scheme == Uri.UriSchemeHttp && baseAddress.IsLoopback)
        {
            return null;
        }

        return $"{optionName} must use HTTPS (plain HTTP is allowed only on loopback, for the sandbox); got scheme '{baseAddress.Scheme}' for host '{baseAddress.Host}'.";
    }

    /// <summary>Returns the base address with a trailing slash, so relative paths append to it.</summary>
    /// <param name="baseAddress">The validated address.</param>
    /// <returns>The normalized address.</returns>
    public static Uri Normalize(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var text = baseAddress.GetLeftPart(UriPartial.Path);
        return text.EndsWith('/') ? new Uri(text) : new Uri(text + "/");
    }

    /// <summary>Combines a normalized base address with a relative path and an already encoded query.</summary>
    /// <param name="baseAddress">The normalized base address.</param>
    /// <param name="relativePath">The path, without a leading slash; segments already escaped.</param>
    /// <param name="encodedQuery">The query without <c>?</c>, already encoded, or <see langword="null"/>.</param>
    /// <returns>The absolute URI.</returns>
    public static Uri Combine(Uri baseAddress, string relativePath, string? encodedQuery = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var builder = new UriBuilder(new Uri(baseAddress, relativePath.TrimStart('/')))
        {
            Query = encodedQuery ?? string.Empty,
        };
        return builder.Uri;
    }
}
