using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Internal.Http;
using Orchestrator.Stock;
using Orchestrator.Warehouse;
using Polly;

namespace Orchestrator.Wes.Internal;

/// <summary>
/// <see cref="IWesClient"/> over the generic WES REST contract (<c>docs/wes-contract.md</c>): every call goes through the rate
/// budget, retries, the circuit breaker and a per-attempt timeout, and every failure becomes a <see cref="WarehouseApiException"/>.
/// </summary>
/// <remarks>
/// Writes are retried like reads because the WES applies each transaction id once: a write whose response was lost comes back
/// as <see cref="WesOperationResult.Replayed"/>. Thread-safe; one instance per WES.
/// </remarks>
internal sealed class RestWesClient : IWesClient, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly Func<HttpClient> _http;
    private readonly WesClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _base;
    private readonly RateBudget _budget;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly SecretRedactor _redactor = new();

    public RestWesClient(Func<HttpClient> http, WesClientOptions options, TimeProvider time, ILogger<RestWesClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        if (EndpointRules.Validate(options.BaseAddress, nameof(options.BaseAddress)) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.ApiKey);
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _base = EndpointRules.Normalize(options.BaseAddress!);
        _redactor.Add(options.ApiKey);
        _budget = new RateBudget("wes:" + _base.Authority, options.RequestsPerSecond, options.Burst, time);
        var settings = new HttpResilienceSettings
        {
            AttemptTimeout = options.AttemptTimeout,
            MaxRetryAttempts = options.MaxRetries,
            BaseDelay = options.RetryDelay,
            MaxDelay = options.MaxRetryDelay,
            MaxRetryAfter = options.MaxRetryDelay,
            BreakDuration = options.BreakDuration,
        };
        var events = new HttpPipelineEvents
        {
            Retrying = (attempt, delay, status, exception) => Log.Retrying(_logger, attempt, delay, status, exception is null ? null : _redactor.Redact(exception.Message)),
            RateLimited = wait => Log.RateLimited(_logger, wait),
            CircuitOpened = duration => Log.CircuitOpened(_logger, duration),
            CircuitClosed = () => Log.CircuitClosed(_logger),
        };
        _pipeline = HttpResilience.Build(settings, time, _budget, events);
    }

    public void Dispose() => _budget.Dispose();

    public async Task<WesSnapshotInfo> ReadSnapshotAsync(StockSnapshotBuilder into, WesSnapshotRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(request);
        if (into.Kind != StockSourceKind.Warehouse)
        {
            throw new ArgumentException($"The snapshot builder is of kind {into.Kind}; the WES fills a builder of kind {StockSourceKind.Warehouse}.", nameof(into));
        }

        var started = _time.GetTimestamp();
        var warehouse = into.WarehouseId;
        var client = CreateClient();
        IEnumerable<string[]?> batches = request.SkuCodes is null
            ? new string[]?[] { null }
            : request.SkuCodes.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct(StringComparer.Ordinal).Chunk(_options.MaxSkusPerRequest).Select(c => (string[]?)c);
        int pages = 0, rows = 0;
        long? firstAnnounced = null, maxRowVersion = null;
        foreach (var skus in batches)
        {
            string? cursor = null;
            do
            {
                var operation = $"read stock of warehouse '{warehouse}' (page {pages + 1})";
                var uri = SnapshotUri(warehouse, skus, cursor, request.UpdatedSinceVersion);
                using var response = await client.SendRawAsync(operation, _ => Get(uri), RequestPriority.Bulk, cancellationToken).ConfigureAwait(false);
                await ThrowIfFailedAsync(client, operation, response, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                SnapshotPage page;
                try
                {
                    page = SnapshotPageReader.Read(body, into, warehouse);
                }
                catch (JsonException e)
                {
                    throw client.Malformed(operation, $"invalid JSON at byte {e.BytePositionInLine}: {e.Message}", (int)response.StatusCode, e);
                }
                catch (WesFormatException e)
                {
                    throw client.Malformed(operation, e.Message, (int)response.StatusCode, e);
                }

                pages++;
                rows += page.Rows;
                firstAnnounced ??= page.AnnouncedVersion;
                if (page.MaxRowVersion is { } v && (maxRowVersion is null || v > maxRowVersion))
                {
                    maxRowVersion = v;
                }

                if (page.NextCursor is not null && page.NextCursor == cursor)
                {
                    throw client.Malformed(operation, "nextCursor did not move on; the WES would page forever", (int)response.StatusCode);
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        // The next incremental read starts from the WES's counter as it stood when this read began: a row that changed while
        // the pages went by (perhaps on a page already read) has a higher version, so it is read again next time rather than
        // missed. The highest row version seen would skip it. Without an announced counter, the highest row version is the
        // best there is; with nothing changed, the last high-water mark stays.
        var highest = firstAnnounced ?? maxRowVersion ?? request.UpdatedSinceVersion;
        if (request.UpdatedSinceVersion is { } since && highest < since)
        {
            highest = since;
        }

        var elapsedMs = (long)_time.GetElapsedTime(started).TotalMilliseconds;
        Log.SnapshotRead(_logger, warehouse, rows, pages, highest, elapsedMs);
        return new WesSnapshotInfo(highest, pages);
    }

    public Task<WesOperationResult> CommitAsync(WesStockOperation operation, CancellationToken cancellationToken) =>
        OperateAsync("commit", "v1/stock/commits", operation, isCommit: true, cancellationToken);

    public Task<WesOperationResult> RestockAsync(WesStockOperation operation, CancellationToken cancellationToken) =>
        OperateAsync("restock", "v1/stock/restocks", operation, isCommit: false, cancellationToken);

    public Task<WesOperationResult> ScrapAsync(WesStockOperation operation, CancellationToken cancellationToken) =>
        OperateAsync("scrap", "v1/stock/scraps", operation, isCommit: false, cancellationToken);

    public async Task<WesOperationResult> SetStockAsync(WesStockUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.TransactionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.WarehouseId);
        ArgumentException.ThrowIfNullOrWhiteSpace(update.SkuCode);
        ArgumentOutOfRangeException.ThrowIfNegative(update.OnHand);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WesSetStockBody(update.TransactionId, update.OnHand, update.ExpectedVersion, update.Reason, null),
            WesJsonContext.Default.WesSetStockBody);
        var uri = EndpointRules.Combine(_base, $"v1/stock/{Uri.EscapeDataString(update.WarehouseId)}/{Uri.EscapeDataString(update.SkuCode)}");
        return await WriteAsync("set stock", HttpMethod.Put, uri, body, update.TransactionId, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<WesMovement> ReadMovementsAsync(string warehouseId, DateTimeOffset windowStart, DateTimeOffset windowEnd, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(warehouseId);
        if (windowEnd < windowStart)
        {
            throw new ArgumentException("The window ends before it starts.", nameof(windowEnd));
        }

        var client = CreateClient();
        string? cursor = null;
        var page = 0;
        do
        {
            page++;
            var operation = $"read movements of warehouse '{warehouseId}' (page {page})";
            var query = new StringBuilder()
                .Append("warehouse=").Append(Uri.EscapeDataString(warehouseId))
                .Append("&from=").Append(Uri.EscapeDataString(windowStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)))
                .Append("&to=").Append(Uri.EscapeDataString(windowEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)))
                .Append("&limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (cursor is not null)
            {
                query.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
            }

            var uri = EndpointRules.Combine(_base, "v1/stock/movements", query.ToString());
            WesMovementsPage answer;
            using (var response = await client.SendRawAsync(operation, _ => Get(uri), RequestPriority.Normal, cancellationToken).ConfigureAwait(false))
            {
                await ThrowIfFailedAsync(client, operation, response, cancellationToken).ConfigureAwait(false);
                answer = await ReadJsonAsync(client, operation, response, WesJsonContext.Default.WesMovementsPage, cancellationToken).ConfigureAwait(false);
            }

            var items = answer.Items ?? throw client.Malformed(operation, "the page has no 'items' array", 200);
            Log.MovementsPage(_logger, warehouseId, page, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                yield return ToMovement(client, operation, items[i], i, warehouseId);
            }

            if (answer.NextCursor is not null && answer.NextCursor == cursor)
            {
                throw client.Malformed(operation, "nextCursor did not move on; the WES would page forever", 200);
            }

            cursor = string.IsNullOrEmpty(answer.NextCursor) ? null : answer.NextCursor;
        }
        while (cursor is not null);
    }

    private async Task<WesOperationResult> OperateAsync(string name, string path, WesStockOperation operation, bool isCommit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation.TransactionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(operation.WarehouseId);
        ArgumentNullException.ThrowIfNull(operation.Lines);
        if (operation.Lines.Count == 0)
        {
            throw new ArgumentException($"The {name} {operation.TransactionId} has no lines.", nameof(operation));
        }

        var lines = new WesLineBody[operation.Lines.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = operation.Lines[i];
            ArgumentException.ThrowIfNullOrWhiteSpace(line.SkuCode, nameof(operation));
            if (line.Quantity <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(operation), line.Quantity, $"Line {i} ({line.SkuCode}) of {name} {operation.TransactionId} must move more than 0.");
            }

            lines[i] = new WesLineBody(line.SkuCode, line.Quantity, line.Location);
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(
            new WesOperationBody(operation.TransactionId, operation.WarehouseId, lines, isCommit ? operation.Reference : null, isCommit ? null : operation.Reference),
            WesJsonContext.Default.WesOperationBody);
        return await WriteAsync(name, HttpMethod.Post, EndpointRules.Combine(_base, path), body, operation.TransactionId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WesOperationResult> WriteAsync(string name, HttpMethod method, Uri uri, byte[] body, string transactionId, CancellationToken cancellationToken)
    {
        var client = CreateClient();
        var operation = $"{name} {transactionId}";
        using var response = await client.SendRawAsync(
            operation,
            _ =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = JsonType;
                return ValueTask.FromResult(Authorize(new HttpRequestMessage(method, uri) { Content = content }));
            },
            RequestPriority.Normal,
            cancellationToken).ConfigureAwait(false);
        await ThrowIfFailedAsync(client, operation, response, cancellationToken).ConfigureAwait(false);
        var answer = await ReadJsonAsync(client, operation, response, WesJsonContext.Default.WesWriteAnswer, cancellationToken).ConfigureAwait(false);
        if (answer.TransactionId is { } echoed && !string.Equals(echoed, transactionId, StringComparison.Ordinal))
        {
            throw client.Malformed(operation, $"the WES answered for transaction '{echoed}'", (int)response.StatusCode);
        }

        if (answer.Replayed is not { } replayed)
        {
            throw client.Malformed(operation, "the answer has no 'replayed' flag", (int)response.StatusCode);
        }

        if (replayed)
        {
            Log.WriteReplayed(_logger, name, transactionId);
        }
        else
        {
            Log.WriteApplied(_logger, name, transactionId, replayed);
        }

        return new WesOperationResult(transactionId, replayed);
    }

    private static async Task ThrowIfFailedAsync(ResilientHttpClient client, string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        WesProblem? problem = null;
        try
        {
            problem = text.Length > 0 ? JsonSerializer.Deserialize(text, WesJsonContext.Default.WesProblem) : null;
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's HTML page, for example): fall back to the generic message with a body excerpt.
        }

        if (problem?.Code is not { Length: > 0 } code)
        {
            throw client.CreateFailure(operation, response.StatusCode, text);
        }

        var kind = HttpFailureClassifier.Classify(response.StatusCode);
        var meaning = code switch
        {
            "transaction_conflict" => " (this transaction id was already used with a different body; use a new id for a new operation)",
            "version_mismatch" => " (the row changed since it was read; read it again and decide)",
            "insufficient_stock" => " (the WES holds less than the operation takes)",
            "unknown_sku" => " (the WES does not know this SKU in this warehouse)",
            _ => string.Empty,
        };
        var detail = problem.Detail is { Length: > 0 } d ? ": " + d : string.Empty;
        throw new WarehouseApiException(
            kind,
            $"{operation}: HTTP {(int)response.StatusCode} {code}{meaning}{detail}",
            (int)response.StatusCode);
    }

    private static async Task<T> ReadJsonAsync<T>(ResilientHttpClient client, string operation, HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(body, type) ?? throw client.Malformed(operation, "the body is JSON null", (int)response.StatusCode);
        }
        catch (JsonException e)
        {
            throw client.Malformed(operation, $"invalid JSON ({e.Message})", (int)response.StatusCode, e);
        }
    }

    private static WesMovement ToMovement(ResilientHttpClient client, string operation, WesMovementAnswer item, int index, string warehouseId)
    {
        var kind = item.Kind switch
        {
            "commit" => WesMovementKind.Commit,
            "restock" => WesMovementKind.Restock,
            "scrap" => WesMovementKind.Scrap,
            "adjust" => WesMovementKind.Adjust,
            _ => throw client.Malformed(operation, $"item {index} has kind '{item.Kind}'; expected commit, restock, scrap or adjust", 200),
        };
        if (string.IsNullOrWhiteSpace(item.TransactionId) || string.IsNullOrWhiteSpace(item.Sku) || item.Quantity is null || item.OccurredAt is null)
        {
            throw client.Malformed(operation, $"item {index} lacks transactionId, sku, quantity or occurredAt", 200);
        }

        if (item.Warehouse is { } w && w != warehouseId)
        {
            throw client.Malformed(operation, $"item {index} belongs to warehouse '{w}', not '{warehouseId}'", 200);
        }

        return new WesMovement(item.TransactionId, warehouseId, item.Sku, kind, item.Quantity.Value, item.OccurredAt.Value);
    }

    private Uri SnapshotUri(string warehouse, string[]? skus, string? cursor, long? sinceVersion)
    {
        var query = new StringBuilder()
            .Append("warehouse=").Append(Uri.EscapeDataString(warehouse))
            .Append("&limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
        if (skus is not null)
        {
            query.Append("&sku=").Append(string.Join(',', skus.Select(Uri.EscapeDataString)));
        }

        if (sinceVersion is { } since)
        {
            query.Append("&sinceVersion=").Append(since.ToString(CultureInfo.InvariantCulture));
        }

        if (cursor is not null)
        {
            query.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
        }

        return EndpointRules.Combine(_base, "v1/stock", query.ToString());
    }

    private ValueTask<HttpRequestMessage> Get(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return ValueTask.FromResult(Authorize(request));
    }

    private HttpRequestMessage Authorize(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        return request;
    }

    private ResilientHttpClient CreateClient() => new(
        _http(),
        _pipeline,
        _budget,
        static (kind, message, status, inner) => new WarehouseApiException(kind, message, status, inner),
        _redactor,
        _options.AttemptTimeout);
}
