using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Runs the benchmarks. <c>--quick</c> runs the small sizes with a short job (under three minutes); anything else goes to
/// BenchmarkDotNet's switcher, for example <c>--filter *MismatchAnalyzer*</c>.
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var at = Array.IndexOf(args, "--full-run");
        if (at >= 0)
        {
            var numbers = args.Skip(at + 1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            await FullRun.RunAsync(numbers.Length > 0 ? (int)numbers[0] : 100_000, 0.01, numbers.Length > 1 ? numbers[1] : 2_000, Console.Out);
            return;
        }

        at = Array.IndexOf(args, "--footprint");
        if (at >= 0)
        {
            Footprint.Run(at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000, Console.Out);
            return;
        }

        at = Array.IndexOf(args, "--diff-stopwatch");
        if (at >= 0)
        {
            var numbers = args.Skip(at + 1).Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            MismatchAnalyzerBenchmarks.Stopwatch(numbers.Length > 0 ? (int)numbers[0] : 10_000_000, numbers.Length > 1 ? numbers[1] : 0.01, Console.Out);
            return;
        }

        if (args.Contains("--push"))
        {
            await PushThroughput.RunAsync(args.Contains("--quick"), Console.Out);
            return;
        }

        if (args.Contains("--ingest-stopwatch"))
        {
            foreach (var src in Enum.GetValues<IngestSource>())
            {
                var b = new IngestBenchmarks { Listings = int.Parse(args[^1], System.Globalization.CultureInfo.InvariantCulture), Source = src };
                b.Setup();
                double bestA = double.MaxValue, bestB = double.MaxValue;
                for (var k = 0; k < 12; k++)
                {
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    b.JsonSerializerDictionary();
                    bestA = Math.Min(bestA, sw.Elapsed.TotalMilliseconds);
                    sw.Restart();
                    b.ColumnarSnapshot();
                    bestB = Math.Min(bestB, sw.Elapsed.TotalMilliseconds);
                }

                Console.WriteLine($"{src}: baseline {bestA:F1} ms, columnar {bestB:F1} ms, ratio {bestA / bestB:F2}");
            }

            return;
        }

        var quick = args.Contains("--quick");
        BenchmarkSizes.Quick = quick;
        args = BenchmarkSizes.TakeOverrides(args);
        var job = quick
            ? Job.ShortRun.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
            : Job.Default.WithWarmupCount(3).WithMinIterationCount(5).WithMaxIterationCount(15);

        // In-process: the large catalogs are built once per parameter set instead of once per benchmark process.
        var config = DefaultConfig.Instance
            .AddJob(job.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromHours(2), logOutput: true)))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var rest = args.Where(a => a != "--quick").ToArray();
        if (rest.Length == 0)
        {
            rest = ["--filter", "*"];
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, config);
    }
}

/// <summary>The catalog sizes, narrowed in quick mode.</summary>
public static class BenchmarkSizes
{
    public static bool Quick { get; set; }

    private static int[]? s_skus;
    private static double[]? s_drifts;

    public static IEnumerable<int> Skus => s_skus ?? (Quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000]);

    public static IEnumerable<double> Drifts => s_drifts ?? (Quick ? [0.01] : [0.01, 0.30]);

    /// <summary>Reads <c>--skus a,b</c> and <c>--drifts x,y</c> (the diff sizes, for one case of the full run) and returns the other arguments.</summary>
    public static string[] TakeOverrides(string[] args)
    {
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--skus" or "--drifts" && i + 1 < args.Length)
            {
                var values = args[++i].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                if (args[i - 1] == "--skus")
                {
                    s_skus = [.. values.Select(v => (int)v)];
                }
                else
                {
                    s_drifts = values;
                }
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return [.. rest];
    }

    /// <summary>Gets the listings per stock read in the ingest benchmark: 1M in full, 100k in quick mode.</summary>
    public static IEnumerable<int> Listings => Quick ? [100_000] : [1_000_000];
}
