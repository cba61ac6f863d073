using Orchestrator.Reconciliation;

namespace Orchestrator.Storage;

/// <summary>
/// The StockDiscrepancyLog: every Inventory ↔ WES discrepancy detected, queryable by warehouse, SKU and time range.
/// </summary>
public interface IDiscrepancyLogStore
{
    /// <summary>Appends discrepancies; a transaction id already logged is skipped, so replaying a detection logs it once.</summary>
    /// <param name="discrepancies">The discrepancies (one call may carry a million rows; providers use their bulk path).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many rows were added.</returns>
    Task<int> AppendAsync(IReadOnlyList<StockDiscrepancy> discrepancies, CancellationToken cancellationToken);

    /// <summary>Reads a page of the log, newest first.</summary>
    /// <param name="query">The filter and page.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    Task<DiscrepancyPage> QueryAsync(DiscrepancyQuery query, CancellationToken cancellationToken);

    /// <summary>Gets the open discrepancy of a SKU in a warehouse, if there is one (the newest).</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The discrepancy, or <see langword="null"/>.</returns>
    Task<StockDiscrepancy?> GetOpenAsync(string warehouseId, string skuCode, CancellationToken cancellationToken);

    /// <summary>Counts the consecutive open detections of a SKU in a warehouse, used to tell a lasting difference from a passing one.</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of open rows for the SKU.</returns>
    Task<int> CountOpenAsync(string warehouseId, string skuCode, CancellationToken cancellationToken);

    /// <summary>Resolves a discrepancy.</summary>
    /// <param name="id">The row id.</param>
    /// <param name="resolvedBy">Who resolved it.</param>
    /// <param name="note">A note, or <see langword="null"/>.</param>
    /// <param name="resolvedAt">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the row was open and is now resolved.</returns>
    Task<bool> ResolveAsync(long id, string resolvedBy, string? note, DateTimeOffset resolvedAt, CancellationToken cancellationToken);

    /// <summary>Resolves every open discrepancy of a SKU in a warehouse (after a fix or a count).</summary>
    /// <param name="warehouseId">The warehouse.</param>
    /// <param name="skuCode">The SKU.</param>
    /// <param name="resolvedBy">Who resolved it.</param>
    /// <param name="note">A note, or <see langword="null"/>.</param>
    /// <param name="resolvedAt">When.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many rows were resolved.</returns>
    Task<int> ResolveOpenAsync(string warehouseId, string skuCode, string resolvedBy, string? note, DateTimeOffset resolvedAt, CancellationToken cancellationToken);

    /// <summary>Summarizes the log per day, warehouse and type, for day-over-day comparison.</summary>
    /// <param name="firstDay">The first day (inclusive, UTC date).</param>
    /// <param name="lastDay">The last day (inclusive, UTC date).</param>
    /// <param name="warehouseId">Only this warehouse, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One row per day, warehouse and type that has discrepancies.</returns>
    Task<IReadOnlyList<DiscrepancyDailySummary>> SummarizeByDayAsync(DateOnly firstDay, DateOnly lastDay, string? warehouseId, CancellationToken cancellationToken);
}

/// <summary>Filters and pages the discrepancy log.</summary>
/// <param name="WarehouseId">Only this warehouse.</param>
/// <param name="SkuCode">Only this SKU.</param>
/// <param name="From">Detected at or after.</param>
/// <param name="To">Detected before.</param>
/// <param name="Status">Only this status.</param>
/// <param name="Type">Only this type.</param>
/// <param name="PageSize">Rows per page, 1 to 10,000.</param>
/// <param name="BeforeId">The keyset cursor: only rows with a smaller id (from <see cref="DiscrepancyPage.NextBeforeId"/>).</param>
public sealed record DiscrepancyQuery(
    string? WarehouseId = null,
    string? SkuCode = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    DiscrepancyStatus? Status = null,
    DiscrepancyType? Type = null,
    int PageSize = 100,
    long? BeforeId = null);

/// <summary>Represents one page of the discrepancy log.</summary>
/// <param name="Items">The rows, newest first.</param>
/// <param name="NextBeforeId">The cursor of the next page, or <see langword="null"/> when this was the last.</param>
public sealed record DiscrepancyPage(IReadOnlyList<StockDiscrepancy> Items, long? NextBeforeId);

/// <summary>Summarizes one day of the discrepancy log for one warehouse and type.</summary>
/// <param name="Day">The UTC date.</param>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="Type">The type.</param>
/// <param name="Detected">How many were detected that day.</param>
/// <param name="Open">How many of those are still open.</param>
/// <param name="AbsoluteUnits">The sum of |discrepancy| over those rows.</param>
public sealed record DiscrepancyDailySummary(DateOnly Day, string WarehouseId, DiscrepancyType Type, long Detected, long Open, long AbsoluteUnits);
