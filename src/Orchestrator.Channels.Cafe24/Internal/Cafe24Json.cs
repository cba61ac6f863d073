using System.Text.Json.Serialization;

namespace Orchestrator.Channels.Cafe24.Internal;

/// <summary>The file of <see cref="FileCafe24TokenStore"/>.</summary>
internal sealed class TokenFile
{
    public string AccessToken { get; set; } = string.Empty;

    public DateTimeOffset AccessTokenExpiresAt { get; set; }

    public string RefreshToken { get; set; } = string.Empty;

    public DateTimeOffset RefreshTokenExpiresAt { get; set; }
}

/// <summary>The token response.</summary>
internal sealed class TokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_at")]
    public string? ExpiresAt { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("refresh_token_expires_at")]
    public string? RefreshTokenExpiresAt { get; set; }
}

/// <summary>A page of orders.</summary>
internal sealed class OrdersResponse
{
    [JsonPropertyName("orders")]
    public List<Cafe24Order>? Orders { get; set; }
}

/// <summary>One order.</summary>
internal sealed class Cafe24Order
{
    [JsonPropertyName("order_id")]
    public string? OrderId { get; set; }

    [JsonPropertyName("order_date")]
    public string? OrderDate { get; set; }

    [JsonPropertyName("payment_date")]
    public string? PaymentDate { get; set; }

    [JsonPropertyName("order_status")]
    public string? OrderStatus { get; set; }

    [JsonPropertyName("items")]
    public List<Cafe24OrderItem>? Items { get; set; }
}

/// <summary>One order item.</summary>
internal sealed class Cafe24OrderItem
{
    [JsonPropertyName("order_item_code")]
    public string? OrderItemCode { get; set; }

    [JsonPropertyName("product_no")]
    public long ProductNo { get; set; }

    [JsonPropertyName("variant_code")]
    public string? VariantCode { get; set; }

    [JsonPropertyName("custom_variant_code")]
    public string? CustomVariantCode { get; set; }

    [JsonPropertyName("quantity")]
    public int Quantity { get; set; }

    [JsonPropertyName("order_status")]
    public string? OrderStatus { get; set; }
}

/// <summary>The body of an order status update.</summary>
internal sealed class OrderStatusRequest
{
    [JsonPropertyName("shop_no")]
    public int ShopNo { get; set; }

    [JsonPropertyName("requests")]
    public List<OrderStatusItem> Requests { get; set; } = [];
}

/// <summary>One order status change.</summary>
internal sealed class OrderStatusItem
{
    [JsonPropertyName("order_id")]
    public string OrderId { get; set; } = string.Empty;

    [JsonPropertyName("process_status")]
    public string ProcessStatus { get; set; } = string.Empty;
}

/// <summary>The response of an order status update (207 multi-status for partial results).</summary>
internal sealed class OrderStatusResponse
{
    [JsonPropertyName("orders")]
    public List<OrderStatusResult>? Orders { get; set; }
}

/// <summary>The result for one order.</summary>
internal sealed class OrderStatusResult
{
    [JsonPropertyName("order_id")]
    public string? OrderId { get; set; }

    [JsonPropertyName("process_status")]
    public string? ProcessStatus { get; set; }

    [JsonPropertyName("error")]
    public Cafe24Error? Error { get; set; }
}

/// <summary>An error.</summary>
internal sealed class Cafe24Error
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

/// <summary>The body of a variant inventory update.</summary>
internal sealed class InventoryRequest
{
    [JsonPropertyName("shop_no")]
    public int ShopNo { get; set; }

    [JsonPropertyName("request")]
    public InventoryChange Request { get; set; } = new();
}

/// <summary>The inventory change.</summary>
internal sealed class InventoryChange
{
    [JsonPropertyName("quantity")]
    public int Quantity { get; set; }
}

/// <summary>The response of a variant inventory update.</summary>
internal sealed class InventoryResponse
{
    [JsonPropertyName("inventory")]
    public InventoryState? Inventory { get; set; }
}

/// <summary>A variant's inventory.</summary>
internal sealed class InventoryState
{
    [JsonPropertyName("variant_code")]
    public string? VariantCode { get; set; }

    [JsonPropertyName("quantity")]
    public int Quantity { get; set; }

    [JsonPropertyName("use_inventory")]
    public string? UseInventory { get; set; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenFile))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OrdersResponse))]
[JsonSerializable(typeof(OrderStatusRequest))]
[JsonSerializable(typeof(OrderStatusResponse))]
[JsonSerializable(typeof(InventoryRequest))]
[JsonSerializable(typeof(InventoryResponse))]
internal sealed partial class Cafe24JsonContext : JsonSerializerContext
{
}
