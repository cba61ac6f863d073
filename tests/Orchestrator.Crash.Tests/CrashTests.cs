using System.Diagnostics;
using System.Globalization;
using Orchestrator.Storage;

namespace Orchestrator.Crash.Tests;

/// <summary>
/// Host processes killed with SIGKILL at random moments while orders stream in and channel syncs run, then one clean run:
/// every order delivered is buffered once with its task and marked at its source, the pending-sync queue drains, the channels
/// converge. Set <c>ORCHESTRATOR_CRASH_SEED</c> to replay a seed printed by a failing run.
/// </summary>
/// <remarks>The SQLite run is here and the PostgreSQL run in <see cref="PostgreSqlCrashTests"/>: two classes, so xUnit runs them at
/// the same time (each about 3.5 minutes).</remarks>
public sealed class CrashTests
{
    /// <summary>Kills per store; <c>ORCHESTRATOR_CRASH_KILLS</c> changes it for a dev run (the issue asks for at least 50).</summary>
    private static readonly int KillsPerStore = int.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_CRASH_KILLS"), CultureInfo.InvariantCulture, out var k) ? k : 50;

    [Fact]
    public async Task Sqlite_host_killed_50_times_loses_and_doubles_nothing() => await RunAsync("sqlite");

    internal static int Seed(string name)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("ORCHESTRATOR_CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: seed {seed} (replay: ORCHESTRATOR_CRASH_SEED={seed} dotnet test tests/Orchestrator.Crash.Tests -c Release)");
        Console.WriteLine($"crash test {name}: seed {seed}");
        return seed;
    }

    internal static async Task RunAsync(string storage)
    {
        var seed = Seed(storage);
        var random = new Random(seed);
        var orderRandom = new Random(seed + 1);
        var started = Stopwatch.StartNew();
        await using var world = await CrashWorld.StartAsync(storage);
        using var stop = new CancellationTokenSource();
        var stream = StreamAsync(world, orderRandom, stop.Token);
        var outages = world.OutagesAsync(new Random(seed + 2), stop.Token);

        var kills = 0;
        var startupKills = 0;
        for (var i = 0; i < KillsPerStore; i++)
        {
            using var host = world.Launch();

            // A host needs 3 s or more to start on a loaded 2-core machine (runtime, configuration, storage, first job). So 3 kills in
            // 10 come 0.2–3 s after launch (start-up, migrations, the first runs), and the others 0–3.5 s after the sandbox served the
            // host's first request (polls, marks, syncs, pushes and queue passes), whatever the start-up took.
            if (random.Next(10) < 3)
            {
                await Task.Delay(random.Next(200, 3_000), TestContext.Current.CancellationToken);
                startupKills++;
            }
            else
            {
                Assert.True(await world.WaitUntilWorkingAsync(host), $"seed {seed}: host {i + 1} did not start working in 60 s.\n{world.Logs()}");
                await Task.Delay(random.Next(0, 3_500), TestContext.Current.CancellationToken);
            }

            Assert.False(host.HasExited, $"seed {seed}: host {i + 1} exited by itself ({(host.HasExited ? host.ExitCode : 0)}).\n{world.Logs()}");
            await host.KillAsync();
            kills++;
        }

        await stop.CancelAsync();
        await Task.WhenAll(stream, outages);
        TestContext.Current.TestOutputHelper?.WriteLine($"{storage}: {kills} kills ({startupKills} in start-up), {world.Launched} launches, {world.Outages} outages ({world.OutageRefusals} writes refused) in {started.Elapsed.TotalSeconds:F0} s; final run");
        var report = await FinalRunAsync(world, seed);
        var line = $"{storage}: seed {seed}, kills {kills} ({startupKills} 0.2–3 s after launch, {kills - startupKills} 0–3.5 s after the first request), launches {world.Launched}, orders {world.OrdersDelivered}, stock decreases {world.StockChanges}, " +
            $"channel outages {world.Outages} ({world.OutageRefusals} writes refused), {report}, {started.Elapsed.TotalSeconds:F0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine("crash test " + line);
    }

    /// <summary>Orders stream into the three sources and the WES sells stock, every 50–250 ms, until stopped.</summary>
    internal static Task StreamAsync(CrashWorld world, Random random, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            world.AddOrders(random);
            world.SellStock();
            await Task.Delay(random.Next(50, 250), CancellationToken.None);
        }
    }, CancellationToken.None);

    /// <summary>Runs one host until everything settled (or a deadline), kills it, and asserts the invariants exactly.</summary>
    internal static async Task<string> FinalRunAsync(CrashWorld world, int seed, int hosts = 1)
    {
        var final = Enumerable.Range(0, hosts).Select(_ => world.Launch()).ToList();
        await using var store = await world.OpenStoreAsync();
        var deadline = Stopwatch.StartNew();
        DateTimeOffset? settledAt = null;
        int? writesAtSettle = null;
        DateTimeOffset? quietFrom = null;
        var converged = false;
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            Assert.All(final, h => Assert.False(h.HasExited, $"seed {seed}: the final host exited by itself.\n{world.Logs()}"));
            if (!await OrdersSettledAsync(world, store) || !await QueueDrainedAsync(store))
            {
                settledAt = null;
                continue;
            }

            // Converged: a sync run that started after everything settled, then one more that pushed nothing.
            settledAt ??= DateTimeOffset.UtcNow;
            var runs = await store.SyncRuns.GetRecentAsync(10, TestContext.Current.CancellationToken);
            var completedSince = runs.Where(r => r.State == SyncRunState.Completed && r.StartedAt > settledAt && r.CompletedAt is not null).ToList();
            if (writesAtSettle is null)
            {
                if (completedSince.Count > 0)
                {
                    writesAtSettle = world.ChannelWrites;
                    quietFrom = completedSince.Max(r => r.CompletedAt);
                }

                continue;
            }

            if (runs.Any(r => r.State == SyncRunState.Completed && r.StartedAt > quietFrom))
            {
                converged = world.ChannelWrites == writesAtSettle;
                break;
            }
        }

        foreach (var h in final)
        {
            await h.KillAsync();
            h.Dispose();
        }

        await AssertOrdersAsync(world, store, seed);
        var states = await store.PendingSync.CountByStateAsync(CancellationToken.None);
        Assert.True(states.GetValueOrDefault(PendingSyncState.Pending) + states.GetValueOrDefault(PendingSyncState.InFlight) + states.GetValueOrDefault(PendingSyncState.DeadLettered) == 0,
            $"seed {seed}: the pending-sync queue did not drain: {string.Join(", ", states.Select(s => $"{s.Key}={s.Value}"))}");
        var delivery = await DeliveryCheck.AssertAsync(world, seed, hosts);
        var allRuns = await store.SyncRuns.GetRecentAsync(100_000, CancellationToken.None);
        Assert.True(converged, $"seed {seed}: the channels did not converge (a sync after the last order still pushed, or no sync completed in time).\n{world.Logs()}");
        return $"sync runs {allRuns.Count} ({allRuns.Count(r => r.State == SyncRunState.Completed)} completed), {delivery}, settled in {deadline.Elapsed.TotalSeconds:F1} s, violations 0";
    }

    private static async Task<bool> OrdersSettledAsync(CrashWorld world, StoreView store)
    {
        var orders = world.Orders();
        foreach (var source in orders.Select(o => o.Source).Distinct())
        {
            var counts = await store.OrderBuffer.CountByStatusAsync(source, CancellationToken.None);
            if (counts.Values.Sum() != orders.Count(o => o.Source == source)
                || (await store.OrderBuffer.GetNotMarkedAtSourceAsync(source, 1, CancellationToken.None)).Count > 0
                || (await store.OrderBuffer.GetWithoutTaskAsync(source, 1, CancellationToken.None)).Count > 0)
            {
                return false;
            }
        }

        return orders.All(o => o.Marked());
    }

    private static async Task<bool> QueueDrainedAsync(StoreView store)
    {
        var states = await store.PendingSync.CountByStateAsync(CancellationToken.None);
        return states.GetValueOrDefault(PendingSyncState.Pending) + states.GetValueOrDefault(PendingSyncState.InFlight) == 0;
    }

    private static async Task AssertOrdersAsync(CrashWorld world, StoreView store, int seed)
    {
        var orders = world.Orders();
        Assert.NotEmpty(orders);
        Assert.Equal(orders.Count, orders.Select(o => (o.Source, o.OrderId)).Distinct().Count());
        foreach (var source in new[] { "coupang", "naver", "cafe24" })
        {
            var counts = await store.OrderBuffer.CountByStatusAsync(source, CancellationToken.None);
            Assert.True(orders.Count(o => o.Source == source) == counts.Values.Sum(), $"seed {seed}: {source}: {orders.Count(o => o.Source == source)} orders delivered, {counts.Values.Sum()} buffered.");
            Assert.Empty(await store.OrderBuffer.GetNotMarkedAtSourceAsync(source, 10, CancellationToken.None));
            Assert.Empty(await store.OrderBuffer.GetWithoutTaskAsync(source, 10, CancellationToken.None));
        }

        foreach (var (source, orderId, marked) in orders)
        {
            var buffered = await store.OrderBuffer.GetAsync(source, orderId, CancellationToken.None);
            Assert.True(buffered is not null, $"seed {seed}: {source} order {orderId} is not in the buffer.");
            Assert.True(buffered.Flow is not null, $"seed {seed}: {source} order {orderId} has no task.");
            Assert.True(buffered.MarkedAtSourceAt is not null && marked(), $"seed {seed}: {source} order {orderId} is not marked at its source.");
        }
    }
}
