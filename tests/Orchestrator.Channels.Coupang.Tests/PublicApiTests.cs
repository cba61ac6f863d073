using Orchestrator.Channels.Tests;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Coupang.Tests;

/// <summary>Holds the public surface of the package against an approved file, so adding a public member is a visible step in review.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_Surface_MatchesApprovedFile()
    {
        Approved.Verify(PublicApi.Render(typeof(CoupangChannel).Assembly), "Orchestrator.Channels.Coupang");
    }
}
