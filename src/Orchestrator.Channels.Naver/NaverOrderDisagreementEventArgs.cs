namespace Orchestrator.Channels.Naver;

/// <summary>Reports a product order whose change-feed entry disagrees with its order detail; the detail wins.</summary>
/// <remarks>The last-changed feed is a change log, not the current state. Orders are routed from the detail.</remarks>
public sealed class NaverOrderDisagreementEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="NaverOrderDisagreementEventArgs"/> class.</summary>
    /// <param name="productOrderId">The product order.</param>
    /// <param name="feedStatus">The status the feed reported.</param>
    /// <param name="detailStatus">The status the detail reported, or <see langword="null"/> when the detail was missing.</param>
    public NaverOrderDisagreementEventArgs(string productOrderId, string? feedStatus, string? detailStatus)
    {
        ProductOrderId = productOrderId;
        FeedStatus = feedStatus;
        DetailStatus = detailStatus;
    }

    /// <summary>Gets the product order id.</summary>
    public string ProductOrderId { get; }

    /// <summary>Gets the status from the last-changed feed.</summary>
    public string? FeedStatus { get; }

    /// <summary>Gets the status from the order detail, or <see langword="null"/> when Naver returned no detail.</summary>
    public string? DetailStatus { get; }
}
