using Orchestrator.Channels.Tests;
using Orchestrator.Sandbox;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Coupang.Tests;

/// <summary>Holds the public surface of Orchestrator.Sandbox against an approved file (it has no test project of its own yet).</summary>
public sealed class SandboxPublicApiTests
{
    [Fact]
    public void PublicApi_Surface_MatchesApprovedFile()
    {
        Approved.Verify(PublicApi.Render(typeof(SandboxServer).Assembly), "Orchestrator.Sandbox");
    }
}
