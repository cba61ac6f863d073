using Orchestrator.Catalog;
using Orchestrator.Stock;

namespace Orchestrator.Channels;

/// <summary>
/// Connects the orchestrator to one sales channel account (a Coupang vendor, a Naver SmartStore, a Cafe24 mall).
/// </summary>
/// <remarks>
/// Implementations handle authentication, paging, rate limits and retries, and map failures to
/// <see cref="ChannelApiException"/> (ERR-INV-001). They never log credentials.
/// </remarks>
public interface IChannelAdapter
{
    /// <summary>Gets the channel instance name, for example <c>coupang-main</c>; unique within a host.</summary>
    string Name { get; }

    /// <summary>Gets which channel this adapter talks to.</summary>
    ChannelKind Kind { get; }

    /// <summary>Gets what the channel allows: its rate limit, batch size and whether a pushed value can be read back.</summary>
    ChannelCapabilities Capabilities { get; }

    /// <summary>Reads the quantity of every listing in <see cref="StockSnapshotBuilder.Listings"/>, page by page, straight into the builder.</summary>
    /// <param name="into">A channel builder (created with the channel's <see cref="ChannelListingMap"/>).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when every page was read.</returns>
    /// <exception cref="ChannelApiException">The channel failed after the adapter's retries, or answered with a body it could not read.</exception>
    Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken);

    /// <summary>Sets the absolute quantity of listings on the channel, in as few calls as the API allows.</summary>
    /// <param name="updates">The updates; at most one per listing.</param>
    /// <param name="cancellationToken">Cancels the push; updates not yet sent are reported as not sent.</param>
    /// <returns>One result per update, in the same order.</returns>
    /// <remarks>A failed update does not throw: it is reported in its result so the others still count.</remarks>
    Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken);
}

/// <summary>Names the sales channels the SDK ships adapters for.</summary>
public enum ChannelKind
{
    /// <summary>A channel of the host's own.</summary>
    Other,

    /// <summary>Coupang (Wing Open API).</summary>
    Coupang,

    /// <summary>Naver SmartStore (Naver Commerce API).</summary>
    Naver,

    /// <summary>Cafe24 (Cafe24 Admin API).</summary>
    Cafe24,
}

/// <summary>Describes what a channel's API allows.</summary>
/// <param name="RequestsPerSecond">The sustained request rate the adapter keeps to.</param>
/// <param name="MaxUpdatesPerCall">How many listings one stock write can carry.</param>
/// <param name="SupportsReadBack">Whether a pushed quantity can be read back to confirm it.</param>
public sealed record ChannelCapabilities(double RequestsPerSecond, int MaxUpdatesPerCall, bool SupportsReadBack);

/// <summary>Represents one absolute quantity to set on a channel listing.</summary>
/// <param name="Listing">The listing.</param>
/// <param name="SkuCode">The SKU behind the listing.</param>
/// <param name="Quantity">The quantity to show; 0 or more.</param>
/// <param name="TransactionId">Identifies this push in the audit trail and the pending-sync queue.</param>
public sealed record ChannelStockUpdate(ListingKey Listing, string SkuCode, int Quantity, string TransactionId)
{
    /// <summary>Gets the quantity to show; 0 or more.</summary>
    public int Quantity { get; } = Quantity >= 0
        ? Quantity
        : throw new InvalidStockDataException($"Cannot push a negative quantity ({Quantity}) for SKU '{SkuCode}'.", SkuCode);
}

/// <summary>Reports what happened to one <see cref="ChannelStockUpdate"/>.</summary>
/// <param name="Update">The update.</param>
/// <param name="Status">Whether it was applied.</param>
/// <param name="Failure">Why it failed, when it did.</param>
/// <param name="Message">The channel's message, with no secrets.</param>
/// <param name="ConfirmedQuantity">The quantity read back from the channel, when the channel allows it.</param>
public sealed record ChannelPushResult(
    ChannelStockUpdate Update,
    ChannelPushStatus Status,
    ChannelFailureKind? Failure = null,
    string? Message = null,
    int? ConfirmedQuantity = null)
{
    /// <summary>Gets a value indicating whether a later retry of this update may succeed.</summary>
    public bool IsRetryable => Status == ChannelPushStatus.NotSent
        || Failure is ChannelFailureKind.Timeout or ChannelFailureKind.RateLimited or ChannelFailureKind.Unavailable;
}

/// <summary>Describes the outcome of one stock push.</summary>
public enum ChannelPushStatus
{
    /// <summary>The channel accepted the quantity.</summary>
    Succeeded,

    /// <summary>The channel refused the quantity or did not answer.</summary>
    Failed,

    /// <summary>The update was not sent (cancelled, or the circuit was open).</summary>
    NotSent,
}
