using System.Diagnostics;
using System.Globalization;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Benchmarks;

/// <summary>
/// Push throughput (<c>--push</c>): stock updates through each adapter's <see cref="IChannelAdapter.PushStockAsync"/> against its
/// sandbox simulator over real HTTP on loopback, with the simulator enforcing a rate limit. Throughput over a rate limit is
/// wall-clock time, not CPU time, so this is a Stopwatch console rather than a BenchmarkDotNet class.
/// </summary>
/// <remarks>
/// <para>The adapter is configured with exactly the simulator's rate and burst (its own limiter is the only thing pacing it), a
/// warm-up push opens the connections and takes the tokens (Naver, Cafe24), and both buckets are given time to refill before
/// the timed push. Reported per adapter: requests that reached the simulator by method, the writes the simulator counted, the
/// requests it refused with 429, and the achieved rate against the limit: raw (requests ÷ time) and sustained ((requests −
/// adapter burst) ÷ time, since a full bucket lets the first <c>burst</c> requests through at once).</para>
/// </remarks>
public static class PushThroughput
{
    public static async Task RunAsync(bool quick, TextWriter output)
    {
        // Quick: a scaled-up limit (loopback lets the adapters go past the documented per-account limits) so three adapters
        // finish in about 20 s. Full: the same, longer, then each channel's documented limit.
        var runs = quick
            ? new[] { (Rate: 200d, Burst: 40, Updates: 1_000) }
            : [(200d, 40, 4_000), (Rate: 10d, Burst: 10, Updates: 300)];
        output.WriteLine("| Adapter | Limit (req/s, burst) | Updates | Requests (GET/PUT) | Simulator writes | Refused (429) | Time | Achieved req/s | Sustained req/s | Sustained / limit |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (rate, burst, updates) in runs)
        {
            foreach (var kind in new[] { ChannelKind.Coupang, ChannelKind.Naver, ChannelKind.Cafe24 })
            {
                // At the documented limits each channel has its own: Coupang 10/s, Naver 2/s per group, Cafe24 a leaky bucket of 40 draining 2/s.
                var (r, b, n) = rate < 100 ? kind switch
                {
                    ChannelKind.Naver => (2d, 2, 50),
                    ChannelKind.Cafe24 => (2d, 40, 100),
                    _ => (rate, burst, updates),
                } : (rate, burst, updates);
                var row = await RunOneAsync(kind, r, b, n).ConfigureAwait(false);
                output.WriteLine(row);
            }
        }
    }

    private static async Task<string> RunOneAsync(ChannelKind kind, double rate, int burst, int updateCount)
    {
        // The adapter runs at the simulator's rate but with a quarter of its burst (at least 1): requests the adapter spaced
        // out can reach the server bunched together (scheduling, GC, a loaded machine), and the server's unused burst is what
        // absorbs that. The rate, which is what bounds a long push, stays at 100 % of the limit.
        var adapterBurst = Math.Max(1, burst / 4);
        var options = new SandboxOptions();
        var listings = kind == ChannelKind.Naver ? (updateCount + 2) * 4 : (updateCount * 2) + 10;
        options.Naver.OptionsPerProduct = 4;
        options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = listings;
        options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = rate;
        options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = burst;
        await using var sandbox = await SandboxServer.StartAsync(options).ConfigureAwait(false);
        var counter = new CountingHandler();
        using var http = new HttpClient(counter);
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-push-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        using var tokens = new FileCafe24TokenStore(folder);
        try
        {
            IChannelAdapter adapter;
            SandboxTokenBucket bucket;
            Func<int> writes;
            List<ChannelStockUpdate> all;
            switch (kind)
            {
                case ChannelKind.Coupang:
                    adapter = new CoupangChannel("coupang", http, new CoupangChannelOptions
                    {
                        BaseAddress = sandbox.Coupang.BaseAddress, VendorId = sandbox.Coupang.VendorId, AccessKey = sandbox.Coupang.AccessKey, SecretKey = sandbox.Coupang.SecretKey,
                        RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
                    });
                    bucket = sandbox.Coupang.RateLimit;
                    writes = () => sandbox.Coupang.QuantityWrites;
                    all = [.. sandbox.Coupang.Listings.Select(l => new ChannelStockUpdate(ListingKey.Coupang(l.VendorItemId), l.SkuCode, (sandbox.Coupang.GetQuantity(l.VendorItemId) + 1) % 1_000, Guid.NewGuid().ToString("N")))];
                    break;
                case ChannelKind.Naver:
                    adapter = new NaverChannel("naver", http, new NaverChannelOptions
                    {
                        BaseAddress = sandbox.Naver.BaseAddress, ClientId = sandbox.Naver.ClientId, ClientSecret = sandbox.Naver.ClientSecret,
                        RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
                    });
                    bucket = sandbox.Naver.RateLimit("products");
                    writes = () => sandbox.Naver.StockWrites;

                    // One update per origin product, so that one mismatch is one read-modify-write of its product.
                    all = [.. sandbox.Naver.Listings.GroupBy(l => l.OriginProductNo).Select(g => g.First())
                        .Select(l => new ChannelStockUpdate(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode, (sandbox.Naver.GetStock(l.OriginProductNo, l.OptionCombinationId) + 1) % 1_000, Guid.NewGuid().ToString("N")))];
                    break;
                default:
                    var granted = sandbox.Cafe24.Authorize();
                    await tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None).ConfigureAwait(false);
                    adapter = new Cafe24Channel("cafe24", http, new Cafe24ChannelOptions
                    {
                        BaseAddress = sandbox.Cafe24.BaseAddress, MallId = sandbox.Cafe24.MallId, ClientId = sandbox.Cafe24.ClientId, ClientSecret = sandbox.Cafe24.ClientSecret,
                        RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32, MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10),
                    }, tokens);
                    bucket = sandbox.Cafe24.Bucket;
                    writes = () => sandbox.Cafe24.InventoryWrites;
                    all = [.. sandbox.Cafe24.Listings.Where(l => l.TracksInventory)
                        .Select(l => new ChannelStockUpdate(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode, (sandbox.Cafe24.GetQuantity(l.VariantCode) + 1) % 1_000, Guid.NewGuid().ToString("N")))];
                    break;
            }

            using var disposable = adapter as IDisposable;
            if (all.Count < updateCount + 1)
            {
                throw new InvalidOperationException($"{kind}: only {all.Count} listings for {updateCount + 1} updates.");
            }

            // Warm-up: JIT, connections, the access token. Then let both buckets fill up again.
            await adapter.PushStockAsync(all[..1], CancellationToken.None).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds((burst / rate) + 0.5)).ConfigureAwait(false);

            var batch = all.GetRange(1, updateCount);
            var (gets, puts, writesBefore, refusedBefore) = (counter.Gets, counter.Puts, writes(), bucket.RefusedCount);
            var watch = Stopwatch.StartNew();
            var results = await adapter.PushStockAsync(batch, CancellationToken.None).ConfigureAwait(false);
            var seconds = watch.Elapsed.TotalSeconds;
            gets = counter.Gets - gets;
            puts = counter.Puts - puts;
            var written = writes() - writesBefore;
            var refused = bucket.RefusedCount - refusedBefore;
            var failed = results.Count(x => x.Status != ChannelPushStatus.Succeeded);
            if (failed > 0)
            {
                throw new InvalidOperationException($"{kind}: {failed} of {batch.Count} updates were not applied: {results.First(x => x.Status != ChannelPushStatus.Succeeded).Message}");
            }

            var requests = gets + puts;
            var achieved = requests / seconds;
            var sustained = Math.Max(0, requests - adapterBurst) / seconds;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"| {kind} | {rate:0.#}/s, {burst} (adapter {adapterBurst}) | {batch.Count:N0} | {requests:N0} ({gets:N0}/{puts:N0}) | {written:N0} | {refused} | {seconds:0.00} s | {achieved:0.0} | {sustained:0.0} | {sustained / rate:P1} |");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Counts the requests an adapter sends, by method.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        private int _gets;
        private int _puts;

        public int Gets => Volatile.Read(ref _gets);

        public int Puts => Volatile.Read(ref _puts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get)
            {
                Interlocked.Increment(ref _gets);
            }
            else if (request.Method == HttpMethod.Put)
            {
                Interlocked.Increment(ref _puts);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
