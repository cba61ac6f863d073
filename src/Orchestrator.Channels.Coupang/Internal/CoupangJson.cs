using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Channels.Coupang.Internal;

/// <summary>One page of ordersheets (v4, daily paging).</summary>
internal sealed class OrderSheetPage
{
    public JsonElement Code { get; set; }

    public string? Message { get; set; }

    public List<OrderSheet>? Data { get; set; }

    public string? NextToken { get; set; }
}

/// <summary>One shipment box.</summary>
internal sealed class OrderSheet
{
    public long ShipmentBoxId { get; set; }

    public long OrderId { get; set; }

    public string? OrderedAt { get; set; }

    public string? PaidAt { get; set; }

    public string? Status { get; set; }

    public List<OrderSheetItem>? OrderItems { get; set; }
}

/// <summary>One line of a shipment box.</summary>
internal sealed class OrderSheetItem
{
    public long VendorItemId { get; set; }

    public string? VendorItemName { get; set; }

    public int ShippingCount { get; set; }

    public int CancelCount { get; set; }

    public int HoldCountForCancel { get; set; }

    public string? ExternalVendorSkuCode { get; set; }

    public long SellerProductId { get; set; }
}

/// <summary>The acknowledgement request body.</summary>
internal sealed class AcknowledgementRequest
{
    public string VendorId { get; set; } = string.Empty;

    public List<long> ShipmentBoxIds { get; set; } = [];
}

/// <summary>The acknowledgement response.</summary>
internal sealed class AcknowledgementResponse
{
    public JsonElement Code { get; set; }

    public string? Message { get; set; }

    public AcknowledgementData? Data { get; set; }
}

/// <summary>The acknowledgement result.</summary>
internal sealed class AcknowledgementData
{
    public int ResponseCode { get; set; }

    public string? ResponseMessage { get; set; }

    public List<AcknowledgementItem>? ResponseList { get; set; }
}

/// <summary>The result for one shipment box.</summary>
internal sealed class AcknowledgementItem
{
    public long ShipmentBoxId { get; set; }

    public bool Succeed { get; set; }

    public string? ResultCode { get; set; }

    public string? ResultMessage { get; set; }

    public bool RetryRequired { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(OrderSheetPage))]
[JsonSerializable(typeof(AcknowledgementRequest))]
[JsonSerializable(typeof(AcknowledgementResponse))]
internal sealed partial class CoupangJsonContext : JsonSerializerContext
{
}
