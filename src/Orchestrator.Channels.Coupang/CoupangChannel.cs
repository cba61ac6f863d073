using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Channels.Coupang.Internal;
using Orchestrator.Intake;
using Orchestrator.Internal.Http;
using Orchestrator.Stock;

namespace Orchestrator.Channels.Coupang;

/// <summary>
/// Connects the orchestrator to one Coupang vendor: reads and pushes vendor-item stock (<see cref="IChannelAdapter"/>) and
/// polls ordersheets (<see cref="IOrderSource"/>).
/// </summary>
/// <remarks>
/// <para>Every request is signed with CEA HMAC-SHA256, takes a permit of the vendor's rate budget (sold-out and low-stock
/// pushes first), and runs through retry, circuit breaker and per-attempt timeout. Failures surface as
/// <see cref="ChannelApiException"/>.</para>
/// <para>Coupang has no batch stock read or write: one vendor item per call, run <see cref="CoupangChannelOptions.MaxConcurrency"/>
/// at a time within the rate budget.</para>
/// <para>Thread safety: all members are safe to call concurrently; calls share one rate budget.</para>
/// </remarks>
public sealed class CoupangChannel : IChannelAdapter, IOrderSource, IDisposable
{
    private const string ProductPath = "v2/providers/seller_api/apis/api/v1/marketplace/vendor-items/";
    private static readonly TimeSpan Kst = TimeSpan.FromHours(9);
    private readonly CoupangChannelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CoupangSigner _signer;
    private readonly ResilientHttpClient _client;
    private readonly RateBudget _budget;
    private readonly Uri _baseAddress;
    private long _lastKeyCheck = long.MinValue;

    /// <summary>Initializes a new instance of the <see cref="CoupangChannel"/> class.</summary>
    /// <param name="name">The channel instance name, for example <c>coupang-main</c>.</param>
    /// <param name="httpClient">The HTTP client (from <c>IHttpClientFactory</c>); its own timeout should be infinite, the adapter owns timeouts.</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="OptionsValidationException">The options are invalid (for example credentials are missing).</exception>
    public CoupangChannel(string name, HttpClient httpClient, CoupangChannelOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var validation = new CoupangChannelOptionsValidator().Validate(name, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(name, typeof(CoupangChannelOptions), validation.Failures);
        }

        Name = name;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Orchestrator.Channels.Coupang");
        _signer = new CoupangSigner(options.AccessKey, options.SecretKey);
        _baseAddress = EndpointRules.Normalize(options.BaseAddress);
        var redactor = new SecretRedactor();
        redactor.Add(options.SecretKey);
        redactor.Add(options.AccessKey);
        _budget = new RateBudget(options.VendorId, options.RequestsPerSecond, options.Burst, _time);
        var settings = new HttpResilienceSettings
        {
            AttemptTimeout = options.AttemptTimeout,
            MaxRetryAttempts = options.MaxRetryAttempts,
            BaseDelay = options.RetryBaseDelay,
            MaxRetryAfter = options.MaxRetryAfter,
            BreakDuration = options.CircuitBreakDuration,
        };
        var events = new HttpPipelineEvents
        {
            Retrying = (attempt, delay, status, ex) => Log.Retrying(_logger, Name, attempt, delay, status, ex),
            CircuitOpened = duration => Log.CircuitOpened(_logger, Name, duration),
            CircuitClosed = () => Log.CircuitClosed(_logger, Name),
            RateLimited = wait =>
            {
                Log.RateLimited(_logger, Name, wait ?? options.RateLimitedPause);
                if (wait is null)
                {
                    _budget.PauseFor(options.RateLimitedPause);
                }
            },
        };
        _client = new ResilientHttpClient(
            httpClient,
            HttpResilience.Build(settings, _time, _budget, events),
            _budget,
            (kind, message, status, inner) => kind == ChannelFailureKind.Timeout && status is null
                ? new ChannelApiTimeoutException(name, options.AttemptTimeout, inner)
                : new ChannelApiException(name, kind, $"Coupang channel '{name}': {message}", status, inner),
            redactor,
            options.AttemptTimeout,
            ObserveResponse,
            _time);
        Capabilities = new ChannelCapabilities(options.RequestsPerSecond, 1, SupportsReadBack: true);
        CheckKeyExpiry();
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ChannelKind Kind => ChannelKind.Coupang;

    /// <inheritdoc />
    public ChannelCapabilities Capabilities { get; }

    /// <summary>Gets when the access key expires, when <see cref="CoupangChannelOptions.KeyIssuedAt"/> is set.</summary>
    public DateTimeOffset? AccessKeyExpiresAt => _options.KeyIssuedAt + _options.KeyLifetime;

    /// <summary>Gets the estimated time until every request now waiting for the vendor's rate budget has been sent.</summary>
    public TimeSpan EstimatedBacklogDrainTime => _budget.EstimatedDrainTime;

    /// <inheritdoc />
    /// <remarks>A vendor item Coupang refuses (deleted, unknown: HTTP 400) is logged and left unreported; any other failure throws.</remarks>
    public async Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        var listings = into.Listings ?? throw new ArgumentException("The builder is not a channel builder; create it with the channel's ChannelListingMap.", nameof(into));
        CheckKeyExpiry();
        var started = _time.GetTimestamp();
        var gate = new Lock();
        var listed = 0;
        await Parallel.ForEachAsync(
            listings.Listings(),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                Interlocked.Increment(ref listed);
                var id = entry.Listing.Id;
                var quantity = await ReadItemAsync(id, ct).ConfigureAwait(false);
                if (quantity is { } value)
                {
                    lock (gate)
                    {
                        into.Set(entry.Ordinal, value);
                    }
                }
            }).ConfigureAwait(false);
        var elapsed = _time.GetElapsedTime(started);
        Log.ReadCompleted(_logger, Name, into.ReportedCount, listed, elapsed);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updates);
        CheckKeyExpiry();
        var results = new ChannelPushResult[updates.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, updates.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency },
            async (i, _) => results[i] = await PushOneAsync(updates[i], cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Reads ordersheets in <see cref="CoupangChannelOptions.OrderStatus"/> created on the KST days the window touches
    /// (Coupang filters by creation day), 50 per page, following <c>nextToken</c>. Each shipment box is one order
    /// (<see cref="SourceOrder.OrderId"/> is the <c>shipmentBoxId</c>, which the acknowledgement takes).
    /// </remarks>
    public async Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckKeyExpiry();
        var from = query.From.ToOffset(Kst).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = (query.To - TimeSpan.FromTicks(1)).ToOffset(Kst).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var size = Math.Clamp(query.PageSize, 1, 50);
        var q = $"createdAtFrom={from}&createdAtTo={to}&status={Uri.EscapeDataString(_options.OrderStatus)}&maxPerPage={size}";
        if (!string.IsNullOrEmpty(query.Cursor))
        {
            q += "&nextToken=" + Uri.EscapeDataString(query.Cursor);
        }

        var uri = EndpointRules.Combine(_baseAddress, $"v2/providers/openapi/apis/api/v4/vendors/{Uri.EscapeDataString(_options.VendorId)}/ordersheets", q);
        const string operation = "GET ordersheets";
        using var response = await _client.SendAsync(operation, ct => Create(HttpMethod.Get, uri, null, orderApi: true), RequestPriority.Normal, cancellationToken).ConfigureAwait(false);
        OrderSheetPage? page;
        try
        {
            page = await response.Content.ReadFromJsonAsync(CoupangJsonContext.Default.OrderSheetPage, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            throw _client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
        }

        if (page is null || !IsSuccessCode(page.Code) || page.Data is null)
        {
            throw _client.Malformed(operation, $"envelope without data (code {page?.Code}, message '{page?.Message}')", (int)response.StatusCode);
        }

        var orders = new List<SourceOrder>(page.Data.Count);
        foreach (var sheet in page.Data)
        {
            orders.Add(ToOrder(sheet));
        }

        orders.Sort((a, b) => a.ChangedAt != b.ChangedAt ? a.ChangedAt.CompareTo(b.ChangedAt) : string.CompareOrdinal(a.OrderId, b.OrderId));
        var traceId = response.Headers.TryGetValues("X-Coupang-Trace-Id", out var values) ? values.FirstOrDefault() : null;
        return new OrderPage(orders, string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken, traceId);
    }

    /// <inheritdoc />
    /// <remarks>Acknowledges shipment boxes (결제완료 → 상품준비중), 50 per call. A box already in preparation counts as marked.</remarks>
    public async Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        List<string> marked = [];
        List<MarkFailure> failed = [];
        var uri = EndpointRules.Combine(_baseAddress, $"v2/providers/openapi/apis/api/v4/vendors/{Uri.EscapeDataString(_options.VendorId)}/ordersheets/acknowledgement");
        var method = new HttpMethod(_options.AcknowledgementMethod);
        foreach (var chunk in orderIds.Chunk(50))
        {
            var ids = new List<long>(chunk.Length);
            foreach (var id in chunk)
            {
                if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var box))
                {
                    ids.Add(box);
                }
                else
                {
                    failed.Add(new MarkFailure(id, "Not a Coupang shipmentBoxId.", IsTransient: false));
                }
            }

            if (ids.Count == 0)
            {
                continue;
            }

            const string operation = "acknowledge ordersheets";
            try
            {
                var body = new AcknowledgementRequest { VendorId = _options.VendorId, ShipmentBoxIds = ids };
                using var response = await _client.SendAsync(
                    operation,
                    ct => Create(method, uri, JsonContent.Create(body, CoupangJsonContext.Default.AcknowledgementRequest), orderApi: true),
                    RequestPriority.Normal,
                    cancellationToken).ConfigureAwait(false);
                AcknowledgementResponse? result;
                try
                {
                    result = await response.Content.ReadFromJsonAsync(CoupangJsonContext.Default.AcknowledgementResponse, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
                {
                    throw _client.Malformed(operation, ex.Message, (int)response.StatusCode, ex);
                }

                var seen = new HashSet<long>();
                foreach (var item in result?.Data?.ResponseList ?? [])
                {
                    seen.Add(item.ShipmentBoxId);
                    var id = item.ShipmentBoxId.ToString(CultureInfo.InvariantCulture);
                    if (item.Succeed)
                    {
                        marked.Add(id);
                    }
                    else
                    {
                        failed.Add(new MarkFailure(id, $"{item.ResultCode}: {item.ResultMessage}", item.RetryRequired));
                    }
                }

                foreach (var id in ids.Where(i => !seen.Contains(i)))
                {
                    failed.Add(new MarkFailure(id.ToString(CultureInfo.InvariantCulture), "Coupang did not report this shipment box.", IsTransient: true));
                }
            }
            catch (ChannelApiException ex)
            {
                // On a timeout the change may have been applied; re-acknowledging is harmless (a box in preparation counts as marked).
                failed.AddRange(ids.Select(i => new MarkFailure(i.ToString(CultureInfo.InvariantCulture), ex.Message, ex.IsTransient)));
            }
        }

        return new MarkReceivedResult(marked, failed);
    }

    /// <inheritdoc />
    public void Dispose() => _budget.Dispose();

    private static bool IsSuccessCode(JsonElement code) => code.ValueKind switch
    {
        JsonValueKind.Number => code.TryGetInt32(out var n) && n == 200,
        JsonValueKind.String => code.GetString() is "SUCCESS" or "200",
        _ => false,
    };

    private static DateTimeOffset ParseKst(string? text, DateTimeOffset fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset) && text.Length > 19)
        {
            return withOffset;
        }

        return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Kst)
            : fallback;
    }

    private SourceOrder ToOrder(OrderSheet sheet)
    {
        var orderedAt = ParseKst(sheet.OrderedAt, DateTimeOffset.MinValue);
        var paidAt = ParseKst(sheet.PaidAt, orderedAt);
        var lines = new List<OrderLine>();
        foreach (var item in sheet.OrderItems ?? [])
        {
            var quantity = item.ShippingCount - item.CancelCount - item.HoldCountForCancel;
            if (quantity <= 0)
            {
                continue;
            }

            var sku = string.IsNullOrWhiteSpace(item.ExternalVendorSkuCode) ? item.VendorItemId.ToString(CultureInfo.InvariantCulture) : item.ExternalVendorSkuCode;
            lines.Add(new OrderLine(sku, quantity));
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["channel"] = "coupang",
            ["coupang.orderId"] = sheet.OrderId.ToString(CultureInfo.InvariantCulture),
            ["coupang.vendorItemIds"] = string.Join(',', (sheet.OrderItems ?? []).Select(i => i.VendorItemId.ToString(CultureInfo.InvariantCulture))),
        };
        return new SourceOrder(Name, sheet.ShipmentBoxId.ToString(CultureInfo.InvariantCulture), orderedAt, paidAt, sheet.Status ?? string.Empty, null, lines, attributes);
    }

    private async Task<long?> ReadItemAsync(long vendorItemId, CancellationToken cancellationToken)
    {
        var uri = EndpointRules.Combine(_baseAddress, ProductPath + vendorItemId.ToString(CultureInfo.InvariantCulture) + "/inventories");
        const string operation = "GET vendor-item inventories";
        using var response = await _client.SendRawAsync(operation, ct => Create(HttpMethod.Get, uri, null, orderApi: false), RequestPriority.Bulk, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            var refusal = await _client.ToExceptionAsync(operation, response, cancellationToken).ConfigureAwait(false);
            Log.ItemReadRefused(_logger, Name, vendorItemId, refusal.Message);
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await _client.ToExceptionAsync(operation, response, cancellationToken).ConfigureAwait(false);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        string? code;
        string? message;
        long? amount;
        try
        {
            CoupangInventoryParser.Read(body, out code, out message, out amount);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
        {
            throw _client.Malformed($"{operation} {vendorItemId}", ex.Message, (int)response.StatusCode, ex);
        }

        if (code != "SUCCESS")
        {
            throw new ChannelApiException(Name, ChannelFailureKind.Rejected, $"Coupang channel '{Name}': {operation} {vendorItemId} answered code {code}: {message}", (int)response.StatusCode);
        }

        return amount ?? throw _client.Malformed($"{operation} {vendorItemId}", "data.amountInStock is missing", (int)response.StatusCode);
    }

    private async Task<ChannelPushResult> PushOneAsync(ChannelStockUpdate update, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new ChannelPushResult(update, ChannelPushStatus.NotSent, Message: "Cancelled before it was sent.");
        }

        var uri = EndpointRules.Combine(
            _baseAddress,
            ProductPath + update.Listing.Id.ToString(CultureInfo.InvariantCulture) + "/quantities/" + update.Quantity.ToString(CultureInfo.InvariantCulture));
        var priority = update.Quantity <= _options.LowStockThreshold ? RequestPriority.Critical : RequestPriority.Normal;
        const string operation = "PUT vendor-item quantity";
        try
        {
            using var response = await _client.SendAsync(operation, ct => Create(HttpMethod.Put, uri, null, orderApi: false), priority, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                CoupangInventoryParser.Read(body, out var code, out var message, out _);
                if (code == "SUCCESS")
                {
                    return new ChannelPushResult(update, ChannelPushStatus.Succeeded, Message: message);
                }

                Log.PushFailed(_logger, Name, update.Listing.Id, ChannelFailureKind.Rejected, message ?? string.Empty);
                return new ChannelPushResult(update, ChannelPushStatus.Failed, ChannelFailureKind.Rejected, $"{code}: {message}");
            }
            catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or InvalidOperationException)
            {
                Log.PushFailed(_logger, Name, update.Listing.Id, ChannelFailureKind.MalformedResponse, ex.Message);
                return new ChannelPushResult(update, ChannelPushStatus.Failed, ChannelFailureKind.MalformedResponse, $"Unreadable response: {ex.Message}");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ChannelPushResult(update, ChannelPushStatus.NotSent, Message: "Cancelled before an answer arrived.");
        }
        catch (ChannelApiException ex)
        {
            Log.PushFailed(_logger, Name, update.Listing.Id, ex.Kind, ex.Message);
            var notSent = ex.InnerException is Polly.CircuitBreaker.BrokenCircuitException;
            return new ChannelPushResult(update, notSent ? ChannelPushStatus.NotSent : ChannelPushStatus.Failed, ex.Kind, ex.Message);
        }
    }

    private ValueTask<HttpRequestMessage> Create(HttpMethod method, Uri uri, HttpContent? content, bool orderApi)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Authorization", _signer.CreateAuthorization(method, uri, _time.GetUtcNow()));
        if (orderApi)
        {
            request.Headers.TryAddWithoutValidation("X-Requested-By", _options.VendorId);
        }

        return ValueTask.FromResult(request);
    }

    private void ObserveResponse(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.Forbidden && response.Content.Headers.ContentType?.MediaType is { } type && !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            var pause = TimeSpan.FromMinutes(10);
            Log.Blocked(_logger, Name, pause);
            _budget.PauseFor(pause);
        }
    }

    private void CheckKeyExpiry()
    {
        if (_options.KeyIssuedAt is not { } issued)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var last = Interlocked.Read(ref _lastKeyCheck);
        if (last != long.MinValue && now.UtcTicks - last < TimeSpan.TicksPerDay)
        {
            return;
        }

        Interlocked.Exchange(ref _lastKeyCheck, now.UtcTicks);
        var expiresAt = issued + _options.KeyLifetime;
        var left = expiresAt - now;
        if (left <= TimeSpan.Zero)
        {
            Log.KeyExpired(_logger, Name, expiresAt);
        }
        else if (left <= _options.KeyExpiryWarning)
        {
            Log.KeyExpiresSoon(_logger, Name, expiresAt, (int)Math.Ceiling(left.TotalDays));
        }
    }
}
