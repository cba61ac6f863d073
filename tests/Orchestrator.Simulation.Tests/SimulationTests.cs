using System.Globalization;
using System.Text;

namespace Orchestrator.Simulation.Tests;

/// <summary>
/// Runs the deterministic simulation over many seeds. <c>ORCHESTRATOR_SIM_SEEDS</c> sets how many (default 200),
/// <c>ORCHESTRATOR_SIM_SEED</c> runs one, <c>ORCHESTRATOR_SIM_FIRST_SEED</c> sets the first.
/// </summary>
public sealed class SimulationTests
{
    private const string Filter = "FullyQualifiedName~Orchestrator.Simulation.Tests.SimulationTests.Every_seed_keeps_every_invariant";

    [Fact]
    public async Task Every_seed_keeps_every_invariant()
    {
        var seeds = Seeds();
        var outcomes = new List<SeedOutcome>();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = TestContext.Current.CancellationToken }, async (seed, _) =>
        {
            var outcome = await RunSeedAsync(seed);
            lock (outcomes)
            {
                outcomes.Add(outcome);
            }
        });

        var report = Figures(outcomes);
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        var failed = outcomes.Where(o => o.Violations.Count > 0).OrderBy(o => o.Seed).ToList();
        if (failed.Count > 0)
        {
            var message = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"{failed.Count} of {outcomes.Count} seeds broke an invariant.");
            foreach (var outcome in failed.Take(5))
            {
                message.AppendLine(CultureInfo.InvariantCulture, $"seed {outcome.Seed}: replay with: ORCHESTRATOR_SIM_SEED={outcome.Seed} dotnet test tests/Orchestrator.Simulation.Tests -c Release --filter \"{Filter}\"");
                foreach (var violation in outcome.Violations.Take(failed.Count == 1 ? 50 : 8))
                {
                    message.AppendLine("  - " + violation);
                }
            }

            message.AppendLine(report);
            Assert.Fail(message.ToString());
        }
    }

    [Fact]
    public async Task Without_the_quantity_guard_a_queued_push_oversells_and_the_simulation_says_so()
    {
        // The invariants must be able to fail: the same world without the pending-sync quantity guard sends stale queued
        // quantities after the stock fell, and some seed catches it.
        var caught = false;
        for (var seed = 1; seed <= 60 && !caught; seed++)
        {
            await using var sim = new Simulation(seed, quantityGuard: false);
            var outcome = await sim.RunAsync();
            caught = outcome.Violations.Any(v => v.StartsWith("oversell:", StringComparison.Ordinal));
        }

        Assert.True(caught, "no seed of 60 oversold without the guard; the oversell invariant may be unable to fail");
    }

    internal static async Task<SeedOutcome> RunSeedAsync(int seed)
    {
        await using var sim = new Simulation(seed);
        try
        {
            return await sim.RunAsync();
        }
        catch (Exception ex)
        {
            return new SeedOutcome(seed, [$"the simulation itself threw {ex}"], sim.Faults.Counts.ToDictionary(), 0, 0, 0, 0);
        }
    }

    private static IReadOnlyList<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_SIM_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one))
        {
            return [one];
        }

        var count = int.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_SIM_SEEDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 200;
        var first = int.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_SIM_FIRST_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var f) ? f : 1;
        return Enumerable.Range(first, count).ToList();
    }

    internal static string Figures(IReadOnlyList<SeedOutcome> outcomes)
    {
        var faults = outcomes.SelectMany(o => o.Faults).GroupBy(k => k.Key).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Sum(k => k.Value)}");
        return string.Create(CultureInfo.InvariantCulture,
            $"simulation: {outcomes.Count} seeds, {outcomes.Sum(o => o.Steps)} steps, {outcomes.Sum(o => o.Orders)} orders, {outcomes.Sum(o => o.Pushes)} accepted pushes, {outcomes.Sum(o => o.Crashes)} crashes survived, faults: {string.Join(", ", faults)}; violations: {outcomes.Sum(o => o.Violations.Count)} in {outcomes.Count(o => o.Violations.Count > 0)} seeds");
    }
}
