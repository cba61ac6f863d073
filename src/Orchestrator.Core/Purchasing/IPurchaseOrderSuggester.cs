namespace Orchestrator.Purchasing;

/// <summary>
/// Suggests purchase orders for SKUs running low (seed 002 steps 9 and 10: 발주 제안).
/// </summary>
public interface IPurchaseOrderSuggester
{
    /// <summary>Suggests what to order.</summary>
    /// <param name="requests">The low-stock SKUs.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One suggestion per SKU worth ordering; SKUs that need nothing are left out.</returns>
    Task<IReadOnlyList<PurchaseOrderSuggestion>> SuggestAsync(IReadOnlyList<PurchaseOrderRequest> requests, CancellationToken cancellationToken);
}

/// <summary>Represents a SKU that may need ordering.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="OnHand">Units on hand.</param>
/// <param name="Level">The level it fell to (for example <c>critical</c> or <c>low</c>).</param>
public sealed record PurchaseOrderRequest(string WarehouseId, string SkuCode, int OnHand, string Level);

/// <summary>Represents a suggested purchase order line.</summary>
/// <param name="WarehouseId">The warehouse.</param>
/// <param name="SkuCode">The SKU.</param>
/// <param name="Quantity">Units to order.</param>
/// <param name="Explanation">How the quantity was reached, for the buyer.</param>
public sealed record PurchaseOrderSuggestion(string WarehouseId, string SkuCode, int Quantity, string Explanation);
