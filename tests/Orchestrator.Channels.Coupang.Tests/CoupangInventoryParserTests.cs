using System.Text;
using System.Text.Json;
using Orchestrator.Channels.Coupang.Internal;

namespace Orchestrator.Channels.Coupang.Tests;

public sealed class CoupangInventoryParserTests
{
    [Theory]
    [InlineData("{\"code\":200,\"message\":\"\",\"data\":{\"amountInStock\":99999999999999999999}}")]
    [InlineData("{\"code\":99999999999999999999,\"message\":\"\",\"data\":{\"amountInStock\":1}}")]
    [InlineData("{\"code\":200,\"message\":\"\",\"data\":{\"amountInStock\":1.5}}")]
    [InlineData("{\"code\":200,\"message\":\"\",\"data\":{\"amountInStock\":\"7\"}}")]
    public void Read_NumberThatIsNotAWhole64BitValue_IsAMalformedAnswer(string body)
    {
        // Found by the bad-input corpus: a quantity past 64 bits threw FormatException, which no caller treats as a malformed answer.
        Assert.Throws<JsonException>(() => CoupangInventoryParser.Read(Encoding.UTF8.GetBytes(body), out _, out _, out _));
    }
}
