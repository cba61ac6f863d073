using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Storage;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

/// <summary>Two hosts on one PostgreSQL database (<c>ORCHESTRATOR_TEST_POSTGRES</c>), one sandbox and one clock.</summary>
public sealed class MultiHostPostgreSqlTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_hosts_on_one_database_run_each_tick_once_never_overlapping_and_push_each_change_once()
    {
        var admin = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            Assert.SkipWhen(Environment.GetEnvironmentVariable("ORCHESTRATOR_REQUIRE_POSTGRES") != "1", "Set ORCHESTRATOR_TEST_POSTGRES to run the two-host test.");
            Assert.Fail("ORCHESTRATOR_REQUIRE_POSTGRES=1 but ORCHESTRATOR_TEST_POSTGRES is not set.");
        }

        var schema = "orch_hosting_" + Guid.NewGuid().ToString("N");
        await using var dataSource = NpgsqlDataSource.Create(admin);
        await using (var create = dataSource.CreateCommand($"CREATE SCHEMA {schema}"))
        {
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, MaxPoolSize = 20 }.ConnectionString;
            await using var world = await SandboxWorld.StartAsync(skus: 1_000, drift: 0.05);
            var clock = new ManualTimeProvider(Start);
            var coupangOff = world.Sandbox.Coupang.Listings.Count(l => world.Sellable(l.SkuCode) != world.Sandbox.Coupang.GetQuantity(l.VendorItemId));
            await using var first = await HostHarness.StartAsync(world, clock, b => b.UsePostgreSql(o => o.ConnectionString = connectionString), instance: "host-a");
            await using var second = await HostHarness.StartAsync(world, clock, b => b.UsePostgreSql(o => o.ConnectionString = connectionString), instance: "host-b");

            for (var tick = 0; tick < 3; tick++)
            {
                var next = await first.NextRunAsync("channel-sync");
                Assert.Equal(next, await second.NextRunAsync("channel-sync"));
                var (a, b) = (first.Attempts("channel-sync"), second.Attempts("channel-sync"));
                clock.SetUtcNow(next);
                await first.WaitForRunAsync("channel-sync", a);
                await second.WaitForRunAsync("channel-sync", b);
            }

            var runs = await first.Services.GetRequiredService<ISyncRunStore>().GetRecentAsync(20, TestContext.Current.CancellationToken);
            Assert.Equal(3, runs.Count);
            Assert.All(runs, r => Assert.Equal(SyncRunState.Completed, r.State));
            var ordered = runs.OrderBy(r => r.StartedAt).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                Assert.True(ordered[i].StartedAt >= ordered[i - 1].CompletedAt, "two runs overlapped");
            }

            // Each tick ran on exactly one host; the other skipped it.
            var jobs = new[] { first.Monitor.Get("channel-sync")!, second.Monitor.Get("channel-sync")! };
            Assert.Equal(3, jobs.Sum(j => j.Runs));
            Assert.Equal(3, jobs.Sum(j => j.Skips));

            // Every drifted Coupang listing was pushed once: the later runs found nothing to do.
            Assert.Equal(coupangOff, world.Sandbox.Coupang.QuantityWrites);
            Assert.Equal(0, world.CountOff());
        }
        finally
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
