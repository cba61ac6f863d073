using System.Text.Json;
using Orchestrator.Channels.Naver.Internal;

namespace Orchestrator.Channels.Naver.Tests;

/// <summary>Checks client_secret_sign against vectors computed with the bcryptjs npm package (TestData/naver.js).</summary>
public sealed class NaverSignerTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "naver-bcrypt-vectors.json"))).RootElement;

    public static TheoryData<int> VectorIndexes() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Sign_BcryptjsVector_MatchesBcryptjs(int index)
    {
        var v = Vectors.GetProperty("vectors")[index];

        var sign = NaverSigner.Sign(v.GetProperty("clientId").GetString()!, v.GetProperty("clientSecret").GetString()!, long.Parse(v.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(v.GetProperty("clientSecretSign").GetString(), sign);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-bcrypt-salt")]
    [InlineData("$2x$04$abcdefghijklmnopqrstuO")]
    [InlineData("$2a$04$abcdefghijklmnopqrstu!")]
    public void IsValidSecret_NotABcryptSalt_ReturnsFalse(string secret)
    {
        Assert.False(NaverSigner.IsValidSecret(secret));
    }
}
