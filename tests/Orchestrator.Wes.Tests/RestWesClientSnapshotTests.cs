using System.Diagnostics;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Warehouse;

namespace Orchestrator.Wes.Tests;

public sealed class RestWesClientSnapshotTests : WesTestContext
{
    [Fact]
    public async Task ReadSnapshotAsync_100kSkusAcrossPages_EveryRowInTheBuilder()
    {
        Seed(100_000);
        using var client = Client();
        var builder = Builder();

        var watch = Stopwatch.StartNew();
        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, WesSnapshotRequest.All, CancellationToken.None));
        watch.Stop();
        var snapshot = builder.Build();
        var cold = watch.ElapsedMilliseconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        watch.Restart();
        await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"100k SKUs, {info.Pages} pages over loopback HTTP: first read {cold} ms; second read {watch.ElapsedMilliseconds} ms wall, {cpu.TotalMilliseconds:0} ms CPU (client and in-process simulator)");
        Assert.Equal(100, info.Pages);
        Assert.Equal(100_000, info.HighestVersion);
        Assert.Equal(100_000, snapshot.ReportedCount);
        Assert.Equal(499, snapshot.GetQuantity("SKU-099999"));
        Assert.Equal(99_999 % 7, snapshot.GetReserved(snapshot.Catalog.GetOrAdd("SKU-099999")));
        Assert.Equal("A-39-03", snapshot.GetLocation(snapshot.Catalog.GetOrAdd("SKU-099999")));
        Assert.Equal(0, snapshot.GetQuantity("SKU-000000"));
    }

    [Fact]
    public async Task ReadSnapshotAsync_SkuFilterLongerThanOneRequest_ReadsOnlyThoseSkusInSeveralSeries()
    {
        Seed(50);
        using var client = Client(o => o.MaxSkusPerRequest = 2);
        var builder = Builder();
        string[] wanted = ["SKU-000003", "SKU-000010", "SKU-000011", "SKU-000042", "SKU-000049"];

        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, new WesSnapshotRequest(wanted), CancellationToken.None));
        var snapshot = builder.Build();

        Assert.Equal(3, info.Pages);
        Assert.Equal(5, snapshot.ReportedCount);
        Assert.All(wanted, sku => Assert.NotNull(snapshot.GetQuantity(sku)));
    }

    [Fact]
    public async Task ReadSnapshotAsync_SinceVersion_ReadsOnlyRowsChangedAfterIt()
    {
        Seed(20);
        using var client = Client();
        var first = await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));
        await Clock.RunAsync(() => client.CommitAsync(new WesStockOperation("tx-1", Warehouse, [new WesLine("SKU-000005", 1)]), CancellationToken.None));

        var builder = Builder();
        var second = await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, new WesSnapshotRequest(UpdatedSinceVersion: first.HighestVersion), CancellationToken.None));
        var third = await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), new WesSnapshotRequest(UpdatedSinceVersion: second.HighestVersion), CancellationToken.None));

        var snapshot = builder.Build();
        Assert.Equal(1, snapshot.ReportedCount);
        Assert.Equal(4, snapshot.GetQuantity("SKU-000005"));
        Assert.Equal(first.HighestVersion + 1, second.HighestVersion);
        Assert.Equal(second.HighestVersion, third.HighestVersion);
    }

    [Fact]
    public async Task ReadSnapshotAsync_RowChangesOnAnAlreadyReadPage_NextIncrementalReadPicksItUp()
    {
        Seed(30);
        using var client = Client(o => o.PageSize = 10);
        Wes.AfterSnapshotPage = served =>
        {
            if (served == 2)
            {
                // An operator corrects SKU-000001 (page 1, already read) while page 3 is still to come.
                Wes.Adjust(Warehouse, "SKU-000001", 77);
            }
        };
        var first = await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));
        Wes.AfterSnapshotPage = null;

        var builder = Builder();
        await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, new WesSnapshotRequest(UpdatedSinceVersion: first.HighestVersion), CancellationToken.None));

        Assert.Equal(30, first.HighestVersion);
        Assert.Equal(77, builder.Build().GetQuantity("SKU-000001"));
    }

    [Fact]
    public async Task ReadSnapshotAsync_ServerErrorsThenOk_RetriedAndComplete()
    {
        Seed(2_500);
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503 });
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 500 });
        using var client = Client();
        var builder = Builder();

        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(builder, WesSnapshotRequest.All, CancellationToken.None));

        Assert.Equal(3, info.Pages);
        Assert.Equal(2_500, builder.Build().ReportedCount);
        Assert.Equal(5, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_RateLimitedWithRetryAfter_WaitsThenCompletes()
    {
        Seed(10);
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.RateLimit) { RetryAfter = TimeSpan.FromSeconds(7) });
        using var client = Client();
        var start = Clock.GetUtcNow();

        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));

        Assert.Equal(1, info.Pages);
        Assert.True(Clock.GetUtcNow() - start >= TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task ReadSnapshotAsync_SlowButInTime_Completes()
    {
        Seed(10);
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Latency) { Delay = TimeSpan.FromMilliseconds(200) });
        using var client = Client();

        var info = await Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));

        Assert.Equal(1, info.Pages);
        Assert.Equal(1, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_NoAnswerWithinAttemptTimeout_TimesOutAndRetries()
    {
        Seed(10);
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Hang) { Delay = TimeSpan.FromMinutes(10) });
        using var client = Client();

        var call = Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None));
        await Wes.RequestArrived.WaitAsync(TestContext.Current.CancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var info = await call;

        Assert.Equal(1, info.Pages);
        Assert.Equal(2, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_WesKeepsFailing_ThrowsTransientUnavailable()
    {
        Seed(10);
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.Status) { StatusCode = 503, Times = 4 });
        using var client = Client();

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.Unavailable, error.Kind);
        Assert.Equal(503, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal("ERR-INV-004", error.ErrorCode);
        Assert.Equal(4, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_TruncatedBody_ThrowsMalformedResponseSayingWhere()
    {
        Wes.Faults.Add(new FaultRule(SandboxFaultKind.MalformedBody));
        using var client = Client();

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.MalformedResponse, error.Kind);
        Assert.Contains($"read stock of warehouse '{Warehouse}' (page 1): unreadable response body (invalid JSON", error.Message, StringComparison.Ordinal);
        Assert.False(error.IsTransient);
        Assert.Equal(1, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_WrongApiKey_ThrowsUnauthorizedWithoutTheKey()
    {
        using var client = Client(o => o.ApiKey = "wrong-key-123456");

        var error = await Assert.ThrowsAsync<WarehouseApiException>(() => Clock.RunAsync(() => client.ReadSnapshotAsync(Builder(), WesSnapshotRequest.All, CancellationToken.None)));

        Assert.Equal(ChannelFailureKind.Unauthorized, error.Kind);
        Assert.Equal(401, error.StatusCode);
        Assert.DoesNotContain("wrong-key-123456", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, l => l.Contains("wrong-key-123456", StringComparison.Ordinal));
        Assert.Equal(1, Wes.Requests);
    }

    [Fact]
    public async Task ReadSnapshotAsync_ChannelBuilder_Throws()
    {
        using var client = Client();
        var listings = new Orchestrator.Catalog.ChannelListingMap("coupang-main", new Orchestrator.Catalog.SkuCatalog());
        var builder = new Orchestrator.Stock.StockSnapshotBuilder(listings, Warehouse, Clock.GetUtcNow());

        await Assert.ThrowsAsync<ArgumentException>(() => client.ReadSnapshotAsync(builder, WesSnapshotRequest.All, CancellationToken.None));
    }
}
