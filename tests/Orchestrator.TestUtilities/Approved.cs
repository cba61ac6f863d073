using System.Runtime.CompilerServices;

namespace Orchestrator.TestUtilities;

/// <summary>
/// A small approved-file snapshot helper (Verify is not in our registry copy). <see cref="Verify"/> compares text with
/// <c>Approved/&lt;name&gt;.approved.txt</c> next to the calling test file; on a difference it writes
/// <c>&lt;name&gt;.received.txt</c> beside it and fails. Approve by renaming received to approved.
/// </summary>
public static class Approved
{
    /// <summary>Asserts that <paramref name="actual"/> equals the approved text named <paramref name="name"/>.</summary>
    public static void Verify(string actual, string name, [CallerFilePath] string callerFile = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Approved");
        var approvedPath = Path.Combine(dir, name + ".approved.txt");
        var receivedPath = Path.Combine(dir, name + ".received.txt");
        var normalized = actual.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd() + "\n";
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).Replace("\r\n", "\n", StringComparison.Ordinal) : null;
        if (approved == normalized)
        {
            if (File.Exists(receivedPath))
            {
                File.Delete(receivedPath);
            }

            return;
        }

        Directory.CreateDirectory(dir);
        File.WriteAllText(receivedPath, normalized);
        Xunit.Assert.Fail(approved is null
            ? $"No approved file for '{name}'. Review {receivedPath} and rename it to {Path.GetFileName(approvedPath)}."
            : $"'{name}' differs from its approved file. Compare {receivedPath} with {approvedPath}.");
    }
}
