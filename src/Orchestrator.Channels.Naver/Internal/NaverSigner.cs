using System.Globalization;
using System.Text;
using Org.BouncyCastle.Crypto.Generators;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>Computes the <c>client_secret_sign</c> of the Naver Commerce token request.</summary>
/// <remarks>
/// <c>client_secret_sign = Base64(bcrypt(client_id + "_" + timestamp, salt = client_secret))</c>, where the client secret is a
/// bcrypt salt string (<c>$2a$04$</c> + 22 characters). BouncyCastle's 3-argument <c>Generate</c> writes version <c>2y</c>, so
/// the version and cost are taken from the secret and the 22-character salt is decoded here (its decoder is private).
/// </remarks>
internal static class NaverSigner
{
    private const string Alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Returns whether a client secret has the shape of a bcrypt salt string.</summary>
    /// <param name="clientSecret">The client secret.</param>
    /// <returns><see langword="true"/> when it is <c>$2a$</c>/<c>$2b$</c>/<c>$2y$</c>, a two-digit cost and 22 salt characters.</returns>
    public static bool IsValidSecret(string? clientSecret) => TryParse(clientSecret, out _, out _, out _);

    /// <summary>Computes the signature.</summary>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret (a bcrypt salt string).</param>
    /// <param name="timestampMs">The Unix time in milliseconds sent as <c>timestamp</c>.</param>
    /// <returns>The Base64 <c>client_secret_sign</c>.</returns>
    /// <exception cref="ArgumentException">The client secret is not a bcrypt salt string.</exception>
    public static string Sign(string clientId, string clientSecret, long timestampMs)
    {
        if (!TryParse(clientSecret, out var version, out var cost, out var salt))
        {
            throw new ArgumentException("The Naver client secret is not a bcrypt salt string ($2a$NN$ followed by 22 characters).", nameof(clientSecret));
        }

        var password = (clientId + "_" + timestampMs.ToString(CultureInfo.InvariantCulture)).ToCharArray();
        var hashed = OpenBsdBCrypt.Generate(version, password, salt, cost);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(hashed));
    }

    private static bool TryParse(string? secret, out string version, out int cost, out byte[] salt)
    {
        version = string.Empty;
        cost = 0;
        salt = [];
        if (secret is null || secret.Length != 29 || secret[0] != '$' || secret[3] != '$' || secret[6] != '$')
        {
            return false;
        }

        version = secret.Substring(1, 2);
        if (version is not ("2a" or "2b" or "2y")
            || !int.TryParse(secret.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out cost)
            || cost is < 4 or > 31)
        {
            return false;
        }

        return TryDecodeSalt(secret.AsSpan(7, 22), out salt);
    }

    /// <summary>Decodes bcrypt's base64 (alphabet <c>./A-Za-z0-9</c>, no padding): 22 characters give 16 bytes.</summary>
    private static bool TryDecodeSalt(ReadOnlySpan<char> text, out byte[] salt)
    {
        salt = new byte[16];
        var bits = 0;
        var buffer = 0;
        var count = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            buffer = (buffer << 6) | value;
            bits += 6;
            if (bits >= 8)
            {
                bits -= 8;
                if (count < 16)
                {
                    salt[count++] = (byte)(buffer >> bits);
                }

                buffer &= (1 << bits) - 1;
            }
        }

        return count == 16;
    }
}
