namespace Orchestrator.Storage.Compliance;

/// <summary>Last-polled watermarks (seed 000: last polled timestamp) per source and partition, only forward, fenced by the poller's lease.</summary>
public abstract class WatermarkStoreComplianceTests : StorageComplianceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private Task<JobLease?> AcquireAsync(string owner = "host-a") => Storage.JobLocks.TryAcquireAsync("intake:erp", owner, Lease, Time.GetUtcNow(), Ct);

    /// <summary>Before the first poll there is no watermark, and the poller starts from its configured origin.</summary>
    [Fact]
    public async Task GetAsync_BeforeFirstAdvance_ReturnsNull()
        => Assert.Null(await Storage.Watermarks.GetAsync("erp", "*", Ct));

    /// <summary>A slow poller finishing an older window must not move the watermark back, or the next poll would re-read and overlap.</summary>
    [Fact]
    public async Task AdvanceAsync_OlderValue_KeepsNewer()
    {
        var lease = await AcquireAsync();

        Assert.Equal(T0.AddTicks(7), await Storage.Watermarks.AdvanceAsync("erp", "*", T0.AddTicks(7), lease!, Ct));
        Assert.Equal(T0.AddTicks(7), await Storage.Watermarks.AdvanceAsync("erp", "*", T0, lease!, Ct));

        Assert.Equal(T0.AddTicks(7), await Storage.Watermarks.GetAsync("erp", "*", Ct));
    }

    /// <summary>Partitioned polling (seed 000: 分區式輪詢) keeps one watermark per partition.</summary>
    [Fact]
    public async Task AdvanceAsync_TwoPartitions_KeptApart()
    {
        var lease = await AcquireAsync();

        await Storage.Watermarks.AdvanceAsync("erp", "WH1", T0.AddHours(1), lease!, Ct);
        await Storage.Watermarks.AdvanceAsync("erp", "WH2", T0.AddHours(2), lease!, Ct);

        Assert.Equal(T0.AddHours(1), await Storage.Watermarks.GetAsync("erp", "WH1", Ct));
        Assert.Equal(T0.AddHours(2), await Storage.Watermarks.GetAsync("erp", "WH2", Ct));
        Assert.Null(await Storage.Watermarks.GetAsync("other", "WH1", Ct));
    }

    /// <summary>A poller that paused past its lease while another took over must not write: the fencing token refuses it.</summary>
    [Fact]
    public async Task AdvanceAsync_NewerLeaseExists_ThrowsLeaseLostAndKeepsValue()
    {
        var stale = await AcquireAsync("host-a");
        Time.Advance(Lease);
        var current = await AcquireAsync("host-b");
        await Storage.Watermarks.AdvanceAsync("erp", "*", T0, current!, Ct);

        var error = await Assert.ThrowsAsync<LeaseLostException>(() => Storage.Watermarks.AdvanceAsync("erp", "*", T0.AddDays(1), stale!, Ct));

        Assert.Equal("ERR-LOCK-001", error.ErrorCode);
        Assert.Equal(T0, await Storage.Watermarks.GetAsync("erp", "*", Ct));
    }
}
