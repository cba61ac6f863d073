using System.Diagnostics;
using Orchestrator.Catalog;
using Orchestrator.Intake;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Stock;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Naver.Tests;

/// <summary>Drives the adapter against the Naver Commerce simulator over real HTTP on loopback.</summary>
public sealed class NaverChannelContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadStockAsync_100kListings_ReadsEveryListingAcrossProducts()
    {
        const int Count = 100_000;
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.Naver.ListingCount = Count), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.MaxConcurrency = 32);
        var (map, builder) = NewBuilder(sandbox);

        var watch = Stopwatch.StartNew();
        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);
        watch.Stop();
        TestContext.Current.SendDiagnosticMessage($"Naver: read {Count} listings in {watch.Elapsed.TotalSeconds:0.00} s");

        var snapshot = builder.Build();
        Assert.Equal(Count, snapshot.ReportedCount);
        Assert.Equal(0, snapshot.UnknownListingCount);
        foreach (var l in sandbox.Naver.Listings.Where((_, i) => i % 997 == 0))
        {
            Assert.True(map.Catalog.TryGetOrdinal(l.SkuCode, out var ordinal));
            Assert.Equal(sandbox.Naver.GetStock(l.OriginProductNo, l.OptionCombinationId), snapshot.Quantities[ordinal]);
        }

        Assert.Equal(1, sandbox.Naver.TokensIssued);
    }

    [Fact]
    public async Task PushStockAsync_OptionsAndPlainProduct_AppliesEveryQuantityAndLeavesOthersAlone()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox);
        var plain = sandbox.Naver.Listings.First(l => l.OptionCombinationId == 0);
        var options = sandbox.Naver.Listings.Where(l => l.OptionCombinationId != 0).Take(3).ToList();
        var untouched = sandbox.Naver.Listings.First(l => l.OriginProductNo == options[0].OriginProductNo && !options.Contains(l));
        var before = sandbox.Naver.GetStock(untouched.OriginProductNo, untouched.OptionCombinationId);
        List<ChannelStockUpdate> updates = [new(ListingKey.Naver(plain.OriginProductNo), plain.SkuCode, 11, "t0"), .. options.Select((l, i) => new ChannelStockUpdate(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode, i, $"t{i + 1}"))];

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.Equal(ChannelPushStatus.Succeeded, r.Status));
        Assert.Equal(11, sandbox.Naver.GetStock(plain.OriginProductNo, 0));
        for (var i = 0; i < options.Count; i++)
        {
            Assert.Equal(i, sandbox.Naver.GetStock(options[i].OriginProductNo, options[i].OptionCombinationId));
        }

        Assert.Equal(before, sandbox.Naver.GetStock(untouched.OriginProductNo, untouched.OptionCombinationId));
    }

    [Fact]
    public async Task PushStockAsync_UnknownOption_IsRejectedAndTheOthersApplied()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox);
        var l = sandbox.Naver.Listings.First(x => x.OptionCombinationId != 0);
        ChannelStockUpdate[] updates = [new(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode, 4, "a"), new(ListingKey.Naver(l.OriginProductNo, 123), "X", 4, "b")];

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Equal(ChannelPushStatus.Succeeded, results[0].Status);
        Assert.Equal(ChannelFailureKind.Rejected, results[1].Failure);
        Assert.Equal(4, sandbox.Naver.GetStock(l.OriginProductNo, l.OptionCombinationId));
    }

    [Fact]
    public async Task ReadStockAsync_TokenNearExpiry_RenewsItBeforeUse()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, time: clock);
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromHours(2));
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        Assert.Equal(1, sandbox.Naver.TokensIssued);

        clock.Advance(TimeSpan.FromMinutes(31));
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);

        Assert.Equal(2, sandbox.Naver.TokensIssued);
        Assert.Equal(2, channel.TokensIssued);
    }

    [Fact]
    public async Task ReadStockAsync_RenewalFailsWhileTokenStillValid_KeepsUsingTheCurrentToken()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.MaxRetryAttempts = 0, clock);
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, PathContains = "/oauth2/token", Times = int.MaxValue });
        clock.Advance(TimeSpan.FromMinutes(160));
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Naver.Listings.Count, builder.ReportedCount);
        Assert.Equal(1, sandbox.Naver.TokensIssued);
        Assert.True(sandbox.Naver.Faults.AppliedCount >= 1);
    }

    [Fact]
    public async Task ReadStockAsync_TokenRevoked_RenewsOnceAndSucceeds()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.MaxConcurrency = 1);
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        sandbox.Naver.RevokeTokens();
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Naver.Listings.Count, builder.ReportedCount);
        Assert.Equal(2, sandbox.Naver.TokensIssued);
    }

    [Fact]
    public async Task ReadStockAsync_WrongSecret_ThrowsUnauthorizedWithoutLeakingIt()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, o => o.ClientSecret = "$2a$04$abcdefghijklmnopqrstuO");

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("client_secret_sign is invalid", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefghijklmnopqrstu", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FetchAsync_OrdersAcrossPages_FollowsMoreSequenceWithoutGapsOrDuplicates()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        var spread = sandbox.Naver.AddOrders(150, Start.AddHours(1), TimeSpan.FromSeconds(30));
        var sameInstant = sandbox.Naver.AddOrders(70, Start.AddHours(3), TimeSpan.Zero);
        using var channel = Create(sandbox);

        var orders = await FetchAllAsync(channel, new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 50));

        Assert.Equal(spread.Concat(sameInstant).Select(o => o.ProductOrderId).Order(StringComparer.Ordinal), orders.Select(o => o.OrderId).Order(StringComparer.Ordinal));
        var first = orders.Single(o => o.OrderId == spread[0].ProductOrderId);
        Assert.Equal("PAYED", first.Status);
        Assert.Equal(new OrderLine(spread[0].Listing.SkuCode, spread[0].Quantity), Assert.Single(first.Lines));

        var marked = await channel.MarkReceivedAsync(orders.Select(o => o.OrderId).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(220, marked.Marked.Count);
        Assert.Empty(marked.Failed);
        Assert.Equal("OK", sandbox.Naver.GetPlaceOrderStatus(spread[0].ProductOrderId));
    }

    [Fact]
    public async Task FetchAsync_FeedDisagreesWithDetail_DetailWinsAndDisagreementIsRaised()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        var added = sandbox.Naver.AddOrders(3, Start.AddHours(1), TimeSpan.FromMinutes(1));
        sandbox.Naver.SetDetailStatus(added[1].ProductOrderId, "CANCELED");
        using var channel = Create(sandbox);
        List<NaverOrderDisagreementEventArgs> seen = [];
        channel.OrderDisagreement += (_, e) => seen.Add(e);

        var page = await channel.FetchAsync(new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 50), TestContext.Current.CancellationToken);

        var disagreement = Assert.Single(seen);
        Assert.Equal(added[1].ProductOrderId, disagreement.ProductOrderId);
        Assert.Equal("PAYED", disagreement.FeedStatus);
        Assert.Equal("CANCELED", disagreement.DetailStatus);
        Assert.Equal("CANCELED", page.Orders.Single(o => o.OrderId == added[1].ProductOrderId).Status);
        var marked = await channel.MarkReceivedAsync([added[1].ProductOrderId], TestContext.Current.CancellationToken);
        Assert.Single(marked.Failed);
    }

    [Fact]
    public async Task ReadStockAsync_TooManyRequestsWithRetryAfter_WaitsThenSucceeds()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { PathContains = "/origin-products/", RetryAfter = TimeSpan.FromSeconds(2) });
        using var channel = Create(sandbox, o => o.MaxConcurrency = 1, clock);
        var (_, builder) = NewBuilder(sandbox);

        var read = channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);
        while (!read.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await read;
        Assert.Equal(sandbox.Naver.Listings.Count, builder.ReportedCount);
        Assert.True(clock.GetUtcNow() >= Start.AddSeconds(2));
    }

    [Fact]
    public async Task ReadStockAsync_ServerReportsSmallerBucket_BudgetTunesDown()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(o =>
        {
            o.Naver.RequestsPerSecond = 5_000;
            o.Naver.Burst = 1_000;
        }), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox);

        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);

        Assert.Equal(5_000, channel.ProductBudget.PermitsPerSecond);
        Assert.Equal(200, channel.ProductBudget.BurstCapacity);
    }

    [Fact]
    public async Task ReadStockAsync_TransientServerErrors_RetriesAndReadsEverything()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 502, Times = 3, PathContains = "/origin-products/" });
        using var channel = Create(sandbox);
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Naver.Listings.Count, builder.ReportedCount);
    }

    [Fact]
    public async Task PushStockAsync_ServiceKeepsFailing_OpensTheCircuitAndReportsTheRestNotSent()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = int.MaxValue, PathContains = "/origin-products/" });
        using var channel = Create(sandbox, o =>
        {
            o.MaxRetryAttempts = 0;
            o.MaxConcurrency = 1;
        });
        var updates = sandbox.Naver.Listings.GroupBy(l => l.OriginProductNo).Take(40).Select(g => g.First())
            .Select(l => new ChannelStockUpdate(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode, 1, "t")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Contains(results, r => r.Status == ChannelPushStatus.Failed && r.Failure == ChannelFailureKind.Unavailable);
        Assert.Contains(results, r => r.Status == ChannelPushStatus.NotSent && r.IsRetryable);
        Assert.True(sandbox.Naver.Faults.AppliedCount < 40);
    }

    [Fact]
    public async Task ReadStockAsync_MalformedProduct_ThrowsMalformedResponse()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/origin-products/", Skip = 5 });
        using var channel = Create(sandbox);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_MalformedFeedPage_ThrowsAndTheSameCursorLaterLosesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Naver.AddOrders(90, Start.AddHours(1), TimeSpan.FromMinutes(1));
        sandbox.Naver.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/last-changed-statuses", Skip = 1 });
        using var channel = Create(sandbox);
        var query = new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 40);
        var first = await channel.FetchAsync(query, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.FetchAsync(query with { Cursor = first.NextCursor }, TestContext.Current.CancellationToken));
        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
        var rest = await FetchAllAsync(channel, query with { Cursor = first.NextCursor });

        Assert.Equal(90, first.Orders.Count + rest.Count);
    }

    private static SandboxOptions Fast(Action<SandboxOptions>? change = null)
    {
        var options = new SandboxOptions();
        options.Naver.ListingCount = 300;
        options.Naver.RequestsPerSecond = 1_000_000;
        options.Naver.Burst = 1_000_000;
        change?.Invoke(options);
        return options;
    }

    private static NaverChannel Create(SandboxServer sandbox, Action<NaverChannelOptions>? change = null, TimeProvider? time = null)
    {
        var options = new NaverChannelOptions
        {
            BaseAddress = sandbox.Naver.BaseAddress,
            ClientId = sandbox.Naver.ClientId,
            ClientSecret = sandbox.Naver.ClientSecret,
            RequestsPerSecond = 20_000,
            Burst = 200,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        };
        change?.Invoke(options);
        return new NaverChannel("naver-test", new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, time);
    }

    private static (ChannelListingMap Map, StockSnapshotBuilder Builder) NewBuilder(SandboxServer sandbox)
    {
        var catalog = new SkuCatalog(sandbox.Naver.Listings.Count);
        var map = new ChannelListingMap("naver-test", catalog);
        foreach (var l in sandbox.Naver.Listings)
        {
            map.Add(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode);
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
}
