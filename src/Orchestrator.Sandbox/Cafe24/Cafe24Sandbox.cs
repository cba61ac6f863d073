using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Sandbox.Catalog;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Sandbox.Cafe24;

/// <summary>Represents one variant of the simulated Cafe24 catalog.</summary>
/// <param name="ProductNo">The <c>product_no</c>.</param>
/// <param name="VariantCode">The 12-character <c>variant_code</c>.</param>
/// <param name="SkuCode">The seller's code (<c>custom_variant_code</c>).</param>
/// <param name="TracksInventory">Whether <c>use_inventory</c> is <c>T</c>.</param>
public sealed record Cafe24SandboxListing(long ProductNo, string VariantCode, string SkuCode, bool TracksInventory);

/// <summary>Represents a token pair the simulator issued.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="AccessTokenExpiresAt">When it expires.</param>
/// <param name="RefreshToken">The refresh token.</param>
/// <param name="RefreshTokenExpiresAt">When it expires.</param>
public sealed record Cafe24SandboxTokens(string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken, DateTimeOffset RefreshTokenExpiresAt);

/// <summary>Represents a simulated order with one item.</summary>
/// <param name="OrderId">The order id.</param>
/// <param name="PaidAt">When it was paid.</param>
/// <param name="Listing">The variant ordered.</param>
/// <param name="Quantity">The quantity.</param>
public sealed record Cafe24SandboxOrder(string OrderId, DateTimeOffset PaidAt, Cafe24SandboxListing Listing, int Quantity);

/// <summary>
/// Simulates the parts of the Cafe24 Admin API the adapter uses: OAuth refresh with rotating refresh tokens (the old one is
/// invalidated), bearer checks, the per-mall leaky bucket (40, 2/s) with <c>X-Api-Call-Limit</c> and 429 +
/// <c>X-Cafe24-Call-Remain</c>, products with variants (<c>since_product_no</c> paging), variant inventory update, orders by date
/// and status with offset/limit paging, and order status update.
/// </summary>
public sealed class Cafe24Sandbox
{
    /// <summary>The first product number of the generated catalog.</summary>
    public const long FirstProductNo = 1_000;
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private static readonly string[] Scopes = ["mall.read_product", "mall.write_product", "mall.read_order", "mall.write_order"];
    private readonly Cafe24SandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly List<Cafe24SandboxListing> _listings = [];
    private readonly Dictionary<string, int> _quantities = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, List<Cafe24SandboxListing>> _products = [];
    private List<long>? _productKeys;
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _refreshTokens = new(StringComparer.Ordinal);
    private readonly List<(Cafe24SandboxOrder Order, string Status)> _orders = [];
    private int _nextOrder = 1;
    private int _refreshes;
    private int _inventoryWrites;
    private readonly StockWriteLog _writeLog;

    internal Cafe24Sandbox(Cafe24SandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _writeLog = new StockWriteLog(time);
        Bucket = new SandboxTokenBucket(options.DrainPerSecond, options.BucketSize, time);
        var items = SandboxCatalog.Generate(options.ListingCount, options.Seed, options.SkuPrefix);
        foreach (var item in items)
        {
            var productNo = FirstProductNo + (item.Index / Math.Max(1, options.VariantsPerProduct));
            var code = string.Create(CultureInfo.InvariantCulture, $"P{productNo:D7}{item.Index % 10_000:D4}");
            var listing = new Cafe24SandboxListing(productNo, code, item.SkuCode, item.Index % 20 != 19);
            _listings.Add(listing);
            _quantities[code] = item.Quantity;
            if (!_products.TryGetValue(productNo, out var variants))
            {
                _products[productNo] = variants = [];
            }

            variants.Add(listing);
        }
    }

    /// <summary>Gets the base address to configure the adapter with, for example <c>http://127.0.0.1:51234/cafe24/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the mall id.</summary>
    public string MallId => _options.MallId;

    /// <summary>Gets the app's client id.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>Gets the app's client secret.</summary>
    public string ClientSecret => _options.ClientSecret;

    /// <summary>Gets the fault script.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the mall's call bucket.</summary>
    public SandboxTokenBucket Bucket { get; }

    /// <summary>Gets the generated catalog.</summary>
    public IReadOnlyList<Cafe24SandboxListing> Listings => _listings;

    /// <summary>Gets how many refreshes were served.</summary>
    public int RefreshCount => Volatile.Read(ref _refreshes);

    /// <summary>Gets every inventory write applied so far, in the order applied.</summary>
    /// <returns>A copy of the log.</returns>
    public IReadOnlyList<SandboxStockWrite> StockWriteLog() => _writeLog.Snapshot();

    /// <summary>Gets how many inventory writes were applied.</summary>
    public int InventoryWrites => Volatile.Read(ref _inventoryWrites);

    /// <summary>Gets the <c>X-Cafe24-Api-Version</c> of the last admin call, or <see langword="null"/>.</summary>
    public string? LastApiVersion { get; private set; }

    /// <summary>Gets the access token of the last admin call that was accepted.</summary>
    public string? LastAcceptedAccessToken { get; private set; }

    /// <summary>Issues a token pair, as the authorization-code exchange does; seed the adapter's token store with it.</summary>
    /// <returns>The tokens.</returns>
    public Cafe24SandboxTokens Authorize()
    {
        lock (_lock)
        {
            return IssueLocked();
        }
    }

    /// <summary>Gets the quantity of a variant.</summary>
    /// <param name="variantCode">The variant.</param>
    /// <returns>The quantity.</returns>
    public int GetQuantity(string variantCode)
    {
        lock (_lock)
        {
            return _quantities[variantCode];
        }
    }

    /// <summary>Adds paid orders in status <c>N10</c>, one item each, cycling through the tracked variants.</summary>
    /// <param name="count">How many.</param>
    /// <param name="firstPaidAt">When the first was paid.</param>
    /// <param name="spacing">The time between two.</param>
    /// <returns>The orders added.</returns>
    public IReadOnlyList<Cafe24SandboxOrder> AddOrders(int count, DateTimeOffset firstPaidAt, TimeSpan spacing)
    {
        var added = new List<Cafe24SandboxOrder>(count);
        lock (_lock)
        {
            for (var i = 0; i < count; i++)
            {
                var n = _nextOrder++;
                var at = firstPaidAt + (spacing * i);
                var order = new Cafe24SandboxOrder(
                    string.Create(CultureInfo.InvariantCulture, $"{at.ToOffset(Kst):yyyyMMdd}-{n:D7}"),
                    at,
                    _listings[n % _listings.Count],
                    1 + (n % 3));
                _orders.Add((order, "N10"));
                added.Add(order);
            }
        }

        return added;
    }

    /// <summary>Gets the status of an order.</summary>
    /// <param name="orderId">The order.</param>
    /// <returns>The status code, for example <c>N20</c>.</returns>
    public string GetOrderStatus(string orderId)
    {
        lock (_lock)
        {
            return _orders.Single(o => o.Order.OrderId == orderId).Status;
        }
    }

    /// <summary>Expires every access token now (refresh tokens stay valid).</summary>
    public void ExpireAccessTokens()
    {
        lock (_lock)
        {
            foreach (var key in _accessTokens.Keys.ToList())
            {
                _accessTokens[key] = DateTimeOffset.MinValue;
            }
        }
    }

    internal void SetBaseAddress(Uri address) => BaseAddress = address;

    internal void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cafe24/api/v2");
        group.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, Error, "{\"products\":[{\"product_no\":"));
        group.AddEndpointFilter(async (ctx, next) =>
        {
            var http = ctx.HttpContext;
            var allowed = Bucket.TryTake(out var wait);
            http.Response.Headers["X-Api-Call-Limit"] = string.Create(CultureInfo.InvariantCulture, $"{Bucket.Capacity - Bucket.Remaining}/{Bucket.Capacity}");
            if (!allowed)
            {
                http.Response.Headers["X-Cafe24-Call-Remain"] = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Error(429, "Too Many Requests. The API call limit was exceeded.", null);
            }

            if (http.Request.Path.StartsWithSegments("/cafe24/api/v2/admin", StringComparison.Ordinal))
            {
                var header = http.Request.Headers.Authorization.ToString();
                lock (_lock)
                {
                    if (!header.StartsWith("Bearer ", StringComparison.Ordinal)
                        || !_accessTokens.TryGetValue(header[7..], out var expiresAt)
                        || expiresAt <= _time.GetUtcNow())
                    {
                        return Error(401, "invalid_token: the access token is invalid or expired.", null);
                    }

                    LastAcceptedAccessToken = header[7..];
                    LastApiVersion = http.Request.Headers["X-Cafe24-Api-Version"].FirstOrDefault();
                }
            }

            return await next(ctx).ConfigureAwait(false);
        });

        group.MapPost("/oauth/token", RefreshAsync);
        group.MapGet("/admin/products", ListProducts);
        group.MapPut("/admin/products/{productNo:long}/variants/{variantCode}/inventories", UpdateInventoryAsync);
        group.MapGet("/admin/orders", ListOrders);
        group.MapPut("/admin/orders", UpdateOrdersAsync);
    }

    private static IResult Error(int status, string message, TimeSpan? retryAfter) => new ErrorResult(status, message, retryAfter);

    private static string Format(DateTimeOffset at) => at.ToOffset(Kst).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private Cafe24SandboxTokens IssueLocked()
    {
        var now = _time.GetUtcNow();
        var tokens = new Cafe24SandboxTokens(
            "c24a_" + Guid.NewGuid().ToString("N"),
            now + _options.AccessTokenLifetime,
            "c24r_" + Guid.NewGuid().ToString("N"),
            now + _options.RefreshTokenLifetime);
        _accessTokens[tokens.AccessToken] = tokens.AccessTokenExpiresAt;
        _refreshTokens[tokens.RefreshToken] = tokens.RefreshTokenExpiresAt;
        return tokens;
    }

    private async Task<IResult> RefreshAsync(HttpRequest request)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(_options.ClientId + ":" + _options.ClientSecret));
        if (request.Headers.Authorization.ToString() != expected)
        {
            return Results.Json(new { error = "invalid_client", error_description = "Client authentication failed." }, statusCode: 401);
        }

        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (form["grant_type"] != "refresh_token")
        {
            return Results.Json(new { error = "unsupported_grant_type", error_description = "grant_type must be refresh_token here." }, statusCode: 400);
        }

        Cafe24SandboxTokens tokens;
        lock (_lock)
        {
            var presented = form["refresh_token"].ToString();
            if (!_refreshTokens.Remove(presented, out var expiresAt) || expiresAt <= _time.GetUtcNow())
            {
                return Results.Json(new { error = "invalid_grant", error_description = "Validation error: invalid refresh_token (already used, revoked or expired)." }, statusCode: 400);
            }

            tokens = IssueLocked();
            _refreshes++;
        }

        // Expiry timestamps without an offset, in KST, as Cafe24 sends them.
        static string Local(DateTimeOffset at) => at.ToOffset(Kst).ToString("yyyy-MM-dd'T'HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = tokens.AccessToken,
            ["expires_at"] = Local(tokens.AccessTokenExpiresAt),
            ["refresh_token"] = tokens.RefreshToken,
            ["refresh_token_expires_at"] = Local(tokens.RefreshTokenExpiresAt),
            ["client_id"] = _options.ClientId,
            ["mall_id"] = _options.MallId,
            ["user_id"] = "sandbox",
            ["scopes"] = Scopes,
            ["issued_at"] = Local(_time.GetUtcNow()),
        });
    }

    private IResult ListProducts(HttpRequest request)
    {
        var limit = int.TryParse(request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 10;
        var since = long.TryParse(request.Query["since_product_no"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (limit is < 1 or > 100)
        {
            return Error(422, "limit must be between 1 and 100.", null);
        }

        var embedVariants = request.Query["embed"].ToString().Contains("variants", StringComparison.Ordinal);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("products");
            lock (_lock)
            {
                _productKeys ??= [.. _products.Keys];
                var first = _productKeys.BinarySearch(since + 1);
                first = first < 0 ? ~first : first;
                for (var k = first; k < Math.Min(_productKeys.Count, first + limit); k++)
                {
                    var productNo = _productKeys[k];
                    var variants = _products[productNo];
                    writer.WriteStartObject();
                    writer.WriteNumber("shop_no", 1);
                    writer.WriteNumber("product_no", productNo);
                    writer.WriteString("product_code", string.Create(CultureInfo.InvariantCulture, $"P{productNo:D7}"));
                    writer.WriteString("product_name", string.Create(CultureInfo.InvariantCulture, $"상품 {productNo}"));
                    writer.WriteString("price", "10000.00");
                    if (embedVariants)
                    {
                        writer.WriteStartArray("variants");
                        foreach (var v in variants)
                        {
                            writer.WriteStartObject();
                            writer.WriteNumber("shop_no", 1);
                            writer.WriteString("variant_code", v.VariantCode);
                            writer.WriteString("custom_variant_code", v.SkuCode);
                            writer.WriteString("display", "T");
                            writer.WriteString("selling", "T");
                            writer.WriteString("use_inventory", v.TracksInventory ? "T" : "F");
                            writer.WriteString("display_soldout", "T");
                            writer.WriteNumber("quantity", v.TracksInventory ? _quantities[v.VariantCode] : 0);
                            writer.WriteNumber("safety_inventory", 0);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndArray();
                    }

                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Results.Bytes(buffer.ToArray(), "application/json");
    }

    private async Task<IResult> UpdateInventoryAsync(long productNo, string variantCode, HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        if (!body.RootElement.TryGetProperty("request", out var change) || !change.TryGetProperty("quantity", out var q) || q.GetInt32() < 0)
        {
            return Error(400, "request.quantity is required and must be 0 or more.", null);
        }

        lock (_lock)
        {
            if (!_products.TryGetValue(productNo, out var variants) || variants.Find(v => v.VariantCode == variantCode) is not { } variant)
            {
                return Error(404, "No variant found for the product_no and variant_code.", null);
            }

            _quantities[variantCode] = q.GetInt32();
            _inventoryWrites++;
            _writeLog.Add(variant.SkuCode, q.GetInt32());
            return Results.Json(new { inventory = new { shop_no = 1, variant_code = variantCode, use_inventory = variant.TracksInventory ? "T" : "F", quantity = q.GetInt32(), safety_inventory = 0 } });
        }
    }

    private IResult ListOrders(HttpRequest request)
    {
        if (!DateOnly.TryParseExact(request.Query["start_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !DateOnly.TryParseExact(request.Query["end_date"], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
        {
            return Error(422, "start_date and end_date (YYYY-MM-DD) are required.", null);
        }

        var limit = int.TryParse(request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : 10;
        var offset = int.TryParse(request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
        if (limit is < 1 or > 1000 || offset > 15_000 || end.DayNumber - start.DayNumber > 92)
        {
            return Error(422, "limit must be 1 to 1000, offset at most 15000 and the range at most 3 months.", null);
        }

        var statuses = request.Query["order_status"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        List<object> page = [];
        lock (_lock)
        {
            foreach (var (order, status) in _orders
                .Where(x => DateOnly.FromDateTime(x.Order.PaidAt.ToOffset(Kst).DateTime) is var day && day >= start && day <= end)
                .Where(x => statuses.Length == 0 || statuses.Contains(x.Status))
                .OrderBy(x => x.Order.PaidAt).ThenBy(x => x.Order.OrderId, StringComparer.Ordinal)
                .Skip(offset).Take(limit))
            {
                page.Add(new
                {
                    shop_no = 1,
                    order_id = order.OrderId,
                    order_date = Format(order.PaidAt.AddMinutes(-1)),
                    payment_date = Format(order.PaidAt),
                    order_status = status,
                    items = new[]
                    {
                        new { order_item_code = order.OrderId + "-01", product_no = order.Listing.ProductNo, variant_code = order.Listing.VariantCode, custom_variant_code = order.Listing.SkuCode, quantity = order.Quantity, order_status = status },
                    },
                });
            }
        }

        return Results.Json(new { orders = page });
    }

    private async Task<IResult> UpdateOrdersAsync(HttpRequest request)
    {
        using var body = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
        var requests = body.RootElement.GetProperty("requests").EnumerateArray().ToList();
        if (requests.Count is 0 or > 100)
        {
            return Error(422, "requests must hold 1 to 100 orders.", null);
        }

        List<object> results = [];
        var failures = 0;
        lock (_lock)
        {
            foreach (var r in requests)
            {
                var id = r.GetProperty("order_id").GetString()!;
                var process = r.GetProperty("process_status").GetString();
                var index = _orders.FindIndex(x => x.Order.OrderId == id);
                if (index < 0 || process != "prepare" || _orders[index].Status is not ("N10" or "N20"))
                {
                    failures++;
                    results.Add(new { order_id = id, error = new { code = 422, message = "The order cannot change to that status." } });
                    continue;
                }

                _orders[index] = (_orders[index].Order, "N20");
                results.Add(new { shop_no = 1, order_id = id, process_status = "prepare" });
            }
        }

        return Results.Json(new { orders = results }, statusCode: failures == 0 ? 200 : 207);
    }

    private sealed class ErrorResult(int status, string message, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers["X-Cafe24-Call-Remain"] = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(new { error = new { code = status, message, more_info = new { } } });
        }
    }
}
