namespace Orchestrator.Internal.Http;

/// <summary>Removes known secrets (keys, tokens, signatures) from text before it reaches a log or an exception.</summary>
/// <remarks>Thread safety: secrets may be added while other threads redact.</remarks>
internal sealed class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";
    private const int MinimumLength = 4;
    private readonly Lock _lock = new();
    private string[] _secrets = [];

    /// <summary>Registers a secret; values shorter than 4 characters are ignored (they would mask ordinary text).</summary>
    /// <param name="secret">The secret, or <see langword="null"/>.</param>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumLength)
        {
            return;
        }

        lock (_lock)
        {
            if (Array.IndexOf(_secrets, secret) >= 0)
            {
                return;
            }

            // Longest first, so a secret that contains another is masked whole.
            _secrets = [.. _secrets.Append(secret).OrderByDescending(s => s.Length)];
        }
    }

    /// <summary>Replaces every registered secret in a text with <see cref="Mask"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without secrets.</returns>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var secrets = Volatile.Read(ref _secrets);
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Describes a secret for diagnostics without revealing it: its length and first two characters.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>For example <c>ab… (40 chars)</c>.</returns>
    public static string Describe(string? secret) => string.IsNullOrEmpty(secret)
        ? "(empty)"
        : secret.Length < 8 ? $"({secret.Length} chars)" : $"{secret[..2]}… ({secret.Length} chars)";
}
