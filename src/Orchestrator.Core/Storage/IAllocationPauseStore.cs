namespace Orchestrator.Storage;

/// <summary>
/// SKUs whose automatic order allocation is paused (seed 000: the inventory store shows stock the WES does not have).
/// A paused SKU is sold as 0 on every channel until it is resumed.
/// </summary>
public interface IAllocationPauseStore
{
    /// <summary>Pauses a SKU in a warehouse; pausing a paused SKU keeps the first pause.</summary>
    /// <param name="pause">The pause.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the SKU was not paused before.</returns>
    Task<bool> PauseAsync(AllocationPause pause, CancellationToken cancellationToken);

    /// <summary>Resumes a paused SKU.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="resumedBy">Who resumed it.</param>
    /// <param name="at">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the SKU was paused.</returns>
    Task<bool> ResumeAsync(string warehouseId, string skuCode, string resumedBy, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Lists the paused SKUs of a warehouse.</summary>
    /// <param name="warehouseId">The warehouse, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The pauses.</returns>
    Task<IReadOnlyList<AllocationPause>> ListAsync(string? warehouseId, CancellationToken cancellationToken);
}

/// <summary>Represents a paused SKU.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Reason">Why, for example the discrepancy that caused it.</param>
/// <param name="PausedBy">Who or what paused it.</param>
/// <param name="PausedAt">When.</param>
public sealed record AllocationPause(string WarehouseId, string SkuCode, string Reason, string PausedBy, DateTimeOffset PausedAt);
