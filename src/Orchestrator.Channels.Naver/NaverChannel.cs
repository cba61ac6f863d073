using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Channels.Naver.Internal;
using Orchestrator.Intake;
using Orchestrator.Internal.Http;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Naver;

/// <summary>
/// Connects the orchestrator to one Naver SmartStore: reads and pushes option stock (<see cref="IChannelAdapter"/>) and polls
/// changed product orders, confirmed against their details (<see cref="IOrderSource"/>).
/// </summary>
/// <remarks>
/// <para>Listings are <see cref="Catalog.ListingKey.Naver"/> keys: the origin product number and the option combination id
/// (0 for a product without options). One read or write covers one origin product with all its options.</para>
/// <para>The bearer token is issued with a bcrypt-signed client-credentials grant, cached, and renewed
/// <see cref="NaverChannelOptions.TokenRenewBefore"/> before it expires; a 401 renews it once.</para>
/// <para>Each API group (products, orders, token) has its own rate budget, tuned live from the <c>GNCP-GW-RateLimit-*</c> headers.</para>
/// <para>Thread safety: all members are safe to call concurrently.</para>
/// </remarks>
public sealed class NaverChannel : IChannelAdapter, IOrderSource, IDisposable
{
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly NaverChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _baseAddress;
    private readonly SecretRedactor _redactor = new();
    private readonly ResilientHttpClient _products;
    private readonly ResilientHttpClient _orders;
    private readonly ResilientHttpClient _token;
    private readonly NaverTokenProvider _tokens;

    /// <summary>Initializes a new instance of the <see cref="NaverChannel"/> class.</summary>
    /// <param name="name">The channel instance name, for example <c>naver-main</c>.</param>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c>); its own timeout should be infinite.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (for example credentials are missing).</exception>
    public NaverChannel(string name, HttpClient httpClient, NaverChannelOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new NaverChannelOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(NaverChannelOptions), validation.Failures);
        }

        Name = name;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Orchestrator.Channels.Naver");
        _baseAddress = EndpointRules.Normalize(options.BaseAddress);
        _redactor.Add(options.ClientSecret);
        _products = CreateClient(httpClient, "products");
        _orders = CreateClient(httpClient, "orders");
        _token = CreateClient(httpClient, "token");
        _tokens = new NaverTokenProvider(name, options, _baseAddress, _token, _time, _redactor, _logger);
        Capabilities = new ChannelCapabilities(options.RequestsPerSecond, MaxUpdatesPerCall: 100, SupportsReadBack: true);
    }

    /// <summary>Occurs when a change-feed entry disagrees with its order detail (the detail wins); also logged as event 3010.</summary>
    public event EventHandler<NaverOrderDisagreementEventArgs>? OrderDisagreement;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ChannelKind Kind => ChannelKind.Naver;

    /// <inheritdoc />
    public ChannelCapabilities Capabilities { get; }

    /// <summary>Gets how many access tokens this channel has been issued.</summary>
    public int TokensIssued => _tokens.IssuedCount;

    /// <summary>Gets the rate budget of the product API group.</summary>
    internal RateBudget ProductBudget => _products.Budget;

    /// <summary>Gets the estimated time until every product call now waiting for the rate budget has been sent.</summary>
    public TimeSpan EstimatedBacklogDrainTime => _products.Budget.EstimatedDrainTime;

    /// <inheritdoc />
    /// <remarks>One <c>GET /v2/products/origin-products/{no}</c> per origin product, parsed straight into the builder. A product Naver
    /// does not find (404) is logged and left unreported; any other failure throws.</remarks>
    public async Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        var listings = into.Listings ?? throw new ArgumentException("The builder is not a channel builder; create it with the channel's ChannelListingMap.", nameof(into));
        var started = _time.GetTimestamp();
        var products = new HashSet<long>();
        foreach (var (_, listing) in listings.Listings())
        {
            products.Add(listing.Id);
        }

        var gate = new Lock();
        await Parallel.ForEachAsync(
            products,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (product, ct) =>
            {
                var body = await GetProductAsync(product, RequestPriority.Bulk, ct).ConfigureAwait(false);
                if (body is null)
                {
                    return;
                }

                try
                {
                    lock (gate)
                    {
                        NaverProductParser.Read(body, product, into);
                    }
                }
                catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
                {
                    throw _products.Malformed($"GET origin-products {product}", ex.Message, 200, ex);
                }
                catch (InvalidOperationException ex)
                {
                    throw _products.Malformed($"GET origin-products {product}", ex.Message, 200, ex);
                }
            }).ConfigureAwait(false);
        var elapsed = _time.GetElapsedTime(started);
        Log.ReadCompleted(_logger, Name, into.ReportedCount, products.Count, elapsed);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Updates are grouped by origin product. A product with options is read, then written with
    /// <c>PUT /v1/products/origin-products/{no}/option-stock</c> carrying every option combination (unchanged ones as read), so
    /// nothing else changes. A product without options (option 0) is written with a read-modify-write of the whole origin
    /// product. Quantities are absolute, so a retry after a lost response is safe.
    /// </remarks>
    public async Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var results = new ChannelPushResult[updates.Count];
        var groups = Enumerable.Range(0, updates.Count).GroupBy(i => updates[i].Listing.Id).ToList();
        await Parallel.ForEachAsync(
            groups,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency },
            async (group, _) =>
            {
                var indexes = group.ToList();
                var items = indexes.Select(i => updates[i]).ToList();
                var outcome = await PushProductAsync(group.Key, items, cancellationToken).ConfigureAwait(false);
                for (var k = 0; k < indexes.Count; k++)
                {
                    results[indexes[k]] = outcome[k];
                }
            }).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads <c>GET /v1/pay-order/seller/product-orders/last-changed-statuses</c> (at most 300 per page, 24 h per call, following
    /// <c>more.moreFrom</c>/<c>moreSequence</c>), then confirms every entry with the detail API
    /// (<c>POST /v1/pay-order/seller/product-orders/query</c>); the detail wins and disagreements raise <see cref="OrderDisagreement"/>.
    /// One product order is one <see cref="SourceOrder"/>. A feed entry without a detail fails the page (it is read again later), so nothing is lost.
    /// </remarks>
    public async Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (from, sequence) = ParseCursor(query.Cursor, query.From);
        var windowEnd = from + TimeSpan.FromHours(24) < query.To ? from + TimeSpan.FromHours(24) : query.To;
        if (from >= query.To)
        {
            return new OrderPage([], null);
        }

        var q = "lastChangedFrom=" + Uri.EscapeDataString(FormatDate(from))
            + "&lastChangedTo=" + Uri.EscapeDataString(FormatDate(windowEnd))
            + "&limitCount=" + Math.Clamp(query.PageSize, 1, 300).ToString(CultureInfo.InvariantCulture);
        if (sequence is not null)
        {
            q += "&moreSequence=" + Uri.EscapeDataString(sequence);
        }

        var uri = EndpointRules.Combine(_baseAddress, "v1/pay-order/seller/product-orders/last-changed-statuses", q);
        const string operation = "GET last-changed-statuses";
        LastChangedResponse feed;
        using (var response = await SendAuthorizedAsync(_orders, operation, HttpMethod.Get, uri, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
        {
            feed = await ReadJsonAsync(_orders, operation, response, NaverJsonContext.Default.LastChangedResponse, cancellationToken).ConfigureAwait(false);
        }

        var entries = feed.Data?.LastChangeStatuses ?? [];
        var details = await QueryDetailsAsync(entries.Select(e => e.ProductOrderId!).Where(id => id is not null).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        var orders = new List<SourceOrder>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.ProductOrderId is null || !details.TryGetValue(entry.ProductOrderId, out var detail))
            {
                RaiseDisagreement(entry.ProductOrderId ?? "(none)", entry.ProductOrderStatus, null);
                throw _orders.Malformed(operation, $"product order {entry.ProductOrderId} is in the change feed but the detail API did not return it; the page will be read again", 200);
            }

            var status = detail.ProductOrder?.ProductOrderStatus;
            if (!string.Equals(status, entry.ProductOrderStatus, StringComparison.Ordinal))
            {
                RaiseDisagreement(entry.ProductOrderId, entry.ProductOrderStatus, status);
            }

            orders.Add(ToOrder(entry, detail));
        }

        orders.Sort((a, b) => a.ChangedAt != b.ChangedAt ? a.ChangedAt.CompareTo(b.ChangedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        string? next = null;
        if (feed.Data?.More is { MoreFrom: { Length: > 0 } moreFrom } more)
        {
            next = moreFrom + "|" + more.MoreSequence;
        }
        else if (windowEnd < query.To)
        {
            next = FormatDate(windowEnd) + "|";
        }

        return new OrderPage(orders, next, feed.TraceId);
    }

    /// <inheritdoc />
    /// <remarks>Confirms product orders (발주확인), 30 per call. Partial success is normal; each failure is reported.</remarks>
    public async Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        List<string> marked = [];
        List<MarkFailure> failed = [];
        var uri = EndpointRules.Combine(_baseAddress, "v1/pay-order/seller/product-orders/confirm");
        const string operation = "POST product-orders/confirm";
        foreach (var chunk in orderIds.Chunk(30))
        {
            try
            {
                var body = new ProductOrderIdsRequest { ProductOrderIds = [.. chunk] };
                ConfirmResponse result;
                using (var response = await SendAuthorizedAsync(_orders, operation, HttpMethod.Post, uri, () => JsonContent.Create(body, NaverJsonContext.Default.ProductOrderIdsRequest), RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
                {
                    result = await ReadJsonAsync(_orders, operation, response, NaverJsonContext.Default.ConfirmResponse, cancellationToken).ConfigureAwait(false);
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var ok in result.Data?.SuccessProductOrderInfos ?? [])
                {
                    if (ok.ProductOrderId is { } id && seen.Add(id))
                    {
                        marked.Add(id);
                    }
                }

                foreach (var fail in result.Data?.FailProductOrderInfos ?? [])
                {
                    if (fail.ProductOrderId is { } id && seen.Add(id))
                    {
                        failed.Add(new MarkFailure(id, $"{fail.Code}: {fail.Message}", IsTransient: false));
                    }
                }

                failed.AddRange(chunk.Where(id => !seen.Contains(id)).Select(id => new MarkFailure(id, "Naver did not report this product order.", IsTransient: true)));
            }
            catch (ChannelApiException ex)
            {
                failed.AddRange(chunk.Select(id => new MarkFailure(id, ex.Message, ex.IsTransient)));
            }
        }

        return new MarkReceivedResult(marked, failed);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _tokens.Dispose();
        _products.Budget.Dispose();
        _orders.Budget.Dispose();
        _token.Budget.Dispose();
    }

    private static string FormatDate(DateTimeOffset at) => at.ToOffset(Kst).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private static (DateTimeOffset From, string? Sequence) ParseCursor(string? cursor, DateTimeOffset from)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (from, null);
        }

        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        var date = bar < 0 ? cursor : cursor[..bar];
        var sequence = bar < 0 || bar == cursor.Length - 1 ? null : cursor[(bar + 1)..];
        return DateTimeOffset.TryParse(date, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
            ? (at, sequence)
            : throw new ArgumentException($"'{cursor}' is not a Naver order cursor.", nameof(cursor));
    }

    private SourceOrder ToOrder(LastChangedStatus entry, ProductOrderDetail detail)
    {
        var po = detail.ProductOrder!;
        var sku = FirstNonEmpty(po.SellerProductCode, po.OptionManageCode, po.OptionCode, po.ProductId) ?? entry.ProductOrderId!;
        List<OrderLine> lines = po.Quantity > 0 ? [new OrderLine(sku, po.Quantity)] : [];
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["channel"] = "naver",
            ["naver.orderId"] = detail.Order?.OrderId ?? entry.OrderId ?? string.Empty,
            ["naver.placeOrderStatus"] = po.PlaceOrderStatus ?? string.Empty,
            ["naver.lastChangedType"] = entry.LastChangedType ?? string.Empty,
        };
        if (po.OriginalProductId is not null)
        {
            attributes["naver.originProductNo"] = po.OriginalProductId;
        }

        var created = detail.Order?.OrderDate ?? detail.Order?.PaymentDate ?? entry.LastChangedDate;
        return new SourceOrder(Name, entry.ProductOrderId!, created, entry.LastChangedDate, po.ProductOrderStatus ?? entry.ProductOrderStatus ?? string.Empty, null, lines, attributes);
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private void RaiseDisagreement(string productOrderId, string? feedStatus, string? detailStatus)
    {
        Log.OrderDisagreement(_logger, Name, productOrderId, feedStatus, detailStatus);
        OrderDisagreement?.Invoke(this, new NaverOrderDisagreementEventArgs(productOrderId, feedStatus, detailStatus));
    }

    private async Task<Dictionary<string, ProductOrderDetail>> QueryDetailsAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, ProductOrderDetail>(StringComparer.Ordinal);
        var uri = EndpointRules.Combine(_baseAddress, "v1/pay-order/seller/product-orders/query");
        const string operation = "POST product-orders/query";
        foreach (var chunk in ids.Chunk(300))
        {
            var body = new ProductOrderIdsRequest { ProductOrderIds = [.. chunk] };
            ProductOrderDetailResponse details;
            using (var response = await SendAuthorizedAsync(_orders, operation, HttpMethod.Post, uri, () => JsonContent.Create(body, NaverJsonContext.Default.ProductOrderIdsRequest), RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
            {
                details = await ReadJsonAsync(_orders, operation, response, NaverJsonContext.Default.ProductOrderDetailResponse, cancellationToken).ConfigureAwait(false);
            }

            foreach (var detail in details.Data ?? [])
            {
                if (detail.ProductOrder?.ProductOrderId is { } id)
                {
                    result[id] = detail;
                }
            }
        }

        return result;
    }

    private async Task<byte[]?> GetProductAsync(long originProductNo, RequestPriority priority, CancellationToken cancellationToken)
    {
        var uri = EndpointRules.Combine(_baseAddress, "v2/products/origin-products/" + originProductNo.ToString(CultureInfo.InvariantCulture));
        var operation = "GET origin-products " + originProductNo.ToString(CultureInfo.InvariantCulture);
        try
        {
            using var response = await SendAuthorizedAsync(_products, operation, HttpMethod.Get, uri, null, priority, cancellationToken).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelApiException ex) when (ex.StatusCode == (int)HttpStatusCode.NotFound)
        {
            Log.ProductReadRefused(_logger, Name, originProductNo, ex.Message);
            return null;
        }
    }

    private async Task<ChannelPushResult[]> PushProductAsync(long product, List<ChannelStockUpdate> items, CancellationToken cancellationToken)
    {
        var results = new ChannelPushResult[items.Count];
        if (cancellationToken.IsCancellationRequested)
        {
            for (var i = 0; i < items.Count; i++)
            {
                results[i] = new ChannelPushResult(items[i], ChannelPushStatus.NotSent, Message: "Cancelled before it was sent.");
            }

            return results;
        }

        var priority = items.Any(u => u.Quantity <= _options.LowStockThreshold) ? RequestPriority.Critical : RequestPriority.Normal;
        try
        {
            var current = await GetProductAsync(product, priority, cancellationToken).ConfigureAwait(false)
                ?? throw new ChannelApiException(Name, ChannelFailureKind.Rejected, $"Naver channel '{Name}': origin product {product} was not found.", 404);
            var document = JsonNode.Parse(current) as JsonObject ?? throw _products.Malformed($"GET origin-products {product}", "not a JSON object", 200);
            var origin = document["originProduct"] as JsonObject ?? throw _products.Malformed($"GET origin-products {product}", "originProduct is missing", 200);
            var combos = origin["detailAttribute"]?["optionInfo"]?["optionCombinations"] as JsonArray;
            var byOption = new Dictionary<long, JsonObject>();
            foreach (var combo in combos ?? [])
            {
                if (combo is JsonObject o && o["id"]?.GetValue<long>() is { } id)
                {
                    byOption[id] = o;
                }
            }

            var sendable = new List<int>();
            for (var i = 0; i < items.Count; i++)
            {
                var option = items[i].Listing.Option;
                if ((option == 0 && byOption.Count > 0) || (option != 0 && !byOption.ContainsKey(option)))
                {
                    results[i] = new ChannelPushResult(items[i], ChannelPushStatus.Failed, ChannelFailureKind.Rejected, $"Origin product {product} has no option {option}.");
                    continue;
                }

                sendable.Add(i);
            }

            if (sendable.Count == 0)
            {
                return results;
            }

            HttpRequestMessageFactory body;
            Uri uri;
            string operation;
            if (byOption.Count > 0)
            {
                foreach (var i in sendable)
                {
                    byOption[items[i].Listing.Option]["stockQuantity"] = (long)items[i].Quantity;
                }

                var salePrice = origin["salePrice"]?.GetValue<long>() ?? throw _products.Malformed($"GET origin-products {product}", "salePrice is missing", 200);
                var payload = new JsonObject
                {
                    ["productSalePrice"] = new JsonObject { ["salePrice"] = salePrice },
                    ["optionInfo"] = new JsonObject
                    {
                        ["optionCombinations"] = new JsonArray([.. byOption.Values.Select(o => (JsonNode)new JsonObject
                        {
                            ["id"] = o["id"]!.GetValue<long>(),
                            ["stockQuantity"] = o["stockQuantity"]?.GetValue<long>() ?? 0,
                            ["price"] = o["price"]?.GetValue<long>() ?? 0,
                            ["usable"] = o["usable"]?.GetValue<bool>() ?? true,
                        })]),
                    },
                };
                var text = payload.ToJsonString();
                body = () => new StringContent(text, System.Text.Encoding.UTF8, "application/json");
                uri = EndpointRules.Combine(_baseAddress, $"v1/products/origin-products/{product.ToString(CultureInfo.InvariantCulture)}/option-stock");
                operation = $"PUT option-stock {product}";
            }
            else
            {
                origin["stockQuantity"] = items[sendable[^1]].Quantity;
                var text = document.ToJsonString();
                body = () => new StringContent(text, System.Text.Encoding.UTF8, "application/json");
                uri = EndpointRules.Combine(_baseAddress, $"v2/products/origin-products/{product.ToString(CultureInfo.InvariantCulture)}");
                operation = $"PUT origin-products {product}";
            }

            using (await SendAuthorizedAsync(_products, operation, HttpMethod.Put, uri, body, priority, cancellationToken).ConfigureAwait(false))
            {
            }

            foreach (var i in sendable)
            {
                results[i] = new ChannelPushResult(items[i], ChannelPushStatus.Succeeded);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Fill(results, items, i => new ChannelPushResult(items[i], ChannelPushStatus.NotSent, Message: "Cancelled before an answer arrived."));
        }
        catch (ChannelApiException ex)
        {
            Log.PushFailed(_logger, Name, product, ex.Kind, ex.Message);
            var notSent = ex.InnerException is Polly.CircuitBreaker.BrokenCircuitException;
            Fill(results, items, i => new ChannelPushResult(items[i], notSent ? ChannelPushStatus.NotSent : ChannelPushStatus.Failed, ex.Kind, ex.Message));
        }

        return results;
    }

    private static void Fill(ChannelPushResult[] results, List<ChannelStockUpdate> items, Func<int, ChannelPushResult> create)
    {
        for (var i = 0; i < items.Count; i++)
        {
            results[i] ??= create(i);
        }
    }

    private async Task<HttpResponseMessage> SendAuthorizedAsync(ResilientHttpClient client, string operation, HttpMethod method, Uri uri, HttpRequestMessageFactory? content, RequestPriority priority, CancellationToken cancellationToken)
    {
        string? used = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await client.SendAsync(
                    operation,
                    async ct =>
                    {
                        used = await _tokens.GetAsync(ct).ConfigureAwait(false);
                        var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", used);
                        return request;
                    },
                    priority,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelApiException ex) when (attempt == 0 && ex.StatusCode == (int)HttpStatusCode.Unauthorized && used is not null)
            {
                Log.RenewingAfterUnauthorized(_logger, Name);
                _tokens.Invalidate(used);
            }
        }
    }

    private static async Task<T> ReadJsonAsync<T>(ResilientHttpClient client, string operation, HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw client.Malformed(operation, "empty body", (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            throw client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
        }
    }

    private ResilientHttpClient CreateClient(HttpClient http, string group)
    {
        var budget = new RateBudget($"{_options.ClientId}/{group}", _options.RequestsPerSecond, _options.Burst, _time);
        var settings = new HttpResilienceSettings
        {
            AttemptTimeout = _options.AttemptTimeout,
            MaxRetryAttempts = _options.MaxRetryAttempts,
            BaseDelay = _options.RetryBaseDelay,
            MaxRetryAfter = _options.MaxRetryAfter,
            BreakDuration = _options.CircuitBreakDuration,
        };
        var events = new HttpPipelineEvents
        {
            Retrying = (attempt, delay, status, ex) => Log.Retrying(_logger, Name, attempt, delay, status, ex),
            CircuitOpened = duration => Log.CircuitOpened(_logger, Name, duration),
            CircuitClosed = () => Log.CircuitClosed(_logger, Name),
            RateLimited = wait => Log.RateLimited(_logger, Name, wait),
        };
        var timeout = _options.AttemptTimeout;
        var channel = Name;
        return new ResilientHttpClient(
            http,
            HttpResilience.Build(settings, _time, budget, events),
            budget,
            (kind, message, status, inner) => kind == ChannelFailureKind.Timeout && status is null
                ? new ChannelApiTimeoutException(channel, timeout, inner)
                : new ChannelApiException(channel, kind, $"Naver channel '{channel}': {message}", status, inner),
            _redactor,
            timeout,
            response => budget.ObserveServerBudget(
                HttpHeaderValues.ReadNumber(response, "GNCP-GW-RateLimit-Remaining"),
                HttpHeaderValues.ReadNumber(response, "GNCP-GW-RateLimit-Replenish-Rate"),
                (int?)HttpHeaderValues.ReadNumber(response, "GNCP-GW-RateLimit-Burst-Capacity")),
            _time);
    }

    private delegate HttpContent HttpRequestMessageFactory();
}
