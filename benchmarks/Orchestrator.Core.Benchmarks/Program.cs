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
    public static void Main(string[] args)
    {
        var quick = args.Contains("--quick");
        BenchmarkSizes.Quick = quick;
        var job = quick
            ? Job.ShortRun.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5)
            : Job.Default.WithMaxIterationCount(20);

        // In-process: the large catalogs are built once per parameter set instead of once per benchmark process.
        var config = DefaultConfig.Instance
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
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

    public static IEnumerable<int> Skus => Quick ? [100_000, 1_000_000] : [100_000, 1_000_000, 10_000_000];

    public static IEnumerable<double> Drifts => Quick ? [0.01] : [0.01, 0.30];
}
