using Orchestrator.Storage;

namespace Orchestrator.Crash.Tests;

/// <summary>Three host processes at once on one PostgreSQL database polling the same sources, one of them killed now and then.</summary>
public sealed class SeveralInstancesTests
{
    [Fact]
    public async Task Three_hosts_on_one_database_take_every_order_once_poll_each_partition_one_at_a_time_and_never_overlap_sync_runs()
    {
        CrashWorld.PostgresOrSkip();
        var seed = CrashTests.Seed("three-hosts");
        var random = new Random(seed);
        var orderRandom = new Random(seed + 1);
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var world = await CrashWorld.StartAsync("postgresql");
        using var stop = new CancellationTokenSource();
        var stream = CrashTests.StreamAsync(world, orderRandom, stop.Token);
        var outages = world.OutagesAsync(new Random(seed + 2), stop.Token);

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
        await Task.WhenAll(stream, outages);
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

        // One poller per partition at a time, seen by the order sources: the polls (first to last order request) of one partition never overlap.
        var polls = PollCheck.Analyze(world.OrderRequests());
        Assert.True(polls.Unlabelled == 0, $"seed {seed}: {polls.Unlabelled} order requests were sent outside an intake poll.");
        Assert.True(polls.Overlaps.Count == 0, $"seed {seed}: {polls.Overlaps.Count} polls of one partition overlapped:\n" + string.Join("\n", polls.Overlaps.Take(20)));
        Assert.True(polls.TokenOrder.Count == 0, $"seed {seed}: lock fencing tokens went backwards between polls:\n" + string.Join("\n", polls.TokenOrder.Take(20)));
        Assert.True(polls.Hosts >= 3, $"seed {seed}: only {polls.Hosts} hosts polled.");
        var line = $"three hosts: seed {seed}, kills {kills}, launches {world.Launched}, orders {world.OrdersDelivered}, stock decreases {world.StockChanges}, " +
            $"channel outages {world.Outages} ({world.OutageRefusals} writes refused), sync runs {runs.Count}, overlaps 0, " +
            $"polls {polls.Polls} by {polls.Hosts} hosts ({polls.Requests} order requests), overlapping polls 0, {report}, {started.Elapsed.TotalSeconds:F0} s";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine("crash test " + line);
    }

    [Fact]
    public async Task Without_the_intake_lock_the_sources_see_overlapping_polls()
    {
        // The poll check above can fail: with Crash__IntakeLockOff the crash host pretends an intake lock held by another host was
        // granted, so the three hosts poll the same partitions at once, and the sandbox's records show it.
        CrashWorld.PostgresOrSkip();
        var seed = CrashTests.Seed("three-hosts-lock-off");
        await using var world = await CrashWorld.StartAsync("postgresql");
        using var stop = new CancellationTokenSource();
        var stream = CrashTests.StreamAsync(world, new Random(seed + 1), stop.Token);
        var lockOff = new Dictionary<string, string>(StringComparer.Ordinal) { ["Crash__IntakeLockOff"] = "true" };
        var hosts = Enumerable.Range(0, 3).Select(_ => world.Launch(lockOff)).ToList();
        PollCheck.Result? polls = null;
        for (var waited = 0; waited < 60 && polls?.Overlaps.Count is null or 0; waited++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            polls = PollCheck.Analyze(world.OrderRequests());
        }

        await stop.CancelAsync();
        await stream;
        foreach (var h in hosts)
        {
            await h.KillAsync();
            h.Dispose();
        }

        Assert.True(polls!.Overlaps.Count > 0, $"seed {seed}: {polls.Polls} polls by {polls.Hosts} hosts without the intake lock, and the check saw no overlap.\n{world.Logs()}");
        var line = $"three hosts without the intake lock: {polls.Polls} polls, {polls.Overlaps.Count} overlapping (first: {polls.Overlaps[0]})";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Console.WriteLine("crash test " + line);
    }
}
