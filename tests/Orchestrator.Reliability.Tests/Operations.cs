using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Intake;
using Orchestrator.Stock;
using Orchestrator.Sync;
using Orchestrator.Warehouse;

namespace Orchestrator.Reliability.Tests;

/// <summary>One adapter call whose answers the proxy can replace: which requests it answers, and how to make the call.</summary>
internal sealed record Operation(string Name, Func<string, string, bool> Answers, Func<Rig, CancellationToken, Task> Run)
{
    public override string ToString() => Name;

    public static IReadOnlyList<Operation> All { get; } =
    [
        new("coupang.read-stock", (m, p) => m == "GET" && p.Contains("/coupang/", StringComparison.Ordinal) && p.Contains("vendor-items", StringComparison.Ordinal), (r, ct) => ReadAsync(r, r.Channels[0], ct)),
        new("coupang.push-stock", (m, p) => m == "PUT" && p.Contains("/coupang/", StringComparison.Ordinal) && p.Contains("vendor-items", StringComparison.Ordinal), (r, ct) => PushAsync(r, r.Channels[0], ct)),
        new("coupang.fetch-orders", (m, p) => m == "GET" && p.Contains("ordersheets", StringComparison.Ordinal), (r, ct) => FetchAsync(r.Coupang, ct)),
        new("naver.read-stock", (m, p) => m == "GET" && p.Contains("/naver/", StringComparison.Ordinal) && p.Contains("origin-products", StringComparison.Ordinal), (r, ct) => ReadAsync(r, r.Channels[1], ct)),
        new("naver.push-stock", (m, p) => m == "PUT" && p.Contains("/naver/", StringComparison.Ordinal) && p.Contains("origin-products", StringComparison.Ordinal), (r, ct) => PushAsync(r, r.Channels[1], ct)),
        new("naver.fetch-orders", (m, p) => p.Contains("/naver/", StringComparison.Ordinal) && (p.Contains("last-changed-statuses", StringComparison.Ordinal) || p.EndsWith("/query", StringComparison.Ordinal)), (r, ct) => FetchAsync(r.Naver, ct)),
        new("cafe24.read-stock", (m, p) => m == "GET" && p.Contains("/cafe24/", StringComparison.Ordinal) && p.Contains("products", StringComparison.Ordinal), (r, ct) => ReadAsync(r, r.Channels[2], ct)),
        new("cafe24.push-stock", (m, p) => m == "PUT" && p.Contains("/cafe24/", StringComparison.Ordinal) && p.Contains("products", StringComparison.Ordinal), (r, ct) => PushAsync(r, r.Channels[2], ct)),
        new("cafe24.fetch-orders", (m, p) => m == "GET" && p.Contains("/cafe24/", StringComparison.Ordinal) && p.Contains("admin/orders", StringComparison.Ordinal), (r, ct) => FetchAsync(r.Cafe24, ct)),
        new("wes.read-snapshot", (m, p) => m == "GET" && p.EndsWith("/wes/v1/stock", StringComparison.Ordinal), ReadWesAsync),
        new("wes.read-movements", (m, p) => m == "GET" && p.EndsWith("/movements", StringComparison.Ordinal), ReadMovementsAsync),
        new("wes.set-stock", (m, p) => m == "PUT" && p.Contains("/wes/v1/stock/", StringComparison.Ordinal), (r, ct) => r.Wes.SetStockAsync(new WesStockUpdate("tx-" + Guid.NewGuid().ToString("N"), Rig.Warehouse, "SKU-00001", 7), ct)),
    ];

    private static async Task ReadAsync(Rig rig, SyncChannel channel, CancellationToken ct)
    {
        var builder = new StockSnapshotBuilder(channel.Listings, Rig.Warehouse, DateTimeOffset.UtcNow);
        await channel.Adapter.ReadStockAsync(builder, ct);
        builder.Build();
    }

    private static async Task PushAsync(Rig rig, SyncChannel channel, CancellationToken ct)
    {
        var updates = channel.Listings.Listings().Take(2)
            .Select(l => new ChannelStockUpdate(l.Listing, rig.Catalog.GetCode(l.Ordinal), 5, "tx-" + Guid.NewGuid().ToString("N")))
            .ToList();
        var results = await channel.Adapter.PushStockAsync(updates, ct);
        if (results.Count != updates.Count)
        {
            throw new InvalidOperationException($"{channel.Adapter.Name} returned {results.Count} results for {updates.Count} updates");
        }
    }

    private static Task FetchAsync(IOrderSource source, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        return source.FetchAsync(new OrderQuery(OrderPartition.All, now.AddHours(-3), now, null, 50), ct);
    }

    private static async Task ReadWesAsync(Rig rig, CancellationToken ct)
    {
        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, Rig.Warehouse, DateTimeOffset.UtcNow);
        await rig.Wes.ReadSnapshotAsync(builder, WesSnapshotRequest.All, ct);
        builder.Build();
    }

    private static async Task ReadMovementsAsync(Rig rig, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await foreach (var _ in rig.Wes.ReadMovementsAsync(Rig.Warehouse, now.AddDays(-1), now.AddMinutes(1), ct))
        {
        }
    }
}

/// <summary>How an adapter call ended on bad input.</summary>
internal enum Outcome
{
    /// <summary>It finished (bad items refused, pushes reported as failed).</summary>
    Handled,

    /// <summary>It threw a typed <see cref="OrchestratorException"/>.</summary>
    TypedError,

    /// <summary>It threw something else, or hung: a bug.</summary>
    Untyped,
}

internal static class Outcomes
{
    public static async Task<(Outcome Outcome, Exception? Error)> RunAsync(Rig rig, Operation operation)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await operation.Run(rig, timeout.Token);
            return (Outcome.Handled, null);
        }
        catch (OrchestratorException ex)
        {
            return (Outcome.TypedError, ex);
        }
        catch (Exception ex)
        {
            return (Outcome.Untyped, ex);
        }
    }
}
