namespace Orchestrator.Storage.Compliance;

/// <summary>Allocation pauses (seed 000: 暫停該 SKU 的自動訂單分配).</summary>
public abstract class AllocationPauseStoreComplianceTests : StorageComplianceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A repeated detection must not replace the first pause: its reason and time say when the shelf first ran empty.</summary>
    [Fact]
    public async Task PauseAsync_AlreadyPaused_KeepsFirstPause()
    {
        Assert.True(await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "WES shows 0", "orchestrator", T0), Ct));
        Assert.False(await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "again", "orchestrator", T0.AddHours(1)), Ct));

        Assert.Equal([new AllocationPause("WH1", "SKU-1", "WES shows 0", "orchestrator", T0)], await Storage.AllocationPauses.ListAsync("WH1", Ct));
    }

    /// <summary>Resuming returns the SKU to sale; it can be paused again later, and resuming twice reports that it was not paused.</summary>
    [Fact]
    public async Task ResumeAsync_PausedSku_RemovedFromListAndCanBePausedAgain()
    {
        await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "r", "orchestrator", T0), Ct);
        await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH2", "SKU-1", "r", "orchestrator", T0), Ct);

        Assert.True(await Storage.AllocationPauses.ResumeAsync("WH1", "SKU-1", "kim", T0.AddHours(1), Ct));
        Assert.False(await Storage.AllocationPauses.ResumeAsync("WH1", "SKU-1", "kim", T0.AddHours(2), Ct));

        Assert.Equal(["WH2"], (await Storage.AllocationPauses.ListAsync(null, Ct)).Select(p => p.WarehouseId));
        Assert.True(await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "again", "orchestrator", T0.AddHours(3)), Ct));
        Assert.Equal(2, (await Storage.AllocationPauses.ListAsync(null, Ct)).Count);
    }
}
