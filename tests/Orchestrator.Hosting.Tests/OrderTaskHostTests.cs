using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Intake;
using Orchestrator.Storage;
using Orchestrator.TestUtilities;

namespace Orchestrator.Hosting.Tests;

public sealed class OrderTaskHostTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);

    [Fact]
    public async Task Taken_orders_are_routed_by_the_configured_rules_and_their_tasks_carried_out_by_the_hosts_flow_handlers()
    {
        await using var world = await SandboxWorld.StartAsync(skus: 20, drift: 0);
        var delivered = world.Sandbox.Coupang.AddOrders(12, TimeProvider.System.GetUtcNow().AddMinutes(-20), TimeSpan.FromSeconds(30));
        var flowA = new RecordingFlowHandler(FlowType.A);
        var flowB = new RecordingFlowHandler(FlowType.B);
        var clock = new ManualTimeProvider(Start);
        await using var host = await HostHarness.StartAsync(world, clock, configure: o =>
        {
            o.ChannelSync.Enabled = false;
            o.IntakeEnabled = true;
            o.Intake.InitialLookBack = TimeSpan.FromHours(1);
            o.FlowRouting.Rules.Add(new FlowRule { Source = "coupang", Flow = FlowType.B });
        }, services: s => s.AddSingleton<IOrderFlowHandler>(flowA).AddSingleton<IOrderFlowHandler>(flowB));

        var intakeRuns = host.Attempts("intake:coupang");
        clock.SetUtcNow(await host.NextRunAsync("intake:coupang"));
        await host.WaitForRunAsync("intake:coupang", intakeRuns);
        var taskRuns = host.Attempts("order-tasks");
        clock.SetUtcNow(await host.NextRunAsync("order-tasks"));
        await host.WaitForRunAsync("order-tasks", taskRuns);

        var buffer = host.Services.GetRequiredService<IOrderBufferStore>();
        var counts = await buffer.CountByStatusAsync("coupang", TestContext.Current.CancellationToken);
        Assert.Equal(delivered.Count, counts.GetValueOrDefault(OrderStatus.Completed));
        Assert.Equal(delivered.Count, counts.Values.Sum());
        Assert.Empty(flowA.Handled);
        Assert.Equal(delivered.Count, flowB.Handled.Distinct().Count());
        var first = await buffer.GetAsync("coupang", flowB.Handled.First(), TestContext.Current.CancellationToken);
        Assert.Equal(FlowType.B, first!.Flow);
    }

    private sealed class RecordingFlowHandler(FlowType flow) : IOrderFlowHandler
    {
        public ConcurrentQueue<string> Handled { get; } = new();

        public FlowType Flow => flow;

        public Task HandleAsync(BufferedOrder order, CancellationToken cancellationToken)
        {
            Handled.Enqueue(order.Order.OrderId);
            return Task.CompletedTask;
        }
    }
}
