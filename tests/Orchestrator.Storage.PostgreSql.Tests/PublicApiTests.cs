using System.Reflection;
using System.Runtime.CompilerServices;
using Orchestrator.TestUtilities;

namespace Orchestrator.Storage.PostgreSql.Tests;

/// <summary>Keeps the package's public surface deliberate: adding or changing a public member is a visible change to an approved file.</summary>
public sealed class PublicApiTests
{
    /// <summary>Implementations stay internal; only the options, the storage entry type and the typed errors are public.</summary>
    [Fact]
    public void PublicApi_Assembly_MatchesApprovedFile()
    {
        const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var lines = typeof(PostgreSqlOrchestratorStorage).Assembly.GetExportedTypes()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .SelectMany(t => new[] { "type " + t.FullName + " : " + t.BaseType }
                .Concat(t.GetMembers(Flags).Select(m => "  " + m).Order(StringComparer.Ordinal)));

        // CI builds map source paths (/_/…), so the approved file copied next to the tests is used when the source is not there.
        var caller = SourcePath();
        Approved.Verify(string.Join("\n", lines), "PublicApi", File.Exists(caller) ? caller : Path.Combine(AppContext.BaseDirectory, "PublicApiTests.cs"));
    }

    private static string SourcePath([CallerFilePath] string path = "") => path;
}
