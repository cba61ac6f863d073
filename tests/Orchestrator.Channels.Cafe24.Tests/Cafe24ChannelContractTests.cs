using System.Diagnostics;
using Orchestrator.Catalog;
using Orchestrator.Intake;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Stock;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Cafe24.Tests;

/// <summary>Drives the adapter against the Cafe24 simulator over real HTTP on loopback.</summary>
public sealed class Cafe24ChannelContractTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadStockAsync_100kVariants_ReadsEveryTrackedListingAcrossPages()
    {
        const int Count = 100_000;
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.Cafe24.ListingCount = Count), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out _);
        var (map, builder) = NewBuilder(sandbox);
        var untracked = new List<ListingKey>();

        var watch = Stopwatch.StartNew();
        await channel.ReadStockAsync(builder, untracked, TestContext.Current.CancellationToken);
        watch.Stop();
        TestContext.Current.SendDiagnosticMessage($"Cafe24: read {Count} listings in {watch.Elapsed.TotalSeconds:0.00} s");

        var snapshot = builder.Build();
        var tracked = sandbox.Cafe24.Listings.Count(l => l.TracksInventory);
        Assert.Equal(tracked, snapshot.ReportedCount);
        Assert.Equal(Count - tracked, untracked.Count);
        foreach (var l in sandbox.Cafe24.Listings.Where((_, i) => i % 991 == 0))
        {
            Assert.True(map.Catalog.TryGetOrdinal(l.SkuCode, out var ordinal));
            if (l.TracksInventory)
            {
                Assert.Equal(sandbox.Cafe24.GetQuantity(l.VariantCode), snapshot.Quantities[ordinal]);
            }
            else
            {
                Assert.Equal(StockSnapshot.NotReported, snapshot.Quantities[ordinal]);
                Assert.Contains(ListingKey.Cafe24(l.ProductNo, l.VariantCode), untracked);
            }
        }
    }

    [Fact]
    public async Task PushStockAsync_Updates_AppliedWithApiVersionAndConfirmed()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out _);
        var updates = sandbox.Cafe24.Listings.Take(30).Select((l, i) => new ChannelStockUpdate(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode, i, $"t{i}")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        for (var i = 0; i < updates.Count; i++)
        {
            Assert.Equal(ChannelPushStatus.Succeeded, results[i].Status);
            Assert.Equal(i, results[i].ConfirmedQuantity);
            Assert.Equal(i, sandbox.Cafe24.GetQuantity(updates[i].Listing.Code!));
        }

        Assert.Equal("2025-12-01", sandbox.Cafe24.LastApiVersion);
    }

    [Fact]
    public async Task ReadStockAsync_AccessTokenNearExpiry_SavesTheRotatedPairBeforeUsingIt()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out var store, time: clock);
        var usedAtSave = new List<string?>();
        store.OnSave = saved => usedAtSave.Add(sandbox.Cafe24.LastAcceptedAccessToken == saved.AccessToken ? "new token already used" : "not yet used");
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        Assert.Equal(0, sandbox.Cafe24.RefreshCount);

        clock.Advance(TimeSpan.FromMinutes(116));
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);

        Assert.Equal(1, sandbox.Cafe24.RefreshCount);
        var saved = Assert.Single(store.Saved);
        Assert.Equal(["not yet used"], usedAtSave);
        Assert.Equal(saved.AccessToken, sandbox.Cafe24.LastAcceptedAccessToken);
        Assert.Equal(Start.AddMinutes(116).AddHours(2), saved.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task PushStockAsync_RotatedTokensCannotBeSaved_SendsNothingAndRecoversWithoutASecondRefresh()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out var store, time: clock);
        var first = sandbox.Cafe24.Listings[0];
        var update = new ChannelStockUpdate(ListingKey.Cafe24(first.ProductNo, first.VariantCode), first.SkuCode, 9, "t");
        clock.Advance(TimeSpan.FromMinutes(119));
        store.FailSaves = true;

        var failed = Assert.Single(await channel.PushStockAsync([update], TestContext.Current.CancellationToken));

        Assert.Equal(ChannelPushStatus.NotSent, failed.Status);
        Assert.True(failed.IsRetryable);
        Assert.Contains("could not be saved", failed.Message, StringComparison.Ordinal);
        Assert.Equal(0, sandbox.Cafe24.InventoryWrites);
        Assert.Equal(1, sandbox.Cafe24.RefreshCount);

        store.FailSaves = false;
        var ok = Assert.Single(await channel.PushStockAsync([update], TestContext.Current.CancellationToken));

        Assert.Equal(ChannelPushStatus.Succeeded, ok.Status);
        Assert.Equal(1, sandbox.Cafe24.RefreshCount);
        Assert.Equal(store.Saved.Single().AccessToken, sandbox.Cafe24.LastAcceptedAccessToken);
    }

    [Fact]
    public async Task ReadStockAsync_AccessTokenRejected_RefreshesOnceAndSucceeds()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out var store);
        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        sandbox.Cafe24.ExpireAccessTokens();
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Cafe24.Listings.Count(l => l.TracksInventory), builder.ReportedCount);
        Assert.Equal(1, sandbox.Cafe24.RefreshCount);
        Assert.Single(store.Saved);
    }

    [Fact]
    public async Task ReadStockAsync_RefreshTokenAlreadyRotatedElsewhere_ThrowsUnauthorized()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out var store);
        var stale = await store.LoadAsync(sandbox.Cafe24.MallId, TestContext.Current.CancellationToken);
        using (var other = Create(sandbox, out var otherStore))
        {
            otherStore.Seed(sandbox.Cafe24.MallId, stale!);
            sandbox.Cafe24.ExpireAccessTokens();
            await other.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);
        }

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("authorize the app again", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(stale!.RefreshToken, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadStockAsync_CallLimitHeader_TunesTheBudgetToTheMallBucket()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(o =>
        {
            o.Cafe24.BucketSize = 40;
            o.Cafe24.DrainPerSecond = 1_000_000;
        }), TestContext.Current.CancellationToken);
        using var channel = Create(sandbox, out _);

        await channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken);

        Assert.Equal(40, channel.Budget.BurstCapacity);
    }

    [Fact]
    public async Task PushStockAsync_TooManyRequestsWithCallRemain_WaitsThenSucceeds()
    {
        var clock = new ManualTimeProvider(Start);
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.TimeProvider = clock), TestContext.Current.CancellationToken);
        sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { Method = "PUT", RetryAfter = TimeSpan.FromSeconds(2) });
        using var channel = Create(sandbox, out _, time: clock);
        var l = sandbox.Cafe24.Listings[1];

        var push = channel.PushStockAsync([new ChannelStockUpdate(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode, 0, "t")], TestContext.Current.CancellationToken);
        while (!push.IsCompleted)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        Assert.Equal(ChannelPushStatus.Succeeded, Assert.Single(await push).Status);
        Assert.True(clock.GetUtcNow() >= Start.AddSeconds(2));
        Assert.Equal(0, sandbox.Cafe24.GetQuantity(l.VariantCode));
    }

    [Fact]
    public async Task ReadStockAsync_TransientServerErrors_RetriesAndReadsEverything()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = 2, PathContains = "/products" });
        using var channel = Create(sandbox, out _);
        var (_, builder) = NewBuilder(sandbox);

        await channel.ReadStockAsync(builder, TestContext.Current.CancellationToken);

        Assert.Equal(sandbox.Cafe24.Listings.Count(l => l.TracksInventory), builder.ReportedCount);
    }

    [Fact]
    public async Task PushStockAsync_ServiceKeepsFailing_OpensTheCircuitAndReportsTheRestNotSent()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500, Times = int.MaxValue, Method = "PUT" });
        using var channel = Create(sandbox, out _, o =>
        {
            o.MaxRetryAttempts = 0;
            o.MaxConcurrency = 1;
        });
        var updates = sandbox.Cafe24.Listings.Take(40).Select(l => new ChannelStockUpdate(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode, 1, "t")).ToList();

        var results = await channel.PushStockAsync(updates, TestContext.Current.CancellationToken);

        Assert.Contains(results, r => r.Status == ChannelPushStatus.Failed && r.Failure == ChannelFailureKind.Unavailable);
        Assert.Contains(results, r => r.Status == ChannelPushStatus.NotSent && r.IsRetryable);
        Assert.True(sandbox.Cafe24.Faults.AppliedCount < 40);
    }

    [Fact]
    public async Task ReadStockAsync_MalformedPage_ThrowsMalformedResponse()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(o => o.Cafe24.ListingCount = 1_000), TestContext.Current.CancellationToken);
        sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/products", Skip = 1 });
        using var channel = Create(sandbox, out _);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.ReadStockAsync(NewBuilder(sandbox).Builder, TestContext.Current.CancellationToken));

        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
    }

    [Fact]
    public async Task FetchAsync_OrdersAcrossPagesAndDays_ReadsEachOnceAndMarksThemReceived()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        var added = sandbox.Cafe24.AddOrders(130, Start.AddHours(10), TimeSpan.FromMinutes(15));
        using var channel = Create(sandbox, out _);

        var orders = await FetchAllAsync(channel, new OrderQuery(OrderPartition.All, Start, Start.AddDays(3), null, 25));

        Assert.Equal(added.Select(o => o.OrderId).Order(StringComparer.Ordinal), orders.Select(o => o.OrderId).Order(StringComparer.Ordinal));
        var first = orders.Single(o => o.OrderId == added[0].OrderId);
        Assert.Equal(added[0].PaidAt, first.ChangedAt);
        Assert.Equal(new OrderLine(added[0].Listing.SkuCode, added[0].Quantity), Assert.Single(first.Lines));

        var marked = await channel.MarkReceivedAsync(orders.Select(o => o.OrderId).ToList(), TestContext.Current.CancellationToken);

        Assert.Equal(130, marked.Marked.Count);
        Assert.Empty(marked.Failed);
        Assert.Equal("N20", sandbox.Cafe24.GetOrderStatus(added[0].OrderId));
        Assert.Empty((await channel.FetchAsync(new OrderQuery(OrderPartition.All, Start, Start.AddDays(3), null, 25), TestContext.Current.CancellationToken)).Orders);
    }

    [Fact]
    public async Task FetchAsync_MalformedPage_ThrowsAndTheSameCursorLaterLosesNothing()
    {
        await using var sandbox = await SandboxServer.StartAsync(Fast(), TestContext.Current.CancellationToken);
        sandbox.Cafe24.AddOrders(60, Start.AddHours(1), TimeSpan.FromMinutes(1));
        sandbox.Cafe24.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody) { PathContains = "/orders", Skip = 1 });
        using var channel = Create(sandbox, out _);
        var query = new OrderQuery(OrderPartition.All, Start, Start.AddDays(1), null, 25);
        var first = await channel.FetchAsync(query, TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => channel.FetchAsync(query with { Cursor = first.NextCursor }, TestContext.Current.CancellationToken));
        Assert.Equal(ChannelFailureKind.MalformedResponse, ex.Kind);
        var rest = await FetchAllAsync(channel, query with { Cursor = first.NextCursor });

        Assert.Equal(60, first.Orders.Count + rest.Count);
    }

    private static SandboxOptions Fast(Action<SandboxOptions>? change = null)
    {
        var options = new SandboxOptions();
        options.Cafe24.ListingCount = 300;
        options.Cafe24.BucketSize = 1_000_000;
        options.Cafe24.DrainPerSecond = 1_000_000;
        change?.Invoke(options);
        return options;
    }

    private static Cafe24Channel Create(SandboxServer sandbox, out RecordingTokenStore store, Action<Cafe24ChannelOptions>? change = null, TimeProvider? time = null)
    {
        store = new RecordingTokenStore();
        var issued = sandbox.Cafe24.Authorize();
        store.Seed(sandbox.Cafe24.MallId, new Cafe24TokenSet(issued.AccessToken, issued.AccessTokenExpiresAt, issued.RefreshToken, issued.RefreshTokenExpiresAt));
        var options = new Cafe24ChannelOptions
        {
            MallId = sandbox.Cafe24.MallId,
            BaseAddress = sandbox.Cafe24.BaseAddress,
            ClientId = sandbox.Cafe24.ClientId,
            ClientSecret = sandbox.Cafe24.ClientSecret,
            RequestsPerSecond = 20_000,
            Burst = 200,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromSeconds(10),
        };
        change?.Invoke(options);
        return new Cafe24Channel("cafe24-test", new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, store, time);
    }

    private static (ChannelListingMap Map, StockSnapshotBuilder Builder) NewBuilder(SandboxServer sandbox)
    {
        var catalog = new SkuCatalog(sandbox.Cafe24.Listings.Count);
        var map = new ChannelListingMap("cafe24-test", catalog);
        foreach (var l in sandbox.Cafe24.Listings)
        {
            map.Add(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode);
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
