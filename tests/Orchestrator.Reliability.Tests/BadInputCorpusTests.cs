using System.Text;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// Serves every malformed answer of the corpus to every adapter call over real loopback HTTP: each call finishes or throws a
/// typed <see cref="OrchestratorException"/>, and the same adapter instance answers the next clean call.
/// </summary>
public sealed class BadInputCorpusTests
{
    [Fact]
    public async Task Every_malformed_answer_gives_a_typed_error_and_the_adapter_keeps_working()
    {
        await using var rig = await Rig.StartAsync();
        SeedOrders(rig);
        var failures = new List<string>();
        var tried = 0;
        var typed = 0;
        foreach (var operation in Operation.All)
        {
            foreach (var (name, make) in BadBodies.All)
            {
                tried++;
                rig.Proxy.Rewrite = (method, path, body) => operation.Answers(method, path) ? make(body) : null;
                var (outcome, error) = await Outcomes.RunAsync(rig, operation);
                rig.Proxy.Rewrite = null;
                if (outcome == Outcome.TypedError)
                {
                    typed++;
                }

                if (outcome == Outcome.Untyped)
                {
                    failures.Add($"{operation} on {name}: {error!.GetType().Name}: {error.Message}");
                }

                var (after, afterError) = await Outcomes.RunAsync(rig, operation);
                if (after != Outcome.Handled)
                {
                    failures.Add($"{operation} after {name}: the next clean call failed: {afterError!.GetType().Name}: {afterError.Message}");
                }
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"bad-input corpus: {tried} inputs over {Operation.All.Count} calls, {typed} typed errors, {tried - typed - failures.Count} handled, {failures.Count} untyped");
        Assert.True(tried >= 50, $"the corpus has {tried} inputs");
        Assert.True(failures.Count == 0, new StringBuilder().AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{failures.Count} of {tried} inputs were not handled:").AppendJoin(Environment.NewLine, failures).ToString());
    }

    internal static void SeedOrders(Rig rig)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        rig.Sandbox.Coupang.AddOrders(5, start, TimeSpan.FromMinutes(1));
        rig.Sandbox.Naver.AddOrders(5, start, TimeSpan.FromMinutes(1));
        rig.Sandbox.Cafe24.AddOrders(5, start, TimeSpan.FromMinutes(1));
    }
}
