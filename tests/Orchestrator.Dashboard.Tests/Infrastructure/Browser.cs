using Microsoft.Playwright;

namespace Orchestrator.Dashboard.Tests.Infrastructure;

/// <summary>Launches the machine's Chromium through Playwright (Playwright's own browser download cannot work here).</summary>
internal static class Browser
{
    /// <summary>
    /// The Chromium binary: env <c>ORCHESTRATOR_CHROMIUM</c>, else Debian's <c>chromium</c>. When none is found the test is skipped,
    /// unless <c>ORCHESTRATOR_REQUIRE_CHROMIUM=1</c> (as under eng/test.sh), which makes it fail.
    /// </summary>
    public static string ExecutablePath()
    {
        var configured = Environment.GetEnvironmentVariable("ORCHESTRATOR_CHROMIUM");
        var path = !string.IsNullOrEmpty(configured) ? configured : new[] { "/usr/bin/chromium", "/usr/lib/chromium/chromium" }.FirstOrDefault(File.Exists);
        if (path is not null && File.Exists(path))
        {
            return path;
        }

        var message = $"Chromium not found (ORCHESTRATOR_CHROMIUM='{configured}'); install Debian's chromium (apt-get install -y chromium).";
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_REQUIRE_CHROMIUM") == "1")
        {
            Assert.Fail(message);
        }

        Assert.Skip(message);
        return string.Empty;
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = ExecutablePath();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>artifacts/test-results/screenshots under the repository root (found from the test binaries), created if missing.</summary>
    public static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.Core.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? throw new InvalidOperationException("Repository root (Orchestrator.Core.sln) not found above " + AppContext.BaseDirectory);
        var folder = Path.Combine(root, "artifacts", "test-results", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
