using Microsoft.Extensions.Configuration;

/// <summary>The sample's own options (section <c>Sample</c>; command-line switches map onto it).</summary>
internal sealed record SampleSettings(int Skus, double Drift, int Orders, int Cycles, string DataFolder, int Seed, double RequestsPerSecond, bool Faults)
{
    /// <summary>Gets the command-line switches and the configuration keys they set.</summary>
    public static Dictionary<string, string> SwitchMappings { get; } = new(StringComparer.Ordinal)
    {
        ["--skus"] = "Sample:Skus",
        ["--drift"] = "Sample:Drift",
        ["--orders"] = "Sample:Orders",
        ["--cycles"] = "Sample:Cycles",
        ["--data"] = "Sample:DataFolder",
        ["--seed"] = "Sample:Seed",
        ["--rps"] = "Sample:RequestsPerSecond",
        ["--faults"] = "Sample:Faults",
    };

    /// <summary>Lets <c>--faults</c> stand alone: adds <c>true</c> when no value follows it.</summary>
    /// <param name="args">The command line.</param>
    /// <returns>The command line for the configuration provider.</returns>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            result.Add(args[i]);
            if (args[i] == "--faults" && (i + 1 == args.Length || !bool.TryParse(args[i + 1], out _)))
            {
                result.Add("true");
            }
        }

        return [.. result];
    }

    /// <summary>Reads and checks the options.</summary>
    /// <param name="section">The <c>Sample</c> section.</param>
    /// <returns>The options.</returns>
    public static SampleSettings From(IConfigurationSection section)
    {
        var s = new SampleSettings(
            section.GetValue("Skus", 20_000),
            section.GetValue("Drift", 0.02),
            section.GetValue("Orders", 200),
            section.GetValue("Cycles", 2),
            Path.GetFullPath(section["DataFolder"] is { Length: > 0 } d ? d : ".data"),
            section.GetValue("Seed", 42),
            section.GetValue("RequestsPerSecond", 1_000d),
            section.GetValue("Faults", false));
        Check(s.Skus is >= 10 and <= 1_000_000, "--skus must be between 10 and 1,000,000.");
        Check(s.Drift is >= 0 and <= 1, "--drift must be between 0 and 1.");
        Check(s.Orders is >= 0 and <= 100_000, "--orders must be between 0 and 100,000.");
        Check(s.Cycles is >= 1 and <= 20, "--cycles must be between 1 and 20.");
        Check(s.RequestsPerSecond is >= 10 and <= 100_000, "--rps must be between 10 and 100,000.");
        return s;
    }

    /// <summary>Prints the usage.</summary>
    public static void PrintHelp() => Console.WriteLine("""
        Orchestrator.Core sample: the main job in a generic host (AddOrchestrator) on the sandbox simulators and a SQLite file.

        Usage: dotnet run --project samples/Orchestrator.Samples.Console -- [options]

          --skus N       SKUs per channel in the generated catalog (default 20000)
          --drift P      share of SKUs whose WES stock differs from the channels (default 0.02)
          --orders N     orders each channel's simulator streams per cycle (default 200)
          --cycles N     order-streaming cycles; intake polls every second with a 30-min look-back, so orders are re-read (default 2)
          --faults       inject sandbox faults: Naver's stock reads fail in the first sync (the channel is skipped), Coupang
                         pushes after the 300th fail (they land in the pending-sync queue and drain); syncs repeat (at most 5)
                         until one compares every listing and finds nothing to push
          --data DIR     data folder for the SQLite file and Cafe24 tokens (default ./.data; the file is recreated per run)
          --seed N       random seed of the catalog and the drift (default 42)
          --rps N        simulator limit per channel; the adapters use 80 % of it (default 1000)
          --help         this text

        Every option is also a configuration key (Sample:Skus …) in appsettings.json, an environment variable
        (ORCHESTRATOR_Sample__Skus) or --Sample:Skus=… . Sections Storage, Wes, Channels:coupang|naver|cafe24, Slack, KakaoTalk
        and Listings:Csv switch that part from the sandbox to the real service; Orchestrator holds the hosting options.
        See samples/Orchestrator.Samples.Console/README.md. Exit code: 0 when the summary adds up, 1 when not, 2 on bad options.
        """);

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
