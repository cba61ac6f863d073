using System.Globalization;
using Orchestrator.Channels;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Storage;
using Orchestrator.Sync;
using Orchestrator.Warehouse;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// The pending-sync worker end to end: pushes refused by the Coupang simulator are queued by the channel sync on SQLite, then the
/// worker delivers them through the real adapter over loopback once the fault clears; WES set-stock updates the same way.
/// </summary>
public sealed class PendingSyncWorkerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunOnceAsync_PushRefusedThenFaultCleared_DeliversItOnce()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 200, drift: 0);
        var listing = await QueueOneCoupangPushAsync(env);
        var expected = env.Sellable(listing.SkuCode);
        Assert.NotEqual(expected, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        env.Sandbox.Coupang.Faults.Clear();

        var first = await Worker(env).RunOnceAsync(Ct);
        var second = await Worker(env).RunOnceAsync(Ct);

        Assert.Equal(new PendingSyncWorkerResult(1, 1, 0, 0, 0, 0), first);
        Assert.Equal(0, second.Claimed);
        Assert.Equal(expected, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        Assert.Equal(1, env.Sandbox.Coupang.QuantityWrites);
        var depth = await env.Storage.PendingSync.CountByStateAsync(Ct);
        Assert.Equal(0, depth[PendingSyncState.Pending]);
        Assert.Equal(0, depth[PendingSyncState.InFlight]);
        Assert.Equal(1, depth[PendingSyncState.Delivered]);
    }

    [Fact]
    public async Task RunOnceAsync_ChannelKeepsRefusing_RetriesWithBackoffThenDeadLetters()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 200, drift: 0);
        await QueueOneCoupangPushAsync(env);
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var worker = Worker(env, clock, new PendingSyncWorkerOptions { MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromMinutes(1), RetryMaxDelay = TimeSpan.FromMinutes(10) });

        var first = await worker.RunOnceAsync(Ct);
        var tooSoon = await worker.RunOnceAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(61));
        var second = await worker.RunOnceAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(61));
        var stillBackingOff = await worker.RunOnceAsync(Ct);
        clock.Advance(TimeSpan.FromSeconds(60));
        var third = await worker.RunOnceAsync(Ct);

        Assert.Equal(1, first.Retried);
        Assert.Equal(0, tooSoon.Claimed);
        Assert.Equal(1, second.Retried);
        Assert.Equal(0, stillBackingOff.Claimed);
        Assert.Equal(1, third.DeadLettered);
        var dead = Assert.Single(await env.Storage.PendingSync.GetDeadLetteredAsync(10, Ct));
        Assert.Equal(3, dead.Attempts);
        Assert.Contains("ERR-INV-002", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(0, env.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(0, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Pending]);
    }

    [Fact]
    public async Task RunOnceAsync_MalformedOrUnknownItems_AreDeadLetteredWithAClearError()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var now = DateTimeOffset.UtcNow;
        await env.Storage.PendingSync.EnqueueAsync(
            [
                new PendingSyncItem("bad-json", "coupang", ChannelSyncWorkflow.PendingKind, "coupang:A", "{not json", 0, now),
                new PendingSyncItem("no-sku", "coupang", ChannelSyncWorkflow.PendingKind, "coupang:B", """{"ListingId":1,"ListingOption":0,"ListingCode":null,"Quantity":3}""", 0, now),
                new PendingSyncItem("negative", "coupang", ChannelSyncWorkflow.PendingKind, "coupang:C", """{"ListingId":1,"ListingOption":0,"ListingCode":null,"SkuCode":"SKU-C","Quantity":-1}""", 0, now),
                new PendingSyncItem("no-adapter", "gmarket", ChannelSyncWorkflow.PendingKind, "gmarket:D", """{"ListingId":1,"ListingOption":0,"ListingCode":null,"SkuCode":"SKU-D","Quantity":3}""", 0, now),
                new PendingSyncItem("odd-kind", "coupang", "price-update", "coupang:price:E", "{}", 0, now),
                new PendingSyncItem("no-wes", PendingSyncWorker.WesTarget, PendingSyncWorker.WesSetStockKind, "wes:WH1:F", """{"WarehouseId":"WH1","SkuCode":"SKU-F","OnHand":1}""", 0, now),
            ],
            Ct);

        var result = await Worker(env).RunOnceAsync(Ct);

        Assert.Equal(new PendingSyncWorkerResult(6, 0, 0, 6, 0, 0), result);
        var dead = (await env.Storage.PendingSync.GetDeadLetteredAsync(10, Ct)).ToDictionary(d => d.Item.TransactionId, d => d.LastError);
        Assert.StartsWith("Malformed channel-stock payload", dead["bad-json"], StringComparison.Ordinal);
        Assert.StartsWith("Malformed channel-stock payload", dead["no-sku"], StringComparison.Ordinal);
        Assert.StartsWith("Malformed channel-stock payload", dead["negative"], StringComparison.Ordinal);
        Assert.Contains("No channel adapter named 'gmarket'", dead["no-adapter"], StringComparison.Ordinal);
        Assert.Contains("Unknown pending-sync item kind 'price-update'", dead["odd-kind"], StringComparison.Ordinal);
        Assert.Contains("no WES client", dead["no-wes"], StringComparison.Ordinal);
        Assert.Equal(0, env.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task RunOnceAsync_ItemOfACrashedWorker_IsDeliveredByAnotherAfterItsLeaseExpires()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 200, drift: 0);
        var listing = await QueueOneCoupangPushAsync(env);
        env.Sandbox.Coupang.Faults.Clear();
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var crashed = Assert.Single(await env.Storage.PendingSync.ClaimAsync(null, 10, TimeSpan.FromMinutes(1), clock.GetUtcNow(), Ct));
        var worker = Worker(env, clock);

        var whileLeased = await worker.RunOnceAsync(Ct);
        clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var afterExpiry = await worker.RunOnceAsync(Ct);
        var lateComplete = await env.Storage.PendingSync.CompleteAsync(crashed, clock.GetUtcNow(), Ct);

        Assert.Equal(0, whileLeased.Claimed);
        Assert.Equal(1, afterExpiry.Delivered);
        Assert.False(lateComplete);
        Assert.Equal(env.Sellable(listing.SkuCode), env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        Assert.Equal(1, env.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(1, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Delivered]);
    }

    [Fact]
    public async Task RunOnceAsync_StaleLeaseAndNewerQuantityOfTheSameSku_SendsOnlyTheNewer()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var listing = env.Sandbox.Coupang.Listings[0];
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await env.Storage.PendingSync.EnqueueAsync([CoupangItem("old", listing, 40, clock.GetUtcNow())], Ct);
        Assert.Single(await env.Storage.PendingSync.ClaimAsync(null, 10, TimeSpan.FromMinutes(1), clock.GetUtcNow(), Ct));
        await env.Storage.PendingSync.EnqueueAsync([CoupangItem("new", listing, 7, clock.GetUtcNow())], Ct);
        clock.Advance(TimeSpan.FromMinutes(2));

        var result = await Worker(env, clock).RunOnceAsync(Ct);

        Assert.Equal(new PendingSyncWorkerResult(2, 1, 0, 0, 1, 0), result);
        Assert.Equal(7, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
        Assert.Equal(1, env.Sandbox.Coupang.QuantityWrites);
    }

    [Fact]
    public async Task RunOnceAsync_TwoWorkersAtOnce_DeliverEachItemExactlyOnce()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 400, drift: 0.2);
        env.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Method = "PUT", Times = int.MaxValue });
        var options = SyncEnvironment.Options();
        options.PushAttempts = 1;
        var run = await env.Workflow(options).RunAsync("manual", Ct);
        var queued = (int)(await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Pending];
        Assert.True(queued > 20, $"{queued} queued");
        Assert.Equal(run.Queued, queued);
        env.Sandbox.Coupang.Faults.Clear();
        var workerOptions = new PendingSyncWorkerOptions { BatchSize = 7 };

        var results = await Task.WhenAll(DrainAsync(Worker(env, options: workerOptions)), DrainAsync(Worker(env, options: workerOptions)));

        Assert.Equal(queued, results.Sum(r => r.Delivered));
        Assert.Equal(0, results.Sum(r => r.Retried + r.DeadLettered + r.LeaseLost + r.Superseded));
        Assert.Equal(queued, env.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(queued, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Delivered]);
        Assert.All(env.Sandbox.Coupang.Listings, l => Assert.Equal(env.Sellable(l.SkuCode), env.Sandbox.Coupang.GetQuantity(l.VendorItemId)));
    }

    [Fact]
    public async Task RunOnceAsync_GuardReportsLessStock_PushesTheLowerQuantity()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var listing = env.Sandbox.Coupang.Listings[0];
        await env.Storage.PendingSync.EnqueueAsync([CoupangItem("guarded", listing, 50, DateTimeOffset.UtcNow)], Ct);
        var asked = new List<(string, string, int)>();
        var worker = new PendingSyncWorker(
            [env.Coupang], env.Storage.PendingSync, new PendingSyncWorkerOptions(),
            quantityGuard: (channel, sku, queued, _) =>
            {
                asked.Add((channel, sku, queued));
                return ValueTask.FromResult<int?>(3);
            });

        var result = await worker.RunOnceAsync(Ct);

        Assert.Equal(1, result.Delivered);
        Assert.Equal(("coupang", listing.SkuCode, 50), Assert.Single(asked));
        Assert.Equal(3, env.Sandbox.Coupang.GetQuantity(listing.VendorItemId));
    }

    [Fact]
    public async Task RunOnceAsync_AdapterOrGuardThrows_ItemsAreRetriedAndTheOthersDelivered()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var now = DateTimeOffset.UtcNow;
        var guarded = env.Sandbox.Coupang.Listings[0];
        var fine = env.Sandbox.Coupang.Listings[1];
        await env.Storage.PendingSync.EnqueueAsync(
            [
                new PendingSyncItem("t-1", "throwing", ChannelSyncWorkflow.PendingKind, "throwing:SKU-X", """{"ListingId":1,"ListingOption":0,"ListingCode":null,"SkuCode":"SKU-X","Quantity":3}""", 0, now),
                new PendingSyncItem("t-2", "throwing", ChannelSyncWorkflow.PendingKind, "throwing:SKU-Y", """{"ListingId":2,"ListingOption":0,"ListingCode":null,"SkuCode":"SKU-Y","Quantity":4}""", 0, now),
                CoupangItem("c-guard-throws", guarded, 5, now),
                CoupangItem("c-fine", fine, 6, now),
            ],
            Ct);
        var worker = new PendingSyncWorker(
            [env.Coupang, new ThrowingAdapter()], env.Storage.PendingSync, new PendingSyncWorkerOptions(),
            quantityGuard: (_, sku, queued, _) => sku == guarded.SkuCode ? throw new TimeoutException("inventory store slow") : ValueTask.FromResult<int?>(queued));

        var result = await worker.RunOnceAsync(Ct);

        Assert.Equal(new PendingSyncWorkerResult(4, 1, 3, 0, 0, 0), result);
        Assert.Equal(6, env.Sandbox.Coupang.GetQuantity(fine.VendorItemId));
        Assert.Equal(1, env.Sandbox.Coupang.QuantityWrites);
        Assert.Equal(3, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Pending]);
    }

    [Fact]
    public async Task PushToWesAsync_WesDown_StaysQueuedThenIsDeliveredWhenTheWesIsBack()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var sku = env.Items[0].SkuCode;
        env.Sandbox.Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = int.MaxValue });
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var worker = Worker(env, clock, wes: env.WesClient());
        var update = new WesStockUpdate("inv-wes-0001", SyncEnvironment.Warehouse, sku, 77, Reason: "cycle count");

        var deliveredAtOnce = await worker.PushToWesAsync(update, Ct);
        var queued = await env.Storage.PendingSync.CountByStateAsync(Ct);
        env.Sandbox.Wes.Faults.Clear();
        clock.Advance(TimeSpan.FromMinutes(1));
        var retry = await worker.RunOnceAsync(Ct);

        Assert.False(deliveredAtOnce);
        Assert.Equal(1, queued[PendingSyncState.Pending]);
        Assert.Equal(new PendingSyncWorkerResult(1, 1, 0, 0, 0, 0), retry);
        Assert.Equal(77, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.OnHand);
        Assert.Equal(1, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Delivered]);
    }

    [Fact]
    public async Task RunOnceAsync_StaleWesLeaseAndNewerOnHand_SendsOnlyTheNewer()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var sku = env.Items[2].SkuCode;
        var clock = new TestClock(DateTimeOffset.UtcNow);
        await env.Storage.PendingSync.EnqueueAsync([PendingSyncWorker.CreateWesSetStockItem(new WesStockUpdate("wes-old", SyncEnvironment.Warehouse, sku, 40), clock.GetUtcNow())], Ct);
        Assert.Single(await env.Storage.PendingSync.ClaimAsync(PendingSyncWorker.WesTarget, 10, TimeSpan.FromMinutes(1), clock.GetUtcNow(), Ct));
        await env.Storage.PendingSync.EnqueueAsync([PendingSyncWorker.CreateWesSetStockItem(new WesStockUpdate("wes-new", SyncEnvironment.Warehouse, sku, 9), clock.GetUtcNow(), priority: 5)], Ct);
        clock.Advance(TimeSpan.FromMinutes(2));
        var applied = env.Sandbox.Wes.Applied;

        var result = await Worker(env, clock, wes: env.WesClient()).RunOnceAsync(Ct);

        Assert.Equal(new PendingSyncWorkerResult(2, 1, 0, 0, 1, 0), result);
        Assert.Equal(9, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.OnHand);
        Assert.Equal(applied + 1, env.Sandbox.Wes.Applied);
    }

    [Fact]
    public async Task PushToWesAsync_WesUp_DeliversAtOnce()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 20, drift: 0);
        var sku = env.Items[1].SkuCode;
        var worker = Worker(env, wes: env.WesClient());

        var delivered = await worker.PushToWesAsync(new WesStockUpdate("inv-wes-0002", SyncEnvironment.Warehouse, sku, 12), Ct);

        Assert.True(delivered);
        Assert.Equal(12, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, sku)!.OnHand);
        var depth = await env.Storage.PendingSync.CountByStateAsync(Ct);
        Assert.Equal(0, depth[PendingSyncState.Pending]);
        Assert.Equal(1, depth[PendingSyncState.Delivered]);
    }

    [Fact]
    public async Task Ctor_InvalidOptions_Throws()
    {
        await using var env = await SyncEnvironment.StartAsync(skus: 10, drift: 0);

        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Worker(env, options: new PendingSyncWorkerOptions { MaxAttempts = 0 }));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Worker(env, options: new PendingSyncWorkerOptions { RetryBaseDelay = TimeSpan.FromMinutes(5), RetryMaxDelay = TimeSpan.FromMinutes(1) }));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new PendingSyncWorker([env.Coupang, env.Coupang], env.Storage.PendingSync, new PendingSyncWorkerOptions()));
    }

    /// <summary>Makes exactly one Coupang push fail: one SKU drifts in the WES and Coupang refuses every stock write.</summary>
    private static async Task<Orchestrator.Sandbox.Coupang.CoupangSandboxListing> QueueOneCoupangPushAsync(SyncEnvironment env)
    {
        var listing = env.Sandbox.Coupang.Listings.First(l => env.Sellable(l.SkuCode) > 5);
        env.Sandbox.Wes.Adjust(SyncEnvironment.Warehouse, listing.SkuCode, env.Sandbox.Wes.Get(SyncEnvironment.Warehouse, listing.SkuCode)!.OnHand - 3);
        env.Sandbox.Coupang.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Method = "PUT", Times = int.MaxValue });
        var options = SyncEnvironment.Options();
        options.PushAttempts = 1;

        var run = await env.Workflow(options).RunAsync("manual", Ct);

        Assert.Equal(1, run.Queued);
        Assert.Equal(1, (await env.Storage.PendingSync.CountByStateAsync(Ct))[PendingSyncState.Pending]);
        return listing;
    }

    private static PendingSyncItem CoupangItem(string transactionId, Orchestrator.Sandbox.Coupang.CoupangSandboxListing listing, int quantity, DateTimeOffset now)
        => new(transactionId, "coupang", ChannelSyncWorkflow.PendingKind, $"coupang:{listing.SkuCode}",
            string.Create(CultureInfo.InvariantCulture, $$"""{"ListingId":{{listing.VendorItemId}},"ListingOption":0,"ListingCode":null,"SkuCode":"{{listing.SkuCode}}","Quantity":{{quantity}}}"""),
            0, now);

    private static PendingSyncWorker Worker(SyncEnvironment env, TimeProvider? clock = null, PendingSyncWorkerOptions? options = null, IWesClient? wes = null)
        => new(
            [env.Coupang, env.Naver, env.Cafe24],
            env.Storage.PendingSync,
            options ?? new PendingSyncWorkerOptions { RetryBaseDelay = TimeSpan.FromSeconds(10) },
            wes,
            timeProvider: clock);

    private static async Task<PendingSyncWorkerResult> DrainAsync(PendingSyncWorker worker)
    {
        var total = new PendingSyncWorkerResult(0, 0, 0, 0, 0, 0);
        while (true)
        {
            var pass = await worker.RunOnceAsync(Ct);
            if (pass.Claimed == 0)
            {
                return total;
            }

            total = new PendingSyncWorkerResult(
                total.Claimed + pass.Claimed, total.Delivered + pass.Delivered, total.Retried + pass.Retried,
                total.DeadLettered + pass.DeadLettered, total.Superseded + pass.Superseded, total.LeaseLost + pass.LeaseLost);
        }
    }

    /// <summary>An adapter that breaks its contract by throwing from a push.</summary>
    private sealed class ThrowingAdapter : IChannelAdapter
    {
        public string Name => "throwing";

        public ChannelKind Kind => ChannelKind.Other;

        public ChannelCapabilities Capabilities { get; } = new(10, 50, SupportsReadBack: false);

        public Task ReadStockAsync(Orchestrator.Stock.StockSnapshotBuilder into, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken)
            => throw new InvalidOperationException("adapter bug");
    }

    /// <summary>A clock the test moves by hand (the worker's "now" for claims and backoff).</summary>
    private sealed class TestClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan delta) => _now += delta;
    }
}
