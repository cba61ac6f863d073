using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Internal;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Sandbox.Coupang;

/// <summary>Represents one vendor item of the simulated Coupang catalog.</summary>
/// <param name="VendorItemId">The <c>vendorItemId</c>.</param>
/// <param name="SkuCode">The seller's SKU code (<c>externalVendorSkuCode</c>).</param>
public sealed record CoupangSandboxListing(long VendorItemId, string SkuCode);

/// <summary>Represents a simulated Coupang ordersheet (one shipment box with one line).</summary>
/// <param name="ShipmentBoxId">The shipment box id.</param>
/// <param name="OrderId">The order id.</param>
/// <param name="OrderedAt">When it was ordered.</param>
/// <param name="VendorItemId">The vendor item.</param>
/// <param name="SkuCode">The seller's SKU code.</param>
/// <param name="Quantity">The quantity.</param>
public sealed record CoupangSandboxOrder(long ShipmentBoxId, long OrderId, DateTimeOffset OrderedAt, long VendorItemId, string SkuCode, int Quantity);

/// <summary>
/// Simulates the parts of the Coupang Wing Open API the adapter uses: CEA HMAC authentication, the per-vendor rate limit,
/// vendor-item inventory read and quantity update, ordersheets with <c>nextToken</c> paging and acknowledgement.
/// </summary>
public sealed class CoupangSandbox
{
    /// <summary>The first vendor item id of the generated catalog.</summary>
    public const long FirstVendorItemId = 3_000_000_000;
    private const string ProductPrefix = "/coupang/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/";
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly CoupangSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly SandboxItem[] _items;
    private readonly int[] _quantities;
    private readonly Lock _ordersLock = new();
    private readonly List<CoupangSandboxOrder> _orders = [];
    private readonly Dictionary<long, string> _orderStatus = [];
    private long _nextBox = 800_000_000;
    private int _inventoryReads;
    private int _quantityWrites;
    private readonly StockWriteLog _writeLog;
    private readonly Lock _writeLock = new();

    internal CoupangSandbox(CoupangSandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _writeLog = new StockWriteLog(time);
        _items = SandboxCatalog.Generate(options.ListingCount, options.Seed, options.SkuPrefix);
        _quantities = _items.Select(i => i.Quantity).ToArray();
        RateLimit = new SandboxTokenBucket(options.RequestsPerSecond, options.Burst, time);
        Listings = _items.Select(i => new CoupangSandboxListing(FirstVendorItemId + i.Index, i.SkuCode)).ToArray();
    }

    /// <summary>Gets the base address to configure the adapter with, for example <c>http://127.0.0.1:51234/coupang/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the accepted vendor id.</summary>
    public string VendorId => _options.VendorId;

    /// <summary>Gets the accepted access key.</summary>
    public string AccessKey => _options.AccessKey;

    /// <summary>Gets the secret key.</summary>
    public string SecretKey => _options.SecretKey;

    /// <summary>Gets the fault script.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the per-vendor rate limit.</summary>
    public SandboxTokenBucket RateLimit { get; }

    /// <summary>Gets the generated catalog.</summary>
    public IReadOnlyList<CoupangSandboxListing> Listings { get; }

    /// <summary>Gets how many inventory reads were served.</summary>
    public int InventoryReads => Volatile.Read(ref _inventoryReads);

    /// <summary>Gets how many quantity writes were applied.</summary>
    public int QuantityWrites => Volatile.Read(ref _quantityWrites);

    /// <summary>Gets every quantity write applied so far, in the order applied.</summary>
    /// <returns>A copy of the log.</returns>
    public IReadOnlyList<SandboxStockWrite> StockWriteLog() => _writeLog.Snapshot();

    /// <summary>Gets the quantity of a vendor item.</summary>
    /// <param name="vendorItemId">The vendor item.</param>
    /// <returns>The quantity.</returns>
    public int GetQuantity(long vendorItemId) => Volatile.Read(ref _quantities[checked((int)(vendorItemId - FirstVendorItemId))]);

    /// <summary>Adds paid orders (status <c>ACCEPT</c>), one line each, cycling through the catalog.</summary>
    /// <param name="count">How many.</param>
    /// <param name="firstOrderedAt">When the first was ordered.</param>
    /// <param name="spacing">The time between two orders.</param>
    /// <returns>The orders added.</returns>
    public IReadOnlyList<CoupangSandboxOrder> AddOrders(int count, DateTimeOffset firstOrderedAt, TimeSpan spacing)
    {
        var added = new List<CoupangSandboxOrder>(count);
        lock (_ordersLock)
        {
            for (var i = 0; i < count; i++)
            {
                var box = _nextBox++;
                var item = _items[(int)(box % Math.Max(1, _items.Length))];
                var order = new CoupangSandboxOrder(box, box + 1_000_000_000, firstOrderedAt + (spacing * i), FirstVendorItemId + item.Index, item.SkuCode, 1 + (int)(box % 3));
                _orders.Add(order);
                _orderStatus[box] = "ACCEPT";
                added.Add(order);
            }
        }

        return added;
    }

    /// <summary>Gets the status of a shipment box (<c>ACCEPT</c>, <c>INSTRUCT</c>, …).</summary>
    /// <param name="shipmentBoxId">The shipment box.</param>
    /// <returns>The status, or <see langword="null"/> when unknown.</returns>
    public string? GetOrderStatus(long shipmentBoxId)
    {
        lock (_ordersLock)
        {
            return _orderStatus.GetValueOrDefault(shipmentBoxId);
        }
    }

    internal void SetBaseAddress(Uri address) => BaseAddress = address;

    internal void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/coupang");
        group.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, Error, "{\"code\":\"SUCCESS\",\"message\":\"\",\"data\":{\"vendorItemId\":30"));
        group.AddEndpointFilter(async (ctx, next) => CheckRateLimit() ?? CheckSignature(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));

        group.MapGet("/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{vendorItemId:long}/inventories", ReadInventory);
        group.MapPut("/v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/{vendorItemId:long}/quantities/{quantity}", UpdateQuantity);
        group.MapGet("/v2/providers/openapi/apis/api/v4/vendors/{vendorId}/ordersheets", ListOrders);
        group.MapMethods("/v2/providers/openapi/apis/api/v4/vendors/{vendorId}/ordersheets/acknowledgement", ["PUT", "PATCH"], AcknowledgeAsync);
    }

    private static IResult Error(int status, string message, TimeSpan? retryAfter) => new ErrorResult(status, message, retryAfter);

    private IResult? CheckRateLimit()
    {
        if (RateLimit.TryTake(out _))
        {
            return null;
        }

        return Error(StatusCodes.Status429TooManyRequests, "Too Many Requests", _options.RetryAfter);
    }

    private IResult? CheckSignature(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("CEA ", StringComparison.Ordinal))
        {
            return Error(StatusCodes.Status401Unauthorized, "Unauthorized.", null);
        }

        var parts = header[4..].Split(", ").Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (parts.GetValueOrDefault("algorithm") != "HmacSHA256"
            || !parts.TryGetValue("access-key", out var accessKey)
            || !parts.TryGetValue("signed-date", out var signedDate)
            || !parts.TryGetValue("signature", out var signature))
        {
            return Error(StatusCodes.Status401Unauthorized, "Invalid authorization header.", null);
        }

        if (!string.Equals(accessKey, _options.AccessKey, StringComparison.Ordinal))
        {
            return Error(StatusCodes.Status401Unauthorized, "Invalid access key.", null);
        }

        if (!DateTimeOffset.TryParseExact(signedDate, "yyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var signedAt)
            || (signedAt - _time.GetUtcNow()).Duration() > _options.SignatureTolerance)
        {
            return Error(StatusCodes.Status401Unauthorized, "Specified signature is expired.", null);
        }

        var (path, query) = RawRequest.Target(context);
        var message = signedDate + context.Request.Method + path + query;
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.SecretKey), Encoding.UTF8.GetBytes(message)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : Error(StatusCodes.Status401Unauthorized, "Invalid signature.", null);
    }

    private IResult ReadInventory(long vendorItemId)
    {
        var index = vendorItemId - FirstVendorItemId;
        if (index < 0 || index >= _items.Length)
        {
            return Error(StatusCodes.Status400BadRequest, $"vendorItemId {vendorItemId} not found.", null);
        }

        Interlocked.Increment(ref _inventoryReads);
        var quantity = Volatile.Read(ref _quantities[index]);
        return Results.Json(new { code = "SUCCESS", message = "", data = new { sellerItemId = vendorItemId, vendorItemId, amountInStock = quantity, salePrice = 10_000, onSale = true } });
    }

    private IResult UpdateQuantity(long vendorItemId, string quantity)
    {
        var index = vendorItemId - FirstVendorItemId;
        if (index < 0 || index >= _items.Length)
        {
            return Error(StatusCodes.Status400BadRequest, $"vendorItemId {vendorItemId} not found.", null);
        }

        if (!int.TryParse(quantity, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 99_999)
        {
            return Error(StatusCodes.Status400BadRequest, "Invalid quantity.", null);
        }

        lock (_writeLock)
        {
            // One lock around the write and its log entry, so the log's order is the order the writes were applied in.
            Volatile.Write(ref _quantities[index], value);
            Interlocked.Increment(ref _quantityWrites);
            _writeLog.Add(_items[index].SkuCode, value);
        }

        return Results.Json(new { code = "SUCCESS", message = "재고 변경을 완료했습니다." });
    }

    private IResult ListOrders(string vendorId, string? createdAtFrom, string? createdAtTo, string? status, int? maxPerPage, string? nextToken)
    {
        if (vendorId != _options.VendorId)
        {
            return Error(StatusCodes.Status403Forbidden, "The vendorId does not belong to the access key.", null);
        }

        if (!DateOnly.TryParseExact(createdAtFrom, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !DateOnly.TryParseExact(createdAtTo, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
            || string.IsNullOrEmpty(status))
        {
            return Results.Json(new { code = 400, message = "createdAtFrom, createdAtTo (yyyy-MM-dd) and status are required." }, statusCode: 400);
        }

        var size = maxPerPage ?? 50;
        if (size is < 1 or > 50)
        {
            return Results.Json(new { code = 400, message = "maxPerPage must be between 1 and 50." }, statusCode: 400);
        }

        var start = 0;
        if (!string.IsNullOrEmpty(nextToken) && !int.TryParse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture, out start))
        {
            return Results.Json(new { code = 400, message = "Invalid nextToken." }, statusCode: 400);
        }

        List<object> page = [];
        string next = string.Empty;
        lock (_ordersLock)
        {
            var matching = _orders.Where(o =>
            {
                var day = DateOnly.FromDateTime(o.OrderedAt.ToOffset(Kst).DateTime);
                return day >= from && day <= to && _orderStatus[o.ShipmentBoxId] == status;
            }).ToList();
            foreach (var o in matching.Skip(start).Take(size))
            {
                var at = o.OrderedAt.ToOffset(Kst).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
                page.Add(new
                {
                    shipmentBoxId = o.ShipmentBoxId,
                    orderId = o.OrderId,
                    orderedAt = at,
                    paidAt = at,
                    status = _orderStatus[o.ShipmentBoxId],
                    orderer = new { name = "홍길동" },
                    receiver = new { name = "홍길동", addr1 = "서울특별시", addr2 = "1", postCode = "04524", safeNumber = "0503-0000-0000" },
                    orderItems = new[]
                    {
                        new { vendorItemId = o.VendorItemId, vendorItemName = "Item " + o.SkuCode, shippingCount = o.Quantity, cancelCount = 0, holdCountForCancel = 0, externalVendorSkuCode = o.SkuCode, sellerProductId = o.VendorItemId - 1_000_000_000 },
                    },
                });
            }

            if (start + size < matching.Count)
            {
                next = (start + size).ToString(CultureInfo.InvariantCulture);
            }
        }

        return Results.Json(new { code = 200, message = "OK", data = page, nextToken = next });
    }

    private async Task<IResult> AcknowledgeAsync(string vendorId, HttpRequest request)
    {
        if (vendorId != _options.VendorId)
        {
            return Error(StatusCodes.Status403Forbidden, "The vendorId does not belong to the access key.", null);
        }

        using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        var ids = body.RootElement.GetProperty("shipmentBoxIds").EnumerateArray().Select(e => e.GetInt64()).ToList();
        if (ids.Count is 0 or > 50)
        {
            return Results.Json(new { code = 400, message = "shipmentBoxIds must hold 1 to 50 ids." }, statusCode: 400);
        }

        List<object> results = [];
        var failed = 0;
        lock (_ordersLock)
        {
            foreach (var id in ids)
            {
                if (!_orderStatus.TryGetValue(id, out var current))
                {
                    failed++;
                    results.Add(new { shipmentBoxId = id, succeed = false, resultCode = "NOT_FOUND", resultMessage = "Unknown shipment box.", retryRequired = false });
                    continue;
                }

                if (current is "ACCEPT" or "INSTRUCT")
                {
                    _orderStatus[id] = "INSTRUCT";
                    results.Add(new { shipmentBoxId = id, succeed = true, resultCode = "OK", resultMessage = "", retryRequired = false });
                }
                else
                {
                    failed++;
                    results.Add(new { shipmentBoxId = id, succeed = false, resultCode = "INVALID_STATUS", resultMessage = $"Status is {current}.", retryRequired = false });
                }
            }
        }

        var responseCode = failed == 0 ? 0 : failed == ids.Count ? 99 : 1;
        return Results.Json(new { code = 200, message = "OK", data = new { responseCode, responseMessage = "", responseList = results } });
    }

    private sealed class ErrorResult(int status, string message, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(new { code = "ERROR", message, transactionId = Guid.NewGuid().ToString("N") });
        }
    }
}
