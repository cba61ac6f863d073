using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24;
using Orchestrator.Channels.Coupang;
using Orchestrator.Channels.Naver;
using Orchestrator.Sandbox;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Stock;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;
using Orchestrator.Wes;

namespace Orchestrator.Benchmarks;

/// <summary>
/// One WF-INV-001 run (<c>--full-run [skus] [rate]</c>): <see cref="ChannelSyncWorkflow.RunAsync"/> over the sandbox simulators
/// (Coupang, Naver, Cafe24 and the WES, real HTTP on loopback) and a SQLite store, the three channels listing every SKU and
/// the WES holding a drifted share, timed by stage as the sync-run store records it.
/// </summary>
public static class FullRun
{
    private const string Warehouse = "WH1";

    public static async Task RunAsync(int skus, double drift, double rate, TextWriter output)
    {
        var folder = Path.Combine(Path.GetTempPath(), "orchestrator-fullrun-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var options = new SandboxOptions();
            options.Coupang.ListingCount = options.Naver.ListingCount = options.Cafe24.ListingCount = skus;
            options.Coupang.SkuPrefix = options.Naver.SkuPrefix = options.Cafe24.SkuPrefix = "SKU-";
            options.Coupang.Seed = options.Naver.Seed = options.Cafe24.Seed = 11;
            options.Coupang.RequestsPerSecond = options.Naver.RequestsPerSecond = options.Cafe24.DrainPerSecond = rate;
            var burst = (int)rate;
            options.Coupang.Burst = options.Naver.Burst = options.Cafe24.BucketSize = burst;
            options.Wes.RequestsPerSecond = 1_000;
            await using var sandbox = await SandboxServer.StartAsync(options).ConfigureAwait(false);
            var items = SandboxCatalog.Generate(skus, 11, "SKU-");
            var random = new Random(11);
            var drifted = 0;
            sandbox.Wes.Seed(Warehouse, items.Select(item =>
            {
                var onHand = item.Quantity;
                if (random.NextDouble() < drift)
                {
                    drifted++;
                    onHand = item.Quantity >= 10 ? item.Quantity - random.Next(1, 10) : item.Quantity + random.Next(1, 10);
                }

                return (item.SkuCode, onHand, 0, (string?)$"A-{item.Index % 40:D2}");
            }).ToList());

            await using var storage = await SqliteOrchestratorStorage.OpenAsync(new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(folder, "o.db")}" }, TimeProvider.System, null, CancellationToken.None).ConfigureAwait(false);

            // The adapters run at the simulators' rate with a quarter of their burst (see PushThroughput).
            var adapterBurst = Math.Max(1, burst / 4);
            using var coupang = new CoupangChannel("coupang", new HttpClient(), new CoupangChannelOptions
            {
                BaseAddress = sandbox.Coupang.BaseAddress, VendorId = sandbox.Coupang.VendorId, AccessKey = sandbox.Coupang.AccessKey, SecretKey = sandbox.Coupang.SecretKey,
                RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32,
            });
            using var naver = new NaverChannel("naver", new HttpClient(), new NaverChannelOptions
            {
                BaseAddress = sandbox.Naver.BaseAddress, ClientId = sandbox.Naver.ClientId, ClientSecret = sandbox.Naver.ClientSecret,
                RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32,
            });
            using var tokens = new FileCafe24TokenStore(Path.Combine(folder, "cafe24"));
            var granted = sandbox.Cafe24.Authorize();
            await tokens.SaveAsync(sandbox.Cafe24.MallId, new Cafe24TokenSet(granted.AccessToken, granted.AccessTokenExpiresAt, granted.RefreshToken, granted.RefreshTokenExpiresAt), CancellationToken.None).ConfigureAwait(false);
            using var cafe24 = new Cafe24Channel("cafe24", new HttpClient(), new Cafe24ChannelOptions
            {
                BaseAddress = sandbox.Cafe24.BaseAddress, MallId = sandbox.Cafe24.MallId, ClientId = sandbox.Cafe24.ClientId, ClientSecret = sandbox.Cafe24.ClientSecret,
                RequestsPerSecond = rate, Burst = adapterBurst, MaxConcurrency = 32,
            }, tokens);

            var catalog = new SkuCatalog(skus);
            var coupangMap = new ChannelListingMap("coupang", catalog);
            foreach (var l in sandbox.Coupang.Listings)
            {
                coupangMap.Add(ListingKey.Coupang(l.VendorItemId), l.SkuCode);
            }

            var naverMap = new ChannelListingMap("naver", catalog);
            foreach (var l in sandbox.Naver.Listings)
            {
                naverMap.Add(ListingKey.Naver(l.OriginProductNo, l.OptionCombinationId), l.SkuCode);
            }

            var cafe24Map = new ChannelListingMap("cafe24", catalog);
            foreach (var l in sandbox.Cafe24.Listings.Where(l => l.TracksInventory))
            {
                cafe24Map.Add(ListingKey.Cafe24(l.ProductNo, l.VariantCode), l.SkuCode);
            }

            var workflow = new ChannelSyncWorkflow(
                [
                    new SyncChannel(coupang, coupangMap, new ChannelSellableRule("coupang")),
                    new SyncChannel(naver, naverMap, new ChannelSellableRule("naver")),
                    new SyncChannel(cafe24, cafe24Map, new ChannelSellableRule("cafe24")),
                ],
                WesClientFactory.Create(new HttpClient(), new WesClientOptions { BaseAddress = sandbox.Wes.BaseAddress, ApiKey = sandbox.Wes.ApiKey, RequestsPerSecond = 1_000, Burst = 1_000 }),
                new SyncStores(storage.SyncRuns, storage.PendingSync, storage.AllocationPauses),
                new ChannelSyncOptions
                {
                    WarehouseId = Warehouse,
                    CollectTimeout = TimeSpan.FromMinutes(30),
                    SyncTimeout = TimeSpan.FromMinutes(30),
                    AnalyzeTimeout = TimeSpan.FromSeconds(30),
                    CheckTimeout = TimeSpan.FromSeconds(30),
                });

            var (coupangReads, naverWrites, coupangWrites, cafe24Writes) = (sandbox.Coupang.InventoryReads, sandbox.Naver.StockWrites, sandbox.Coupang.QuantityWrites, sandbox.Cafe24.InventoryWrites);
            var refusedBefore = sandbox.Coupang.RateLimit.RefusedCount + sandbox.Naver.RateLimit("products").RefusedCount + sandbox.Cafe24.Bucket.RefusedCount;
            var watch = Stopwatch.StartNew();
            var result = await workflow.RunAsync("benchmark", CancellationToken.None).ConfigureAwait(false);
            var total = watch.Elapsed;
            var run = await storage.SyncRuns.GetAsync(result.RunId, CancellationToken.None).ConfigureAwait(false);
            var refused = sandbox.Coupang.RateLimit.RefusedCount + sandbox.Naver.RateLimit("products").RefusedCount + sandbox.Cafe24.Bucket.RefusedCount - refusedBefore;

            var mismatches = result.Mismatches?.Mismatches ?? [];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"WF-INV-001, {skus:N0} SKUs x 3 channels, {drift:P0} drift ({drifted:N0} SKUs drifted at the WES), limit {rate:0}/s per channel (burst {burst}, adapters {adapterBurst}), SQLite"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"state {result.State}{(result.Error is null ? string.Empty : " (" + result.Error + ")")}, total {total.TotalSeconds:0.00} s, compared {result.Mismatches?.Compared:N0}, mismatches {mismatches.Count:N0} (coupang {mismatches.Count(m => m.Channel == "coupang"):N0}, naver {mismatches.Count(m => m.Channel == "naver"):N0}, cafe24 {mismatches.Count(m => m.Channel == "cafe24"):N0}), pushed {result.Pushed:N0}, queued {result.Queued:N0}, failed {result.Failed:N0}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulator writes: coupang {sandbox.Coupang.QuantityWrites - coupangWrites:N0}, naver {sandbox.Naver.StockWrites - naverWrites:N0} (one per product), cafe24 {sandbox.Cafe24.InventoryWrites - cafe24Writes:N0}; coupang inventory reads {sandbox.Coupang.InventoryReads - coupangReads:N0}; refused (429) {refused}; channel calls {result.Kpis.ApiCalls:N0} ({result.Kpis.ApiCallsSucceeded:N0} succeeded)"));
            output.WriteLine("| Stage | Time |");
            output.WriteLine("| --- | --- |");
            foreach (var (stage, elapsed) in run?.Stages ?? new Dictionary<string, TimeSpan>())
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {stage} | {elapsed.TotalMilliseconds:N0} ms |"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
