using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Catalog;
using Orchestrator.Channels.Cafe24.Internal;
using Orchestrator.Intake;
using Orchestrator.Internal.Http;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Cafe24;

/// <summary>
/// Connects the orchestrator to one Cafe24 mall: reads and pushes variant inventories (<see cref="IChannelAdapter"/>) and polls
/// orders by date and status (<see cref="IOrderSource"/>).
/// </summary>
/// <remarks>
/// <para>Listings are <see cref="ListingKey.Cafe24"/> keys (<c>product_no</c> and <c>variant_code</c>). A variant with
/// <c>use_inventory=F</c> does not track stock: it is left unreported (not 0) and listed by
/// <see cref="ReadStockAsync(StockSnapshotBuilder, ICollection{ListingKey}?, CancellationToken)"/>.</para>
/// <para>Access tokens are refreshed before they expire; the rotated refresh token is saved in the <see cref="ICafe24TokenStore"/>
/// before the new access token is used.</para>
/// <para>Every call passes the mall's rate budget (a token bucket mirroring Cafe24's leaky bucket, tuned from
/// <c>X-Api-Call-Limit</c>), then retry, circuit breaker and per-attempt timeout.</para>
/// <para>Thread safety: all members are safe to call concurrently.</para>
/// </remarks>
public sealed class Cafe24Channel : IChannelAdapter, IOrderSource, IDisposable
{
    private const int MaxOffset = 15_000;
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly Cafe24ChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _baseAddress;
    private readonly SecretRedactor _redactor = new();
    private readonly ResilientHttpClient _client;
    private readonly Cafe24TokenManager _tokens;
    private readonly FileCafe24TokenStore? _ownedStore;

    /// <summary>Initializes a new instance of the <see cref="Cafe24Channel"/> class.</summary>
    /// <param name="name">The channel instance name, for example <c>cafe24-main</c>.</param>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c>); its own timeout should be infinite.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="tokenStore">Where the tokens live, or <see langword="null"/> for a <see cref="FileCafe24TokenStore"/> in <see cref="Cafe24ChannelOptions.TokenDirectory"/>.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (for example credentials are missing).</exception>
    public Cafe24Channel(string name, HttpClient httpClient, Cafe24ChannelOptions options, ICafe24TokenStore? tokenStore = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new Cafe24ChannelOptionsValidator { HasTokenStore = tokenStore is not null }.Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(Cafe24ChannelOptions), validation.Failures);
        }

        Name = name;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Orchestrator.Channels.Cafe24");
        _baseAddress = EndpointRules.Normalize(Cafe24Endpoints.ResolveBaseAddress(options)!);
        _redactor.Add(options.ClientSecret);
        var budget = new RateBudget(options.MallId, options.RequestsPerSecond, options.Burst, _time);
        var settings = new HttpResilienceSettings
        {
            AttemptTimeout = options.AttemptTimeout,
            MaxRetryAttempts = options.MaxRetryAttempts,
            BaseDelay = options.RetryBaseDelay,
            MaxRetryAfter = options.MaxRetryAfter,
            BreakDuration = options.CircuitBreakDuration,
            ExtraRetryAfterHeaders = ["X-Cafe24-Call-Remain"],
        };
        var events = new HttpPipelineEvents
        {
            Retrying = (attempt, delay, status, ex) => Log.Retrying(_logger, Name, attempt, delay, status, ex),
            CircuitOpened = duration => Log.CircuitOpened(_logger, Name, duration),
            CircuitClosed = () => Log.CircuitClosed(_logger, Name),
            RateLimited = wait => Log.RateLimited(_logger, Name, wait),
        };
        var timeout = options.AttemptTimeout;
        _client = new ResilientHttpClient(
            httpClient,
            HttpResilience.Build(settings, _time, budget, events),
            budget,
            (kind, message, status, inner) => kind == ChannelFailureKind.Timeout && status is null
                ? new ChannelApiTimeoutException(name, timeout, inner)
                : new ChannelApiException(name, kind, $"Cafe24 channel '{name}': {message}", status, inner),
            _redactor,
            timeout,
            ObserveResponse,
            _time);
        if (tokenStore is null)
        {
            _ownedStore = new FileCafe24TokenStore(options.TokenDirectory!);
            tokenStore = _ownedStore;
        }

        _tokens = new Cafe24TokenManager(name, options, _baseAddress, tokenStore, _client, _time, _redactor, _logger);
        Capabilities = new ChannelCapabilities(options.RequestsPerSecond, MaxUpdatesPerCall: 1, SupportsReadBack: true);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ChannelKind Kind => ChannelKind.Cafe24;

    /// <inheritdoc />
    public ChannelCapabilities Capabilities { get; }

    /// <summary>Gets how many times the tokens were refreshed (and saved).</summary>
    public int TokenRefreshCount => _tokens.RefreshCount;

    /// <summary>Gets the estimated time until every call now waiting for the mall's rate budget has been sent.</summary>
    public TimeSpan EstimatedBacklogDrainTime => _client.Budget.EstimatedDrainTime;

    /// <summary>Gets the mall's rate budget.</summary>
    internal RateBudget Budget => _client.Budget;

    /// <inheritdoc />
    public Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken) => ReadStockAsync(into, null, cancellationToken);

    /// <summary>Reads every variant's quantity, page by page (<c>since_product_no</c>), straight into the builder.</summary>
    /// <param name="into">A channel builder.</param>
    /// <param name="untracked">Receives the variants that do not track stock (<c>use_inventory=F</c>), which are left unreported; or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>A task that completes when every page was read.</returns>
    /// <exception cref="ChannelApiException">Cafe24 failed after the retries, or a page could not be read.</exception>
    public async Task ReadStockAsync(StockSnapshotBuilder into, ICollection<ListingKey>? untracked, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        _ = into.Listings ?? throw new ArgumentException("The builder is not a channel builder; create it with the channel's ChannelListingMap.", nameof(into));
        var started = _time.GetTimestamp();
        var notTracked = untracked ?? new List<ListingKey>();
        var countBefore = notTracked.Count;
        long since = 0;
        var pages = 0;
        while (true)
        {
            var q = string.Create(CultureInfo.InvariantCulture, $"shop_no={_options.ShopNo}&limit={_options.ProductPageSize}&since_product_no={since}&embed=variants");
            var uri = EndpointRules.Combine(_baseAddress, "api/v2/admin/products", q);
            const string operation = "GET products";
            byte[] body;
            using (var response = await SendAsync(operation, HttpMethod.Get, uri, null, RequestPriority.Bulk, cancellationToken).ConfigureAwait(false))
            {
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }

            int products;
            long last;
            try
            {
                products = Cafe24ProductPageParser.Read(body, into, notTracked, out last);
            }
            catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
            {
                throw _client.Malformed($"{operation} since {since}", ex.Message, 200, ex);
            }
            catch (InvalidOperationException ex)
            {
                throw _client.Malformed($"{operation} since {since}", ex.Message, 200, ex);
            }

            pages++;
            if (products < _options.ProductPageSize || last <= since)
            {
                break;
            }

            since = last;
        }

        var untrackedCount = notTracked.Count - countBefore;
        if (untrackedCount > 0)
        {
            var sample = string.Join(", ", notTracked.Skip(countBefore).Take(5));
            Log.UntrackedListings(_logger, Name, untrackedCount, sample);
        }

        var elapsed = _time.GetElapsedTime(started);
        Log.ReadCompleted(_logger, Name, into.ReportedCount, pages, elapsed);
    }

    /// <inheritdoc />
    /// <remarks>One <c>PUT /api/v2/admin/products/{product_no}/variants/{variant_code}/inventories</c> per update (Cafe24 takes one variant per call); sold-out and low stock first.</remarks>
    public async Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var results = new ChannelPushResult[updates.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, updates.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency },
            async (i, _) => results[i] = await PushOneAsync(updates[i], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads <c>GET /api/v2/admin/orders</c> in <see cref="Cafe24ChannelOptions.OrderStatuses"/>, one KST day of the window at a
    /// time (matched on <see cref="Cafe24ChannelOptions.OrderDateType"/>), with <c>limit</c>/<c>offset</c> paging. Cafe24 caps the
    /// offset at 15,000, so a day with more orders than that fails with a typed error instead of silently stopping.
    /// </remarks>
    public async Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var lastDay = DateOnly.FromDateTime((query.To - TimeSpan.FromTicks(1)).ToOffset(Kst).DateTime);
        var (day, offset) = ParseCursor(query.Cursor, DateOnly.FromDateTime(query.From.ToOffset(Kst).DateTime));
        var limit = Math.Clamp(query.PageSize, 1, 1000);
        if (offset + limit > MaxOffset + limit)
        {
            throw new ChannelApiException(Name, ChannelFailureKind.Rejected, $"Cafe24 channel '{Name}': more than {MaxOffset} orders on {day:yyyy-MM-dd}; Cafe24 cannot page past offset {MaxOffset}. Narrow OrderStatuses or poll more often.");
        }

        var dayText = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var q = string.Create(CultureInfo.InvariantCulture, $"shop_no={_options.ShopNo}&start_date={dayText}&end_date={dayText}&date_type={Uri.EscapeDataString(_options.OrderDateType)}&order_status={Uri.EscapeDataString(_options.OrderStatuses)}&embed=items&limit={limit}&offset={offset}");
        var uri = EndpointRules.Combine(_baseAddress, "api/v2/admin/orders", q);
        const string operation = "GET orders";
        OrdersResponse page;
        using (var response = await SendAsync(operation, HttpMethod.Get, uri, null, RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
        {
            page = await ReadJsonAsync(operation, response, Cafe24JsonContext.Default.OrdersResponse, cancellationToken).ConfigureAwait(false);
        }

        var list = page.Orders ?? throw _client.Malformed(operation, "orders is missing", 200);
        var orders = list.Select(ToOrder).ToList();
        orders.Sort((a, b) => a.ChangedAt != b.ChangedAt ? a.ChangedAt.CompareTo(b.ChangedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        string? next = null;
        if (list.Count == limit)
        {
            next = string.Create(CultureInfo.InvariantCulture, $"{dayText}|{offset + limit}");
        }
        else if (day < lastDay)
        {
            next = string.Create(CultureInfo.InvariantCulture, $"{day.AddDays(1):yyyy-MM-dd}|0");
        }

        return new OrderPage(orders, next);
    }

    /// <inheritdoc />
    /// <remarks>Sets <c>process_status</c> to <see cref="Cafe24ChannelOptions.ReceivedProcessStatus"/> with <c>PUT /api/v2/admin/orders</c>, 100 orders per call.</remarks>
    public async Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        List<string> marked = [];
        List<MarkFailure> failed = [];
        var uri = EndpointRules.Combine(_baseAddress, "api/v2/admin/orders");
        const string operation = "PUT orders (process_status)";
        foreach (var chunk in orderIds.Chunk(100))
        {
            try
            {
                var body = new OrderStatusRequest { ShopNo = _options.ShopNo, Requests = [.. chunk.Select(id => new OrderStatusItem { OrderId = id, ProcessStatus = _options.ReceivedProcessStatus })] };
                OrderStatusResponse result;
                using (var response = await SendAsync(operation, HttpMethod.Put, uri, () => JsonContent.Create(body, Cafe24JsonContext.Default.OrderStatusRequest), RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
                {
                    result = await ReadJsonAsync(operation, response, Cafe24JsonContext.Default.OrderStatusResponse, cancellationToken).ConfigureAwait(false);
                }

                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in result.Orders ?? [])
                {
                    if (item.OrderId is not { } id || !seen.Add(id))
                    {
                        continue;
                    }

                    if (item.Error is { } error)
                    {
                        failed.Add(new MarkFailure(id, $"{error.Code}: {error.Message}", IsTransient: error.Code is 429 or >= 500));
                    }
                    else
                    {
                        marked.Add(id);
                    }
                }

                failed.AddRange(chunk.Where(id => !seen.Contains(id)).Select(id => new MarkFailure(id, "Cafe24 did not report this order.", IsTransient: true)));
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
        _client.Budget.Dispose();
        _ownedStore?.Dispose();
    }

    private static (DateOnly Day, int Offset) ParseCursor(string? cursor, DateOnly first)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (first, 0);
        }

        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        return bar > 0
            && DateOnly.TryParseExact(cursor.AsSpan(0, bar), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            && int.TryParse(cursor.AsSpan(bar + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? (day, offset)
            : throw new ArgumentException($"'{cursor}' is not a Cafe24 order cursor.", nameof(cursor));
    }

    private static DateTimeOffset ParseDate(string? text, DateTimeOffset fallback) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : fallback;

    private SourceOrder ToOrder(Cafe24Order order)
    {
        var created = ParseDate(order.OrderDate, DateTimeOffset.MinValue);
        var changed = ParseDate(order.PaymentDate, created);
        var lines = new List<OrderLine>();
        foreach (var item in order.Items ?? [])
        {
            if (item.Quantity > 0)
            {
                var sku = string.IsNullOrWhiteSpace(item.CustomVariantCode) ? item.VariantCode ?? string.Empty : item.CustomVariantCode;
                lines.Add(new OrderLine(sku, item.Quantity));
            }
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["channel"] = "cafe24",
            ["cafe24.mallId"] = _options.MallId,
            ["cafe24.variantCodes"] = string.Join(',', (order.Items ?? []).Select(i => i.VariantCode)),
        };
        return new SourceOrder(Name, order.OrderId ?? string.Empty, created, changed, order.OrderStatus ?? order.Items?.FirstOrDefault()?.OrderStatus ?? string.Empty, null, lines, attributes);
    }

    private async Task<ChannelPushResult> PushOneAsync(ChannelStockUpdate update, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ChannelPushResult(update, ChannelPushStatus.NotSent, Message: "Cancelled before it was sent.");
        }

        if (update.Listing.Code is not { Length: > 0 } code)
        {
            return new ChannelPushResult(update, ChannelPushStatus.Failed, ChannelFailureKind.Rejected, "A Cafe24 listing needs a variant_code (ListingKey.Cafe24).");
        }

        var uri = EndpointRules.Combine(_baseAddress, $"api/v2/admin/products/{update.Listing.Id.ToString(CultureInfo.InvariantCulture)}/variants/{Uri.EscapeDataString(code)}/inventories");
        var priority = update.Quantity <= _options.LowStockThreshold ? RequestPriority.Critical : RequestPriority.Normal;
        const string operation = "PUT variant inventories";
        try
        {
            var body = new InventoryRequest { ShopNo = _options.ShopNo, Request = new InventoryChange { Quantity = update.Quantity } };
            InventoryResponse result;
            using (var response = await SendAsync(operation, HttpMethod.Put, uri, () => JsonContent.Create(body, Cafe24JsonContext.Default.InventoryRequest), priority, cancellationToken).ConfigureAwait(false))
            {
                result = await ReadJsonAsync(operation, response, Cafe24JsonContext.Default.InventoryResponse, cancellationToken).ConfigureAwait(false);
            }

            return new ChannelPushResult(update, ChannelPushStatus.Succeeded, ConfirmedQuantity: result.Inventory?.Quantity);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ChannelPushResult(update, ChannelPushStatus.NotSent, Message: "Cancelled before an answer arrived.");
        }
        catch (ChannelApiException ex)
        {
            Log.PushFailed(_logger, Name, code, ex.Kind, ex.Message);
            // An open circuit, or rotated tokens that could not be saved: nothing was sent.
            var notSent = ex.InnerException is Polly.CircuitBreaker.BrokenCircuitException or TokenPersistenceException;
            return new ChannelPushResult(update, notSent ? ChannelPushStatus.NotSent : ChannelPushStatus.Failed, ex.Kind, ex.Message);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string operation, HttpMethod method, Uri uri, Func<HttpContent>? content, RequestPriority priority, CancellationToken cancellationToken)
    {
        string? used = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var token = attempt == 0 ? null : await _tokens.RefreshAfterRefusalAsync(used!, cancellationToken).ConfigureAwait(false);
                return await _client.SendAsync(
                    operation,
                    async ct =>
                    {
                        used = token ?? await _tokens.GetAsync(ct).ConfigureAwait(false);
                        token = null;
                        var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", used);
                        request.Headers.TryAddWithoutValidation("X-Cafe24-Api-Version", _options.ApiVersion);
                        return request;
                    },
                    priority,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelApiException ex) when (attempt == 0 && ex.StatusCode == (int)HttpStatusCode.Unauthorized && used is not null)
            {
                Log.RefreshingAfterUnauthorized(_logger, Name);
            }
        }
    }

    private async Task<T> ReadJsonAsync<T>(string operation, HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false)
                ?? throw _client.Malformed(operation, "empty body", (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            throw _client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
        }
    }

    private void ObserveResponse(HttpResponseMessage response)
    {
        // Cafe24's leaky bucket: "used/limit", draining 2 calls a second; what is left is what we may still send.
        if (HttpHeaderValues.ReadFraction(response, "X-Api-Call-Limit") is { } usage)
        {
            _client.Budget.ObserveServerBudget(usage.Limit - usage.Used, burst: usage.Limit);
        }
    }
}
