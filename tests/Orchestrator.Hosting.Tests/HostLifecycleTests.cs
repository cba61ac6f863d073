using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Channels;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

public sealed class HostLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("cron", "Orchestrator:ChannelSync: '*/10 * *' is not a valid cron expression")]
    [InlineData("zone", "Time zone 'Nowhere/City' is not known")]
    [InlineData("warehouse", "WarehouseId")]
    [InlineData("timeout", "Orchestrator:ChannelSyncWorkflow: The field CollectTimeout")]
    [InlineData("no-store", "The orchestrator needs a store: call .UseSqlite(…) or .UsePostgreSql(…)")]
    public async Task Bad_configuration_fails_the_start_with_a_clear_message(string problem, string expected)
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        Action<IOrchestratorBuilder>? storage = problem == "no-store" ? _ => { } : null;
        await using var host = await HostHarness.BuildAsync(world, new ManualTimeProvider(Start), storage, o =>
        {
            switch (problem)
            {
                case "cron": o.ChannelSync.Cron = "*/10 * *"; break;
                case "zone": o.ChannelSync.TimeZone = "Nowhere/City"; break;
                case "warehouse": o.WarehouseId = string.Empty; break;
                case "timeout": o.ChannelSyncWorkflow.CollectTimeout = TimeSpan.Zero; break;
            }
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(host.StartHostAsync);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_configuration_key_fails_the_start_and_names_the_key()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:WarehouseId"] = "WH1",
            ["Orchestrator:ChanelSync:Cron"] = "*/5 * * * *",
            ["Orchestrator:Storage:ConnectionString"] = "Data Source=" + Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".db"),
        });
        builder.Services.AddOrchestrator(builder.Configuration.GetSection("Orchestrator"), b => b.UseSqlite(builder.Configuration.GetSection("Orchestrator:Storage")))
            .Configure(o => (o.ChannelSync.Enabled, o.Reconciliation.Enabled) = (false, false));
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("ChanelSync", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_mid_run_records_the_run_as_cancelled_and_releases_the_job_lock()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 50, drift: 0.2);
        var clock = new ManualTimeProvider(Start);
        var slow = new StuckChannel();
        var host = await HostHarness.StartAsync(world, clock, configure: o => o.ShutdownGracePeriod = TimeSpan.FromMilliseconds(200),
            services: s => s.AddKeyedSingleton<IChannelAdapter>("slow", slow));
        try
        {
            clock.SetUtcNow(await host.NextRunAsync("channel-sync"));
            await slow.Reading.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

            await host.Host.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            await host.DisposeAsync();
        }

        await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(world.Folder, "orchestrator.db")}" }, clock, null, TestContext.Current.CancellationToken);
        var run = Assert.Single(await storage.SyncRuns.GetRecentAsync(10, TestContext.Current.CancellationToken));
        Assert.Equal(SyncRunState.Error, run.State);
        Assert.NotNull(run.CompletedAt);
        Assert.NotNull(await storage.JobLocks.TryAcquireAsync("channel-sync:WH1", "another-host", TimeSpan.FromMinutes(1), clock.GetUtcNow(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Health_checks_are_healthy_on_a_running_host_and_degraded_with_dead_letters()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        await using var host = await HostHarness.StartAsync(world, new ManualTimeProvider(Start));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var healthy = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        var queue = host.Services.GetRequiredService<IPendingSyncStore>();
        await queue.EnqueueAsync([new PendingSyncItem("t1", "coupang", "channel-stock", "coupang:SKU-1", "{}", 0, Start)], TestContext.Current.CancellationToken);
        var claim = Assert.Single(await queue.ClaimAsync(null, 10, TimeSpan.FromMinutes(1), Start, TestContext.Current.CancellationToken));
        await queue.FailAsync(claim, "refused", Start, maxAttempts: 1, TestContext.Current.CancellationToken);
        var degraded = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(HealthStatus.Degraded, degraded.Entries[OrchestratorHealthChecks.PendingSync].Status);
        Assert.Contains("1 pending-sync items are dead-lettered", degraded.Entries[OrchestratorHealthChecks.PendingSync].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_checks_report_unhealthy_when_the_store_is_down()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        await using var host = await HostHarness.BuildAsync(world, new ManualTimeProvider(Start),
            storage: b => b.UsePostgreSql(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody;Password=secret-pw;Database=none;Timeout=2"));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries[OrchestratorHealthChecks.Store].Status);
        Assert.Contains("The store does not answer", report.Entries[OrchestratorHealthChecks.Store].Description, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-pw", report.Entries[OrchestratorHealthChecks.Store].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_check_of_the_jobs_is_unhealthy_when_the_sync_has_not_succeeded_for_three_periods()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o => o.ChannelSync.Cron = "0 0 1 1 *");
        var health = host.Services.GetRequiredService<HealthCheckService>();
        await HostHarness.WaitUntilAsync(() => host.Monitor.Get("channel-sync") is { State: OrchestratorJobState.Waiting, NextRunAt: not null }, "the sync waiting");

        var fresh = await health.CheckHealthAsync(TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromDays(3 * 366));
        var stale = await health.CheckHealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, fresh.Entries[OrchestratorHealthChecks.Jobs].Status);
        Assert.Equal(HealthStatus.Unhealthy, stale.Entries[OrchestratorHealthChecks.Jobs].Status);
        Assert.Contains("channel-sync: no successful run", stale.Entries[OrchestratorHealthChecks.Jobs].Description, StringComparison.Ordinal);
    }

    /// <summary>A channel whose stock read never ends until it is cancelled.</summary>
    private sealed class StuckChannel : IChannelAdapter
    {
        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "slow";

        public ChannelKind Kind => ChannelKind.Other;

        public ChannelCapabilities Capabilities => new(10, 1, false);

        public async Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken)
        {
            Reading.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
