using System.Diagnostics;
using Orchestrator.Catalog;
using Orchestrator.Channels.Tests;
using Orchestrator.Intake;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Stock;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Coupang.Tests;

/// <summary>Drives the adapter against the Coupang simulator over real HTTP on loopback.</summary>
public sealed class CoupangChannelContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadStockAsync_WholeCatalog_ReadsEveryListingWithItsQuantity()
    {
        const int Count = 20_000;
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.Coupang.ListingCount = Count), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.MaxConcurrency = 32);
        var (map, builder) = NewBuilder(sandbox);

        var watch = Stopwatch.StartNew();
        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);
        watch.Stop();
        TestContext.Current.SendDiagnosticMessage($"Coupang: read {Count} listings in {watch.Elapsed.TotalSeconds:0.00} s");

        var snapshot = builder.Build();
        Assert.Equal(Count, snapshot.ReportedCount);
        foreach (var listing in sandbox.Coupang.Listings.Take(500))
        {
            Assert.True(map.Catalog.TryGetOrdinal(listing.SkuCode, out var ordinal));
            Assert.Equal(sandbox.Coupang.GetQuantity(listing.VendorItemId), snapshot.Quantities[ordinal]);
        }
    }

    [Fact]
    public async Task PushStockAsync_Updates_AreAppliedAndReportedInOrder()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox);
        var updates = sandbox.Coupang.Listings.Take(40).Select((l, i) => new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, i, $"tx-{i}")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Equal(updates.Count, results.Count);
        for (var i = 0; i < updates.Count; i++)
        {
            Assert.Same(updates[i], results[i].Update);
            Assert.Equal(ChannelPushStatus.Succeeded, results[i].Status);
            Assert.Equal(i, sandbox.Coupang.GetQuantity(updates[i].Listing.Id));
        }
    }

    [Fact]
    public async Task PushStockAsync_BudgetBelowTheServersLimit_NeverTriggersA429()
    {
        await using var sandbox = await SandboxServer.StartAsync(
            Fast(o =>
            {
                o.Coupang.RequestsPerSecond = 200;
                o.Coupang.Burst = 40;
            }),
            TestContext.Current.CancellationToken);

        // Half the server's rate and a quarter of its burst, as the defaults keep against the documented limit: the
        // margin absorbs the jitter between the moment a permit is granted and the moment the request arrives.
        using var channel = Create(sandbox, o =>
        {
            o.RequestsPerSecond = 100;
            o.Burst = 10;
            o.MaxConcurrency = 16;
            o.RateLimitedPause = TimeSpan.FromSeconds(1);
        });
        var updates = sandbox.Coupang.Listings.Take(150).Select(l => new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, 5, "t")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(ChannelPushStatus.Succeeded, r.Status));
        Assert.Equal(0, sandbox.Coupang.RateLimit.RefusedCount);
        Assert.Equal(150, sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task PushStockAsync_UnknownVendorItem_IsRejectedWithoutFailingTheOthers()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox);
        var good = sandbox.Coupang.Listings[0];
        ChannelStockUpdate[] updates = [new(ListingKey.Coupang(good.VendorItemId), good.SkuCode, 7, "t1"), new(ListingKey.Coupang(1), "NOPE", 7, "t2")];

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Equal(ChannelPushStatus.Succeeded, results[0].Status);
        Assert.Equal(ChannelPushStatus.Failed, results[1].Status);
        Assert.Equal(ChannelFailureKind.Rejected, results[1].Failure);
        Assert.False(results[1].IsRetryable);
    }

    [Fact]
    public async Task FetchAsync_OrdersAcrossPages_FollowsNextTokenAndMarksThemReceived()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        var added = sandbox.Coupang.AddOrders(123, Start.AddHours(1), TimeSpan.FromMinutes(1));
        using var channel = Create(sandbox);

        var orders = await FetchAllAsync(channel, new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 50));

        Assert.Equal(added.Select(o => o.ShipmentBoxId.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), orders.Select(o => o.OrderId).Order());
        var first = orders.Single(o => o.OrderId == added[0].ShipmentBoxId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(added[0].OrderedAt, first.CreatedAt);
        Assert.Equal(new OrderLine(added[0].SkuCode, added[0].Quantity), Assert.Single(first.Lines));

        var marked = await channel.MarkReceivedAsync(orders.Select(o => o.OrderId).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(123, marked.Marked.Count);
        Assert.Empty(marked.Failed);
        Assert.All(added, o => Assert.Equal("INSTRUCT", sandbox.Coupang.GetOrderStatus(o.ShipmentBoxId)));
        var again = await channel.MarkReceivedAsync([orders[0].OrderId], TestContext.Current.CancellationToken);
        Assert.Single(again.Marked);
    }

    [Fact]
    public async Task ReadStockAsync_WrongSecret_ThrowsUnauthorizedInvalidSignature()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.SecretKey = "not-the-secret-key");
        var (_, builder) = NewBuilder(sandbox);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.Unauthorized, ex.Kind);
        Assert.Equal(401, ex.StatusCode);
        Assert.Contains("Invalid signature.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadStockAsync_ClockTenMinutesBehind_ThrowsSignatureExpired()
    {
        var serverClock = new ManualTimeProvider(Start);
        var adapterClock = new ManualTimeProvider(Start - TimeSpan.FromMinutes(10));
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = serverClock), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, time: adapterClock);
        var (_, builder) = NewBuilder(sandbox);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("Specified signature is expired.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushStockAsync_TooManyRequestsWithRetryAfter_WaitsThenSucceeds()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { Method = "PUT", RetryAfter = TimeSpan.FromSeconds(3) });
        using var channel = Create(sandbox, time: clock);
        var l = sandbox.Coupang.Listings[5];

        var push = channel.PushStockAsync([new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, 0, "t")], TestContext.Current.CancellationToken);
        await WaitUntilAsync(() => sandbox.Coupang.Faults.AppliedCount == 1);
        clock.Advance(TimeSpan.FromSeconds(2.5));
        await Task.Delay(20, TestContext.Current.CancellationToken);
        Assert.Equal(0, sandbox.Coupang.QuantityWrites);
        while (!push.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        var result = Assert.Single(await push);
        Assert.Equal(ChannelPushStatus.Succeeded, result.Status);
        Assert.Equal(0, sandbox.Coupang.GetQuantity(l.VendorItemId));
        Assert.True(clock.GetUtcNow() >= Start.AddSeconds(3));
    }

    [Fact]
    public async Task ReadStockAsync_TransientServerErrors_RetriesAndReadsEverything()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = 3 });
        using var channel = Create(sandbox);
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Coupang.Listings.Count, builder.ReportedCount);
        Assert.Equal(3, sandbox.Coupang.Faults.AppliedCount);
    }

    [Fact]
    public async Task PushStockAsync_ServiceKeepsFailing_OpensTheCircuitAndReportsTheRestNotSent()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = int.MaxValue });
        using var channel = Create(sandbox, o =>
        {
            o.MaxRetryAttempts = 0;
            o.MaxConcurrency = 1;
        });
        var updates = sandbox.Coupang.Listings.Take(40).Select(l => new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, 1, "t")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Contains(results, r => r.Status == ChannelPushStatus.Failed && r.Failure == ChannelFailureKind.Unavailable);
        var notSent = results.Where(r => r.Status == ChannelPushStatus.NotSent).ToList();
        Assert.NotEmpty(notSent);
        Assert.All(notSent, r => Assert.True(r.IsRetryable));
        Assert.Equal(40 - notSent.Count, sandbox.Coupang.Faults.AppliedCount);
    }

    [Fact]
    public async Task ReadStockAsync_MalformedBody_ThrowsMalformedResponse()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/inventories", Skip = 10 });
        using var channel = Create(sandbox);
        var (_, builder) = NewBuilder(sandbox);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
        Assert.Contains("unreadable response body", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_MalformedPage_ThrowsAndTheSameCursorLaterLosesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.AddOrders(120, Start.AddHours(1), TimeSpan.FromMinutes(1));
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/ordersheets", Skip = 1 });
        using var channel = Create(sandbox);
        var query = new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 50);
        var first = await channel.FetchAsync(query, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.FetchAsync(query with { Cursor = first.NextCursor }, TestContext.Current.CancellationToken));
        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
        var rest = await FetchAllAsync(channel, query with { Cursor = first.NextCursor });

        Assert.Equal(120, first.Orders.Count + rest.Count);
    }

    [Fact]
    public async Task PushStockAsync_ResponseDroppedAfterWrite_RetriesTheAbsoluteSetSafely()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.DropResponse) { Method = "PUT" });
        using var channel = Create(sandbox);
        var l = sandbox.Coupang.Listings[3];

        var result = Assert.Single(await channel.PushStockAsync([new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, 42, "t")], TestContext.Current.CancellationToken));

        Assert.Equal(ChannelPushStatus.Succeeded, result.Status);
        Assert.Equal(42, sandbox.Coupang.GetQuantity(l.VendorItemId));
        Assert.Equal(2, sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task ReadStockAsync_NoAnswerInTime_ThrowsTimeout()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Hang) { Delay = TimeSpan.FromSeconds(30), Times = int.MaxValue });
        using var channel = Create(sandbox, o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.MaxRetryAttempts = 1;
        });
        var (_, builder) = NewBuilder(sandbox);

        var ex = await Assert.ThrowsAsync<ChannelApiTimeoutException>(() => channel.ReadStockAsync(builder, TestContext.Current.CancellationToken));

        Assert.Equal(OrchestratorErrorCodes.ChannelApiTimeout, ex.ErrorCode);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Ctor_KeyExpiringWithinWarningWindow_LogsWarning()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        var clock = new ManualTimeProvider(Start);
        var logs = new CapturingLoggerFactory();

        using var channel = Create(sandbox, o => o.KeyIssuedAt = Start - TimeSpan.FromDays(170), clock, logs);

        var entry = Assert.Single(logs.Entries, e => e.EventId.Id == 2001);
        Assert.Contains("10 days left", entry.Message, StringComparison.Ordinal);
        Assert.Equal(Start + TimeSpan.FromDays(10), channel.AccessKeyExpiresAt);
    }

    private static SandboxOptions Fast(Action<SandboxOptions>? change = null)
    {
        var options = new SandboxOptions();
        options.Coupang.ListingCount = 200;
        options.Coupang.RequestsPerSecond = 1_000_000;
        options.Coupang.Burst = 1_000_000;
        change?.Invoke(options);
        return options;
    }

    private static CoupangChannel Create(SandboxServer sandbox, Action<CoupangChannelOptions>? change = null, TimeProvider? time = null, CapturingLoggerFactory? logs = null)
    {
        var options = new CoupangChannelOptions
        {
            BaseAddress = sandbox.Coupang.BaseAddress,
            VendorId = sandbox.Coupang.VendorId,
            AccessKey = sandbox.Coupang.AccessKey,
            SecretKey = sandbox.Coupang.SecretKey,
            RequestsPerSecond = 20_000,
            Burst = 200,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        };
        change?.Invoke(options);
        var channel = new CoupangChannel("coupang-test", new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, time, logs);
        return channel;
    }

    private static (ChannelListingMap Map, StockSnapshotBuilder Builder) NewBuilder(SandboxServer sandbox)
    {
        var catalog = new SkuCatalog(sandbox.Coupang.Listings.Count);
        var map = new ChannelListingMap("coupang-test", catalog);
        foreach (var l in sandbox.Coupang.Listings)
        {
            map.Add(ListingKey.Coupang(l.VendorItemId), l.SkuCode);
        }

        return (map, new StockSnapshotBuilder(map, "wh-1", Start));
    }

    private static async Task<List<SourceOrder>> FetchAllAsync(IOrderSource source, OrderQuery query)
    {
        List<SourceOrder> all = [];
        while (true)
        {
            var page = await source.FetchAsync(query, TestContext.Current.CancellationToken);
            all.AddRange(page.Orders);
            if (!page.HasMore)
            {
                return all;
            }

            query = query with { Cursor = page.NextCursor };
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
