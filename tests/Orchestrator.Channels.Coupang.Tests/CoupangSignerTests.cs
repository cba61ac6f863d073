using System.Text.Json;
using Orchestrator.Channels.Coupang.Internal;

namespace Orchestrator.Channels.Coupang.Tests;

/// <summary>Checks the CEA signature against vectors computed with Node's crypto (TestData/coupang.js).</summary>
public sealed class CoupangSignerTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "coupang-hmac-vectors.json"))).RootElement;

    public static TheoryData<int> VectorIndexes() => [0, 1, 2];

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void Sign_NodeVector_MatchesNodeSignature(int index)
    {
        var v = Vectors.GetProperty("vectors")[index];
        var signer = new CoupangSigner(Vectors.GetProperty("accessKey").GetString()!, Vectors.GetProperty("secretKey").GetString()!);

        var signature = signer.Sign(v.GetProperty("signedDate").GetString()!, v.GetProperty("method").GetString()!, v.GetProperty("path").GetString()!, v.GetProperty("query").GetString()!);

        Assert.Equal(v.GetProperty("signature").GetString(), signature);
    }

    [Theory]
    [MemberData(nameof(VectorIndexes))]
    public void CreateAuthorization_RequestUri_SignsTheEncodedPathAndQueryAsSent(int index)
    {
        var v = Vectors.GetProperty("vectors")[index];
        var signer = new CoupangSigner(Vectors.GetProperty("accessKey").GetString()!, Vectors.GetProperty("secretKey").GetString()!);
        var query = v.GetProperty("query").GetString()!;
        var uri = new Uri("https://api-gateway.coupang.com" + v.GetProperty("path").GetString() + (query.Length > 0 ? "?" + query : string.Empty));
        var signedDate = v.GetProperty("signedDate").GetString()!;
        var at = DateTimeOffset.ParseExact(signedDate, "yyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

        var header = signer.CreateAuthorization(new HttpMethod(v.GetProperty("method").GetString()!), uri, at);

        Assert.Equal(
            $"CEA algorithm=HmacSHA256, access-key={Vectors.GetProperty("accessKey").GetString()}, signed-date={signedDate}, signature={v.GetProperty("signature").GetString()}",
            header);
    }

    [Fact]
    public void CreateAuthorization_KoreanQuery_DoesNotMatchASignatureOverTheRawText()
    {
        var raw = Vectors.GetProperty("rawKoreanCounterExample");
        var encoded = Vectors.GetProperty("vectors")[2];
        var signer = new CoupangSigner(Vectors.GetProperty("accessKey").GetString()!, Vectors.GetProperty("secretKey").GetString()!);
        var uri = new Uri("https://api-gateway.coupang.com" + encoded.GetProperty("path").GetString() + "?vendorId=A00012345&sellerProductName=" + Uri.EscapeDataString("무선 이어폰"));
        var at = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

        var header = signer.CreateAuthorization(HttpMethod.Get, uri, at);

        Assert.EndsWith("signature=" + encoded.GetProperty("signature").GetString(), header, StringComparison.Ordinal);
        Assert.DoesNotContain(raw.GetProperty("signature").GetString()!, header, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatSignedDate_LocalOffset_UsesUtcTwoDigitYear()
    {
        var at = new DateTimeOffset(2025, 3, 1, 18, 15, 0, TimeSpan.FromHours(9));

        Assert.Equal("250301T091500Z", CoupangSigner.FormatSignedDate(at));
    }
}
