using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Org.BouncyCastle.Crypto.Generators;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Sandbox.Naver;

/// <summary>Represents one listing of the simulated Naver catalog.</summary>
/// <param name="OriginProductNo">The origin product number.</param>
/// <param name="OptionCombinationId">The option combination id, or 0 for a product without options.</param>
/// <param name="SkuCode">The seller's SKU code (<c>sellerManagerCode</c>).</param>
public sealed record NaverSandboxListing(long OriginProductNo, long OptionCombinationId, string SkuCode);

/// <summary>Represents a simulated product order.</summary>
/// <param name="ProductOrderId">The product order id.</param>
/// <param name="OrderId">The order id.</param>
/// <param name="LastChangedDate">When it last changed.</param>
/// <param name="Listing">The listing ordered.</param>
/// <param name="Quantity">The quantity.</param>
public sealed record NaverSandboxOrder(string ProductOrderId, string OrderId, DateTimeOffset LastChangedDate, NaverSandboxListing Listing, int Quantity);

/// <summary>
/// Simulates the parts of the Naver Commerce API the adapter uses: the bcrypt-signed client-credentials token (3 h, reused
/// while 30 minutes or more remain), per-API token buckets with <c>GNCP-GW-RateLimit-*</c> headers and <c>GW.RATE_LIMIT</c> 429s,
/// origin products with option stock, the last-changed feed with <c>moreSequence</c> paging, order details and confirmation.
/// </summary>
public sealed class NaverSandbox
{
    /// <summary>The first origin product number of the generated catalog.</summary>
    public const long FirstOriginProductNo = 5_000_000_000;
    private const long FirstOptionId = 70_000_000_000;
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly NaverSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, Product> _products = [];
    private readonly ConcurrentDictionary<string, DateTimeOffset> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SandboxTokenBucket> _buckets;
    private readonly Lock _lock = new();
    private readonly List<OrderState> _orders = [];
    private readonly Dictionary<string, OrderState> _ordersById = new(StringComparer.Ordinal);
    private (string Token, DateTimeOffset ExpiresAt)? _currentToken;
    private int _nextOrder = 1;
    private int _tokensIssued;
    private int _stockWrites;
    private readonly StockWriteLog _writeLog;

    internal NaverSandbox(NaverSandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _writeLog = new StockWriteLog(time);
        _buckets = new(StringComparer.Ordinal)
        {
            ["token"] = new SandboxTokenBucket(options.RequestsPerSecond, options.Burst, time),
            ["products"] = new SandboxTokenBucket(options.RequestsPerSecond, options.Burst, time),
            ["orders"] = new SandboxTokenBucket(options.RequestsPerSecond, options.Burst, time),
        };
        var items = SandboxCatalog.Generate(options.ListingCount, options.Seed, options.SkuPrefix);
        var listings = new List<NaverSandboxListing>(items.Length);
        var p = 0;
        var i = 0;
        while (i < items.Length)
        {
            var no = FirstOriginProductNo + p;
            var product = new Product { SalePrice = 10_000 + (p * 10) };
            if (p % 25 == 0 || options.OptionsPerProduct <= 0)
            {
                product.Stock = items[i].Quantity;
                product.Sku = items[i].SkuCode;
                listings.Add(new NaverSandboxListing(no, 0, items[i].SkuCode));
                i++;
            }
            else
            {
                for (var k = 0; k < options.OptionsPerProduct && i < items.Length; k++, i++)
                {
                    var option = new Option { Id = FirstOptionId + i, Name = "옵션" + k.ToString(CultureInfo.InvariantCulture), Stock = items[i].Quantity, Sku = items[i].SkuCode };
                    product.Options.Add(option);
                    listings.Add(new NaverSandboxListing(no, option.Id, items[i].SkuCode));
                }
            }

            _products[no] = product;
            p++;
        }

        Listings = listings;
    }

    /// <summary>Gets the base address to configure the adapter with, for example <c>http://127.0.0.1:51234/naver/external/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the accepted application id.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>Gets the application secret.</summary>
    public string ClientSecret => _options.ClientSecret;

    /// <summary>Gets the fault script.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the generated catalog.</summary>
    public IReadOnlyList<NaverSandboxListing> Listings { get; }

    /// <summary>Gets how many tokens were issued (a reused token is not counted).</summary>
    public int TokensIssued => Volatile.Read(ref _tokensIssued);

    /// <summary>Gets every stock write applied so far, in the order applied: one entry per option written (an option-stock write
    /// sends every option of the product, so the unchanged ones are logged too).</summary>
    /// <returns>A copy of the log.</returns>
    public IReadOnlyList<SandboxStockWrite> StockWriteLog() => _writeLog.Snapshot();

    /// <summary>Gets how many stock writes were applied.</summary>
    public int StockWrites => Volatile.Read(ref _stockWrites);

    /// <summary>Gets the token bucket of an API group (<c>token</c>, <c>products</c>, <c>orders</c>).</summary>
    /// <param name="group">The group.</param>
    /// <returns>The bucket.</returns>
    public SandboxTokenBucket RateLimit(string group) => _buckets[group];

    /// <summary>Gets the stock of a listing.</summary>
    /// <param name="originProductNo">The origin product.</param>
    /// <param name="optionCombinationId">The option, or 0.</param>
    /// <returns>The stock.</returns>
    public int GetStock(long originProductNo, long optionCombinationId)
    {
        lock (_lock)
        {
            var product = _products[originProductNo];
            return optionCombinationId == 0 ? product.Stock : product.Options.Single(o => o.Id == optionCombinationId).Stock;
        }
    }

    /// <summary>Revokes every token, as if they had expired.</summary>
    public void RevokeTokens()
    {
        _tokens.Clear();
        lock (_lock)
        {
            _currentToken = null;
        }
    }

    /// <summary>Adds paid product orders (<c>PAYED</c>, not yet confirmed), cycling through the catalog.</summary>
    /// <param name="count">How many.</param>
    /// <param name="firstChangedAt">When the first changed.</param>
    /// <param name="spacing">The time between two; zero puts them all on one timestamp.</param>
    /// <returns>The orders added.</returns>
    public IReadOnlyList<NaverSandboxOrder> AddOrders(int count, DateTimeOffset firstChangedAt, TimeSpan spacing)
    {
        var added = new List<NaverSandboxOrder>(count);
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                var n = _nextOrder++;
                var listing = Listings[n % Listings.Count];
                var order = new NaverSandboxOrder(
                    (2026_0000_0000_0000L + n).ToString(CultureInfo.InvariantCulture),
                    (1026_0000_0000_0000L + n).ToString(CultureInfo.InvariantCulture),
                    firstChangedAt + (spacing * i),
                    listing,
                    1 + (n % 2));
                var state = new OrderState(order) { FeedStatus = "PAYED", DetailStatus = "PAYED" };
                _orders.Add(state);
                _ordersById[order.ProductOrderId] = state;
                added.Add(order);
            }
        }

        return added;
    }

    /// <summary>Changes the status the detail API reports for a product order, leaving the change feed as it was (a feed that lags).</summary>
    /// <param name="productOrderId">The product order.</param>
    /// <param name="status">The new detail status, for example <c>CANCELED</c>.</param>
    public void SetDetailStatus(string productOrderId, string status)
    {
        lock (_lock)
        {
            _ordersById[productOrderId].DetailStatus = status;
        }
    }

    /// <summary>Gets the <c>placeOrderStatus</c> of a product order (<c>NOT_YET</c> or <c>OK</c>).</summary>
    /// <param name="productOrderId">The product order.</param>
    /// <returns>The status.</returns>
    public string GetPlaceOrderStatus(string productOrderId)
    {
        lock (_lock)
        {
            return _ordersById[productOrderId].PlaceOrderStatus;
        }
    }

    internal void SetBaseAddress(Uri address) => BaseAddress = address;

    internal void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/naver/external");
        group.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, (s, m, r) => Error(s, s == 429 ? "GW.RATE_LIMIT" : "SERVER_ERROR", m, r), "{\"originProduct\":{\"stockQuantity\":"));
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var path = ctx.HttpContext.Request.Path.Value ?? string.Empty;
            var bucketName = path.Contains("/oauth2/", StringComparison.Ordinal) ? "token" : path.Contains("/pay-order/", StringComparison.Ordinal) ? "orders" : "products";
            var bucket = _buckets[bucketName];
            var allowed = bucket.TryTake(out _);
            var headers = ctx.HttpContext.Response.Headers;
            headers["GNCP-GW-RateLimit-Replenish-Rate"] = bucket.Rate.ToString(CultureInfo.InvariantCulture);
            headers["GNCP-GW-RateLimit-Burst-Capacity"] = bucket.Capacity.ToString(CultureInfo.InvariantCulture);
            headers["GNCP-GW-RateLimit-Remaining"] = bucket.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["GNCP-GW-Trace-ID"] = Guid.NewGuid().ToString("N");
            if (!allowed)
            {
                return Error(429, "GW.RATE_LIMIT", "요청이 많아 일시적으로 사용이 제한되었습니다.", null);
            }

            if (bucketName != "token" && !IsAuthorized(ctx.HttpContext))
            {
                return Error(401, "GW.AUTHN", "인증에 실패했습니다. (invalid or expired access token)", null);
            }

            return await next(ctx).ConfigureAwait(false);
        });

        group.MapPost("/v1/oauth2/token", IssueTokenAsync);
        group.MapGet("/v2/products/origin-products/{no:long}", GetProduct);
        group.MapPut("/v2/products/origin-products/{no:long}", ReplaceProductAsync);
        group.MapPut("/v1/products/origin-products/{no:long}/option-stock", UpdateOptionStockAsync);
        group.MapGet("/v1/pay-order/seller/product-orders/last-changed-statuses", LastChanged);
        group.MapPost("/v1/pay-order/seller/product-orders/query", QueryAsync);
        group.MapPost("/v1/pay-order/seller/product-orders/confirm", ConfirmAsync);
    }

    private static ErrorResult Error(int status, string code, string message, TimeSpan? retryAfter) => new ErrorResult(status, code, message, retryAfter);

    private static string Format(DateTimeOffset at) => at.ToOffset(Kst).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private bool IsAuthorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
            && _tokens.TryGetValue(header[7..], out var expiresAt)
            && expiresAt > _time.GetUtcNow();
    }

    private async Task<IResult> IssueTokenAsync(HttpRequest request)
    {
        if (request.Query.ContainsKey("client_id") || request.Query.ContainsKey("client_secret_sign"))
        {
            return Error(400, "GW.QUOTA_LIMIT", "Token parameters must be sent in the form body, not the query string.", null);
        }

        if (!request.HasFormContentType)
        {
            return Error(400, "BAD_REQUEST", "Content-Type must be application/x-www-form-urlencoded.", null);
        }

        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (form["grant_type"] != "client_credentials" || form["type"] is not { Count: 1 } type || (type[0] != "SELF" && type[0] != "SELLER"))
        {
            return Error(400, "BAD_REQUEST", "grant_type must be client_credentials and type SELF or SELLER.", null);
        }

        if (form["client_id"] != _options.ClientId)
        {
            return Error(401, "GW.AUTHN", "Unknown client_id.", null);
        }

        var now = _time.GetUtcNow();
        if (!long.TryParse(form["timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || form["timestamp"].ToString().Length != 13
            || DateTimeOffset.FromUnixTimeMilliseconds(timestamp) > now + TimeSpan.FromSeconds(5)
            || now - DateTimeOffset.FromUnixTimeMilliseconds(timestamp) > _options.TimestampTolerance)
        {
            return Error(400, "BAD_REQUEST", "timestamp is invalid or expired.", null);
        }

        if (!VerifySign(form["client_secret_sign"].ToString(), _options.ClientId + "_" + form["timestamp"]))
        {
            return Error(401, "GW.AUTHN", "client_secret_sign is invalid.", null);
        }

        string token;
        DateTimeOffset expiresAt;
        lock (_lock)
        {
            // Asking while the current token has 30 minutes or more left gives the same token back.
            if (_currentToken is { } current && current.ExpiresAt - now >= TimeSpan.FromMinutes(30))
            {
                (token, expiresAt) = current;
            }
            else
            {
                token = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + Convert.ToBase64String(Guid.NewGuid().ToByteArray());
                expiresAt = now + _options.TokenLifetime;
                _currentToken = (token, expiresAt);
                _tokens[token] = expiresAt;
                _tokensIssued++;
            }
        }

        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["expires_in"] = (long)(expiresAt - now).TotalSeconds,
            ["token_type"] = "Bearer",
        });
    }

    private bool VerifySign(string sign, string password)
    {
        try
        {
            var hashed = Encoding.UTF8.GetString(Convert.FromBase64String(sign));

            // Same version, cost and salt as the secret (the 22nd salt character only carries 2 bits and may be re-encoded).
            return hashed.Length == 60
                && string.CompareOrdinal(hashed, 0, _options.ClientSecret, 0, 28) == 0
                && OpenBsdBCrypt.CheckPassword(hashed, password.ToCharArray());
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private IResult GetProduct(long no)
    {
        lock (_lock)
        {
            return _products.TryGetValue(no, out var product)
                ? Results.Text(Render(no, product).ToJsonString(), "application/json")
                : Error(404, "NOT_FOUND", "상품이 존재하지 않습니다.", null);
        }
    }

    private async Task<IResult> ReplaceProductAsync(long no, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_products.TryGetValue(no, out var product))
            {
                return Error(404, "NOT_FOUND", "상품이 존재하지 않습니다.", null);
            }

            var origin = body?["originProduct"];
            if (origin?["salePrice"] is null || origin["stockQuantity"] is null)
            {
                return Invalid("originProduct.salePrice", "판매가는 필수입니다.");
            }

            if (product.Options.Count > 0)
            {
                return Invalid("originProduct.stockQuantity", "옵션 상품의 재고는 옵션 재고의 합입니다.");
            }

            product.Stock = origin["stockQuantity"]!.GetValue<int>();
            product.SalePrice = origin["salePrice"]!.GetValue<long>();
            _stockWrites++;
            _writeLog.Add(product.Sku ?? string.Empty, product.Stock);
        }

        return Results.Json(new { originProductNo = no });
    }

    private async Task<IResult> UpdateOptionStockAsync(long no, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false);
        lock (_lock)
        {
            if (!_products.TryGetValue(no, out var product))
            {
                return Error(404, "NOT_FOUND", "상품이 존재하지 않습니다.", null);
            }

            if (body?["productSalePrice"]?["salePrice"] is null)
            {
                return Invalid("productSalePrice.salePrice", "판매가는 필수입니다.");
            }

            if (product.Options.Count == 0)
            {
                return Invalid("optionInfo", "옵션이 없는 상품입니다.");
            }

            var combos = body["optionInfo"]?["optionCombinations"] as JsonArray ?? [];
            foreach (var combo in combos)
            {
                var id = combo?["id"]?.GetValue<long>();
                if (id is null || product.Options.All(o => o.Id != id))
                {
                    return Invalid("optionInfo.optionCombinations.id", $"존재하지 않는 옵션입니다: {id}");
                }
            }

            foreach (var combo in combos)
            {
                var option = product.Options.Single(o => o.Id == combo!["id"]!.GetValue<long>());
                if (combo!["stockQuantity"] is { } stock)
                {
                    option.Stock = stock.GetValue<int>();
                    _writeLog.Add(option.Sku, option.Stock);
                }
            }

            _stockWrites++;
        }

        return Results.Json(new { });
    }

    private IResult LastChanged(HttpRequest request)
    {
        if (!DateTimeOffset.TryParse(request.Query["lastChangedFrom"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
        {
            return Error(400, "104105", "lastChangedFrom is required (ISO-8601 with offset).", null);
        }

        var to = DateTimeOffset.TryParse(request.Query["lastChangedTo"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : from.AddHours(24);
        var limit = int.TryParse(request.Query["limitCount"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 300;
        var skip = int.TryParse(request.Query["moreSequence"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (limit is < 1 or > 300 || to - from > TimeSpan.FromHours(24))
        {
            return Error(400, "104105", "limitCount must be 1 to 300 and the window at most 24 hours.", null);
        }

        List<object> page = [];
        object? more = null;
        lock (_lock)
        {
            var all = _orders.Where(o => o.Order.LastChangedDate >= from && o.Order.LastChangedDate < to)
                .OrderBy(o => o.Order.LastChangedDate).ThenBy(o => o.Order.ProductOrderId, StringComparer.Ordinal).ToList();
            var start = 0;
            for (var skipped = 0; start < all.Count && skipped < skip && all[start].Order.LastChangedDate == from; start++, skipped++)
            {
            }

            var end = Math.Min(all.Count, start + limit);
            for (var i = start; i < end; i++)
            {
                var o = all[i];
                page.Add(new
                {
                    productOrderId = o.Order.ProductOrderId,
                    orderId = o.Order.OrderId,
                    lastChangedType = "PAYED",
                    lastChangedDate = Format(o.Order.LastChangedDate),
                    productOrderStatus = o.FeedStatus,
                    receiverAddressChanged = false,
                    paymentDate = Format(o.Order.LastChangedDate),
                });
            }

            if (end < all.Count)
            {
                var last = all[end - 1].Order.LastChangedDate;
                var sequence = all.Take(end).Count(o => o.Order.LastChangedDate == last);
                more = new { moreFrom = Format(last), moreSequence = sequence.ToString(CultureInfo.InvariantCulture) };
            }
        }

        var data = more is null
            ? (object)new { lastChangeStatuses = page, count = page.Count }
            : new { lastChangeStatuses = page, count = page.Count, more };
        return Results.Json(new { timestamp = Format(_time.GetUtcNow()), traceId = Guid.NewGuid().ToString("N"), data });
    }

    private async Task<IResult> QueryAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        var ids = body.RootElement.GetProperty("productOrderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        if (ids.Count is 0 or > 300)
        {
            return Error(400, "104105", "productOrderIds must hold 1 to 300 ids.", null);
        }

        List<object> data = [];
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (!_ordersById.TryGetValue(id, out var o))
                {
                    continue;
                }

                data.Add(new
                {
                    order = new { orderId = o.Order.OrderId, orderDate = Format(o.Order.LastChangedDate), paymentDate = Format(o.Order.LastChangedDate) },
                    productOrder = new
                    {
                        productOrderId = id,
                        productOrderStatus = o.DetailStatus,
                        placeOrderStatus = o.PlaceOrderStatus,
                        productId = (o.Order.Listing.OriginProductNo + 1_000_000).ToString(CultureInfo.InvariantCulture),
                        originalProductId = o.Order.Listing.OriginProductNo.ToString(CultureInfo.InvariantCulture),
                        optionCode = o.Order.Listing.OptionCombinationId.ToString(CultureInfo.InvariantCulture),
                        optionManageCode = o.Order.Listing.SkuCode,
                        sellerProductCode = o.Order.Listing.SkuCode,
                        quantity = o.Order.Quantity,
                    },
                });
            }
        }

        return Results.Json(new { timestamp = Format(_time.GetUtcNow()), traceId = Guid.NewGuid().ToString("N"), data });
    }

    private async Task<IResult> ConfirmAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        var ids = body.RootElement.GetProperty("productOrderIds").EnumerateArray().Select(e => e.GetString()!).ToList();
        if (ids.Count is 0 or > 30)
        {
            return Error(400, "104105", "productOrderIds must hold 1 to 30 ids.", null);
        }

        List<object> ok = [];
        List<object> failed = [];
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_ordersById.TryGetValue(id, out var o) && o.DetailStatus == "PAYED")
                {
                    o.PlaceOrderStatus = "OK";
                    ok.Add(new { productOrderId = id, isReceiverAddressChanged = false });
                }
                else
                {
                    failed.Add(new { productOrderId = id, code = "104121", message = "발주확인 할 수 없는 상태입니다." });
                }
            }
        }

        return Results.Json(new { timestamp = Format(_time.GetUtcNow()), traceId = Guid.NewGuid().ToString("N"), data = new { successProductOrderInfos = ok, failProductOrderInfos = failed } });
    }

    private static IResult Invalid(string name, string message) =>
        Results.Json(new { code = "BAD_REQUEST", message = "요청 값이 올바르지 않습니다.", invalidInputs = new[] { new { name, type = "Invalid", message } }, timestamp = DateTimeOffset.UnixEpoch }, statusCode: 400);

    private static JsonObject Render(long no, Product product)
    {
        var options = product.Options.Count == 0
            ? null
            : new JsonObject
            {
                ["optionCombinations"] = new JsonArray([.. product.Options.Select(o => (JsonNode)new JsonObject
                {
                    ["id"] = o.Id,
                    ["optionName1"] = o.Name,
                    ["stockQuantity"] = o.Stock,
                    ["price"] = 0,
                    ["sellerManagerCode"] = o.Sku,
                    ["usable"] = true,
                })]),
            };
        return new JsonObject
        {
            ["originProduct"] = new JsonObject
            {
                ["statusType"] = "SALE",
                ["saleType"] = "NEW",
                ["name"] = "상품 " + no.ToString(CultureInfo.InvariantCulture),
                ["salePrice"] = product.SalePrice,
                ["stockQuantity"] = product.Options.Count == 0 ? product.Stock : product.Options.Sum(o => o.Stock),
                ["detailAttribute"] = new JsonObject
                {
                    ["sellerCodeInfo"] = new JsonObject { ["sellerManagementCode"] = product.Sku },
                    ["optionInfo"] = options,
                },
            },
            ["smartstoreChannelProduct"] = new JsonObject { ["channelProductNo"] = no + 1_000_000 },
        };
    }

    private sealed class Product
    {
        public long SalePrice { get; set; }

        public int Stock { get; set; }

        public string? Sku { get; set; }

        public List<Option> Options { get; } = [];
    }

    private sealed class Option
    {
        public long Id { get; init; }

        public string Name { get; init; } = string.Empty;

        public int Stock { get; set; }

        public string Sku { get; init; } = string.Empty;
    }

    private sealed class OrderState(NaverSandboxOrder order)
    {
        public NaverSandboxOrder Order { get; } = order;

        public string FeedStatus { get; set; } = "PAYED";

        public string DetailStatus { get; set; } = "PAYED";

        public string PlaceOrderStatus { get; set; } = "NOT_YET";
    }

    private sealed class ErrorResult(int status, string code, string message, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(new { code, message, timestamp = DateTimeOffset.UnixEpoch, traceId = Guid.NewGuid().ToString("N") });
        }
    }
}
