using Orchestrator.Storage;

namespace Orchestrator.Crash.Tests;

/// <summary>Three host processes at once on one PostgreSQL database polling the same sources, one of them killed now and then.</summary>
public sealed class SeveralInstancesTests
{
    [Fact]
    public async Task Three_hosts_on_one_database_take_every_order_once_and_never_overlap_sync_runs()
    {
        CrashWorld.PostgresOrSkip();
        var seed = CrashTests.Seed("three-hosts");
        var random = new Random(seed);
        var orderRandom = new Random(seed + 1);
        await using var world = await CrashWorld.StartAsync("postgresql");
        using var stop = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                world.AddOrders(orderRandom);
                await Task.Delay(orderRandom.Next(50, 250), CancellationToken.None);
            }
        }, TestContext.Current.CancellationToken);

        var hosts = Enumerable.Range(0, 3).Select(_ => world.Launch()).ToList();
        var kills = 0;
        for (var i = 0; i < 8; i++)
        {
            await Task.Delay(random.Next(1_000, 4_000), TestContext.Current.CancellationToken);
            var victim = random.Next(hosts.Count);
            Assert.All(hosts, h => Assert.False(h.HasExited, $"seed {seed}: a host exited by itself.\n{world.Logs()}"));
            await hosts[victim].KillAsync();
            hosts[victim].Dispose();
            kills++;
            hosts[victim] = world.Launch();
        }

        await stop.CancelAsync();
        await stream;
        foreach (var h in hosts)
        {
            await h.KillAsync();
            h.Dispose();
        }

        var report = await CrashTests.FinalRunAsync(world, seed, hosts: 3);

        // No two sync runs overlapped: each run that finished ended before the next one started (a run cut by a kill has no end;
        // the next one starts only after its lease expired).
        await using var store = await world.OpenStoreAsync();
        var runs = (await store.SyncRuns.GetRecentAsync(10_000, CancellationToken.None)).OrderBy(r => r.StartedAt).ToList();
        Assert.True(runs.Count(r => r.State == SyncRunState.Completed) >= 2, $"seed {seed}: fewer than two completed sync runs.");
        var overlaps = 0;
        for (var i = 1; i < runs.Count; i++)
        {
            if (runs[i - 1].CompletedAt is { } end && runs[i].StartedAt < end)
            {
                overlaps++;
            }
        }

        Assert.True(overlaps == 0, $"seed {seed}: {overlaps} sync runs overlapped.");
        var line = $"three hosts: seed {seed}, kills {kills}, launches {world.Launched}, orders {world.OrdersDelivered}, sync runs {runs.Count}, overlaps 0, {report}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine("crash test " + line);
    }
}
