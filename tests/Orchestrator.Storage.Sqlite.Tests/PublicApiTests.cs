using System.Reflection;
using Orchestrator.TestUtilities;

namespace Orchestrator.Storage.Sqlite.Tests;

/// <summary>Keeps the package's public surface deliberate: adding or changing a public member is a visible change to an approved file.</summary>
public sealed class PublicApiTests
{
    /// <summary>Implementations stay internal; only the options, the storage entry type and the typed errors are public.</summary>
    [Fact]
    public void PublicApi_Assembly_MatchesApprovedFile()
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var lines = typeof(SqliteOrchestratorStorage).Assembly.GetExportedTypes()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => new[] { "type " + t.FullName + " : " + t.BaseType }
                .Concat(t.GetMembers(Flags).Select(m => "  " + m).Order(StringComparer.Ordinal)));

        Approved.Verify(string.Join("\n", lines), "PublicApi");
    }
}
