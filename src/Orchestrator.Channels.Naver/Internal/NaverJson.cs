using System.Text.Json.Serialization;

namespace Orchestrator.Channels.Naver.Internal;

/// <summary>The token response.</summary>
internal sealed class TokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("expires_in")]
    public long ExpiresIn { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}

/// <summary>The last-changed-statuses response.</summary>
internal sealed class LastChangedResponse
{
    public string? TraceId { get; set; }

    public LastChangedData? Data { get; set; }
}

/// <summary>The page data.</summary>
internal sealed class LastChangedData
{
    public List<LastChangedStatus>? LastChangeStatuses { get; set; }

    public LastChangedMore? More { get; set; }
}

/// <summary>The cursor of the next page.</summary>
internal sealed class LastChangedMore
{
    public string? MoreFrom { get; set; }

    public string? MoreSequence { get; set; }
}

/// <summary>One change-feed entry.</summary>
internal sealed class LastChangedStatus
{
    public string? ProductOrderId { get; set; }

    public string? OrderId { get; set; }

    public string? LastChangedType { get; set; }

    public DateTimeOffset LastChangedDate { get; set; }

    public string? ProductOrderStatus { get; set; }
}

/// <summary>The body of the detail query and of the confirmation.</summary>
internal sealed class ProductOrderIdsRequest
{
    public List<string> ProductOrderIds { get; set; } = [];
}

/// <summary>The detail query response.</summary>
internal sealed class ProductOrderDetailResponse
{
    public string? TraceId { get; set; }

    public List<ProductOrderDetail>? Data { get; set; }
}

/// <summary>One product order detail.</summary>
internal sealed class ProductOrderDetail
{
    public OrderInfo? Order { get; set; }

    public ProductOrderInfo? ProductOrder { get; set; }
}

/// <summary>The order part of a detail.</summary>
internal sealed class OrderInfo
{
    public string? OrderId { get; set; }

    public DateTimeOffset? OrderDate { get; set; }

    public DateTimeOffset? PaymentDate { get; set; }
}

/// <summary>The product-order part of a detail.</summary>
internal sealed class ProductOrderInfo
{
    public string? ProductOrderId { get; set; }

    public string? ProductOrderStatus { get; set; }

    public string? PlaceOrderStatus { get; set; }

    public string? ProductId { get; set; }

    public string? OriginalProductId { get; set; }

    public string? OptionCode { get; set; }

    public string? OptionManageCode { get; set; }

    public string? SellerProductCode { get; set; }

    public int Quantity { get; set; }
}

/// <summary>The confirmation response.</summary>
internal sealed class ConfirmResponse
{
    public ConfirmData? Data { get; set; }
}

/// <summary>The confirmation result.</summary>
internal sealed class ConfirmData
{
    public List<ConfirmSuccess>? SuccessProductOrderInfos { get; set; }

    public List<ConfirmFailure>? FailProductOrderInfos { get; set; }
}

/// <summary>A confirmed product order.</summary>
internal sealed class ConfirmSuccess
{
    public string? ProductOrderId { get; set; }
}

/// <summary>A product order that was not confirmed.</summary>
internal sealed class ConfirmFailure
{
    public string? ProductOrderId { get; set; }

    public string? Code { get; set; }

    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(LastChangedResponse))]
[JsonSerializable(typeof(ProductOrderIdsRequest))]
[JsonSerializable(typeof(ProductOrderDetailResponse))]
[JsonSerializable(typeof(ConfirmResponse))]
internal sealed partial class NaverJsonContext : JsonSerializerContext
{
}
