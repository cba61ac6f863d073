using System.Reflection;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

public sealed class PublicApiTests
{
    /// <summary>Adding a public type or member is a visible step in review: the approved file changes with it.</summary>
    [Fact]
    public void PublicSurface_MatchesApprovedList()
    {
        var assembly = typeof(OrchestratorHostingOptions).Assembly;

        Approved.Verify(Describe(assembly), "Orchestrator.Hosting.PublicApi");
    }

    internal static string Describe(Assembly assembly) => string.Join(
        '\n',
        assembly.GetExportedTypes()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => new[] { t.FullName! }.Concat(
                t.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                    .Where(m => m is not MethodInfo { IsSpecialName: true })
                    .Select(m => "  " + m.ToString())
                    .Order(StringComparer.Ordinal))));
}
