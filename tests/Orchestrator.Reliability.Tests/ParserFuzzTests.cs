using System.Globalization;
using System.Text;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// Mutates the real answers of every JSON-reading adapter call (Coupang, Naver, Cafe24, WES) with a seeded random mutator for a
/// fixed number of iterations: nothing but a typed <see cref="OrchestratorException"/> may escape. <c>ORCHESTRATOR_FUZZ_ITERATIONS</c>
/// sets the iterations per call (default 150), <c>ORCHESTRATOR_FUZZ_SEED</c> the seed (default 2026).
/// </summary>
public sealed class ParserFuzzTests
{
    private static readonly string[] Tokens =
    [
        "-1", "99999999999999999999", "1e309", "-0", "0.5", "null", "true", "\"x\"", "{", "}", "[", "]", ",", ":", "\"\\uD800\"", "\"\\u0000\"",
        "\"" + new string('A', 5_000) + "\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{\"a\":", "\u00ff\u00fe",
    ];

    [Fact]
    public async Task Mutated_answers_never_escape_as_anything_but_a_typed_error()
    {
        var iterations = Env("ORCHESTRATOR_FUZZ_ITERATIONS", 150);
        var seed = Env("ORCHESTRATOR_FUZZ_SEED", 2026);
        await using var rig = await Rig.StartAsync();
        BadInputCorpusTests.SeedOrders(rig);
        var failures = new List<string>();
        var tried = 0;
        var typed = 0;
        for (var o = 0; o < Operation.All.Count; o++)
        {
            var operation = Operation.All[o];
            var random = new Random(seed * 31 + o);
            for (var i = 0; i < iterations; i++)
            {
                var description = string.Empty;
                rig.Proxy.Rewrite = (method, path, body) =>
                {
                    if (!operation.Answers(method, path))
                    {
                        return null;
                    }

                    lock (random)
                    {
                        var (mutated, what) = Mutate(body, random);
                        description += what + "; ";
                        return mutated;
                    }
                };
                var (outcome, error) = await Outcomes.RunAsync(rig, operation);
                rig.Proxy.Rewrite = null;
                tried++;
                if (outcome == Outcome.TypedError)
                {
                    typed++;
                }
                else if (outcome == Outcome.Untyped)
                {
                    failures.Add($"{operation} iteration {i} ({description}): {error!.GetType().Name}: {error.Message}");
                }
            }

            var (after, afterError) = await Outcomes.RunAsync(rig, operation);
            if (after != Outcome.Handled)
            {
                failures.Add($"{operation}: the clean call after fuzzing failed: {afterError!.GetType().Name}: {afterError.Message}");
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"parser fuzz: seed {seed}, {tried} mutated answers over {Operation.All.Count} calls, {typed} typed errors, {tried - typed - failures.Count} handled, {failures.Count} untyped");
        Assert.True(failures.Count == 0, $"{failures.Count} of {tried} mutated answers escaped untyped (replay with ORCHESTRATOR_FUZZ_SEED={seed}):{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(20))}");
    }

    internal static (byte[] Body, string What) Mutate(byte[] body, Random random)
    {
        var bytes = body.ToList();
        var what = new StringBuilder();
        for (var n = 1 + random.Next(3); n > 0; n--)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    what.Append(CultureInfo.InvariantCulture, $"byte {at} changed,");
                    break;
                case 1:
                    bytes.RemoveRange(at, bytes.Count - at);
                    what.Append(CultureInfo.InvariantCulture, $"cut at {at},");
                    break;
                case 2 when bytes.Count > 0:
                    var length = random.Next(1, Math.Min(32, bytes.Count - at) + 1);
                    bytes.RemoveRange(at, length);
                    what.Append(CultureInfo.InvariantCulture, $"{length} bytes deleted at {at},");
                    break;
                case 3 when bytes.Count > 0:
                    var span = bytes.GetRange(at, random.Next(1, Math.Min(64, bytes.Count - at) + 1));
                    bytes.InsertRange(at, span);
                    what.Append(CultureInfo.InvariantCulture, $"{span.Count} bytes repeated at {at},");
                    break;
                case 4:
                    var token = Tokens[random.Next(Tokens.Length)];
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(token));
                    what.Append(CultureInfo.InvariantCulture, $"'{(token.Length > 20 ? token[..20] + "…" : token)}' inserted at {at},");
                    break;
                default:
                    // Replace the number that starts at or after the position with an extreme one.
                    var start = bytes.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (start < 0)
                    {
                        break;
                    }

                    var end = start;
                    while (end < bytes.Count && bytes[end] is >= (byte)'0' and <= (byte)'9')
                    {
                        end++;
                    }

                    var extreme = random.Next(4) switch { 0 => "99999999999999999999", 1 => "-2147483649", 2 => "2147483648", _ => "1.5" };
                    bytes.RemoveRange(start, end - start);
                    bytes.InsertRange(start, Encoding.ASCII.GetBytes(extreme));
                    what.Append(CultureInfo.InvariantCulture, $"number at {start} → {extreme},");
                    break;
            }
        }

        return (bytes.ToArray(), what.ToString());
    }

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
}
