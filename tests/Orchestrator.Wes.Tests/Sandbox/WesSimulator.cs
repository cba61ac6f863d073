using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Sandbox.Wes;

/// <summary>Names the faults the WES simulator can play.</summary>
public enum WesFaultKind
{
    /// <summary>Answers with <see cref="WesFault.Status"/> and a problem body.</summary>
    Status,

    /// <summary>Waits <see cref="WesFault.Delay"/> on the simulator's clock, then answers normally.</summary>
    Latency,

    /// <summary>Never answers; the client must time out.</summary>
    Hang,

    /// <summary>Applies the write, then drops the connection before the answer leaves.</summary>
    DropResponseAfterApply,

    /// <summary>Answers 200 with <see cref="WesFault.Body"/> verbatim.</summary>
    MalformedBody,

    /// <summary>Answers 429 with <c>Retry-After: </c><see cref="WesFault.Delay"/>.</summary>
    RateLimited,
}

/// <summary>A scripted fault, played once by the next request whose path starts with <see cref="PathPrefix"/>.</summary>
public sealed record WesFault(WesFaultKind Kind, int Status = 503, TimeSpan Delay = default, string? Body = null, string PathPrefix = "/v1/");

/// <summary>
/// A loopback simulator of the generic WES contract (<c>docs/wes-contract.md</c>): holds stock per warehouse, SKU and location,
/// versions every row, applies commits, restocks, scraps and set-stock once per transaction id (a replay answers 200 with
/// <c>replayed:true</c>, the same id with another body 409 <c>transaction_conflict</c>), pages snapshots and movements by
/// cursor, checks the bearer key, and plays scripted faults.
/// </summary>
public sealed class WesSimulator(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Warehouse> _warehouses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Request, JsonObject Answer)> _transactions = new(StringComparer.Ordinal);
    private readonly List<MovementRow> _movements = [];
    private readonly ConcurrentQueue<WesFault> _faults = new();
    private long _version;
    private int _requests;
    private int _applied;
    private int _pagesServed;

    public string ApiKey { get; init; } = "sandbox-wes-key-0001";

    /// <summary>Gets how many requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets how many writes changed stock (replays excluded).</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>Gets a signal released each time a request arrives.</summary>
    public SemaphoreSlim RequestArrived { get; } = new(0);

    /// <summary>Gets or sets a callback run after each snapshot page is served, with the number of pages served so far.</summary>
    public Action<int>? AfterSnapshotPage { get; set; }

    public void Fault(WesFault fault) => _faults.Enqueue(fault);

    /// <summary>Changes on hand the way an operator at the shelf would: a new version and an <c>adjust</c> movement, no API call.</summary>
    public void Adjust(string warehouse, string sku, int onHand)
    {
        lock (_lock)
        {
            var row = GetWarehouse(warehouse).Rows[sku];
            var delta = onHand - row.OnHand;
            row.OnHand = onHand;
            row.Version = ++_version;
            row.UpdatedAt = time.GetUtcNow();
            _movements.Add(new MovementRow("wes-op-" + _version.ToString(CultureInfo.InvariantCulture), warehouse, sku, "adjust", delta, row.UpdatedAt));
        }
    }

    /// <summary>Adds rows (quantities per SKU, one location each), sorted by SKU for cursor paging.</summary>
    public void Seed(string warehouse, IEnumerable<(string Sku, int OnHand, int Reserved, string? Location)> rows)
    {
        lock (_lock)
        {
            var wh = GetWarehouse(warehouse);
            foreach (var (sku, onHand, reserved, location) in rows)
            {
                wh.Rows[sku] = new Row { OnHand = onHand, Reserved = reserved, Location = location, Version = ++_version, UpdatedAt = time.GetUtcNow() };
            }

            wh.Sorted = [.. wh.Rows.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public (int OnHand, int Reserved, long Version)? Get(string warehouse, string sku)
    {
        lock (_lock)
        {
            return _warehouses.TryGetValue(warehouse, out var wh) && wh.Rows.TryGetValue(sku, out var row) ? (row.OnHand, row.Reserved, row.Version) : null;
        }
    }

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/stock", (Delegate)SnapshotAsync);
        endpoints.MapGet("/v1/stock/movements", (Delegate)MovementsAsync);
        endpoints.MapPost("/v1/stock/commits", (HttpContext c) => WriteAsync(c, "commit"));
        endpoints.MapPost("/v1/stock/restocks", (HttpContext c) => WriteAsync(c, "restock"));
        endpoints.MapPost("/v1/stock/scraps", (HttpContext c) => WriteAsync(c, "scrap"));
        endpoints.MapPut("/v1/stock/{warehouse}/{sku}", (HttpContext c, string warehouse, string sku) => WriteAsync(c, "set", warehouse, sku));
    }

    private async Task<IResult?> EnterAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        RequestArrived.Release();
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            return Problem(401, "unauthorized", "missing or wrong API key");
        }

        if (!TryTakeFault(context.Request.Path, out var fault))
        {
            return null;
        }

        switch (fault.Kind)
        {
            case WesFaultKind.Status:
                return Problem(fault.Status, "simulated_failure", "scripted fault");
            case WesFaultKind.Latency:
                await Task.Delay(fault.Delay, time, context.RequestAborted);
                return null;
            case WesFaultKind.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.Empty;
            case WesFaultKind.MalformedBody:
                return Results.Text(fault.Body ?? "{", "application/json", statusCode: 200);
            case WesFaultKind.RateLimited:
                context.Response.Headers.RetryAfter = ((int)fault.Delay.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return Problem(429, "rate_limited", "slow down");
            case WesFaultKind.DropResponseAfterApply:
                context.Items["drop"] = true;
                return null;
            default:
                return null;
        }
    }

    private bool TryTakeFault(PathString path, out WesFault fault)
    {
        lock (_lock)
        {
            if (_faults.TryPeek(out var next) && path.StartsWithSegments(next.PathPrefix.TrimEnd('/'), StringComparison.Ordinal))
            {
                return _faults.TryDequeue(out fault!);
            }
        }

        fault = null!;
        return false;
    }

    private async Task SnapshotAsync(HttpContext context)
    {
        if (await EnterAsync(context) is { } early)
        {
            await early.ExecuteAsync(context);
            return;
        }

        var q = context.Request.Query;
        var warehouse = q["warehouse"].ToString();
        var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        long? since = long.TryParse(q["sinceVersion"], CultureInfo.InvariantCulture, out var s) ? s : null;
        var after = q["cursor"].ToString() is { Length: > 0 } c ? Encoding.UTF8.GetString(Convert.FromBase64String(c)) : null;
        var skuFilter = q["sku"].ToString() is { Length: > 0 } f ? f.Split(',').Order(StringComparer.Ordinal).ToArray() : null;

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            lock (_lock)
            {
                var wh = GetWarehouse(warehouse);
                var keys = skuFilter ?? wh.Sorted;
                var start = 0;
                if (after is not null)
                {
                    var found = Array.BinarySearch(keys, after, StringComparer.Ordinal);
                    start = found >= 0 ? found + 1 : ~found;
                }

                json.WriteStartObject();
                json.WriteStartArray("items");
                var written = 0;
                string? last = null;
                var k = start;
                for (; k < keys.Length && written < limit; k++)
                {
                    if (!wh.Rows.TryGetValue(keys[k], out var row) || (since is not null && row.Version <= since))
                    {
                        continue;
                    }

                    WriteRow(json, warehouse, keys[k], row);
                    written++;
                    last = keys[k];
                }

                json.WriteEndArray();
                var more = last is not null && k < keys.Length;
                if (more)
                {
                    json.WriteString("nextCursor", Convert.ToBase64String(Encoding.UTF8.GetBytes(last!)));
                }
                else
                {
                    json.WriteNull("nextCursor");
                }

                json.WriteNumber("highestVersion", _version);
                json.WriteEndObject();
            }
        }

        context.Response.ContentType = "application/json";
        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body);
        AfterSnapshotPage?.Invoke(Interlocked.Increment(ref _pagesServed));
    }

    private static void WriteRow(Utf8JsonWriter json, string warehouse, string sku, Row row)
    {
        json.WriteStartObject();
        json.WriteString("warehouse", warehouse);
        json.WriteString("sku", sku);
        json.WriteNumber("onHand", row.OnHand);
        json.WriteNumber("reserved", row.Reserved);
        json.WriteNumber("available", Math.Max(0, row.OnHand - row.Reserved));
        json.WriteNumber("version", row.Version);
        json.WriteString("updatedAt", row.UpdatedAt);
        json.WriteStartArray("locations");
        if (row.Location is not null)
        {
            json.WriteStartObject();
            json.WriteString("location", row.Location);
            json.WriteNumber("onHand", row.OnHand);
            json.WriteNumber("reserved", row.Reserved);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private async Task MovementsAsync(HttpContext context)
    {
        if (await EnterAsync(context) is { } early)
        {
            await early.ExecuteAsync(context);
            return;
        }

        var q = context.Request.Query;
        var warehouse = q["warehouse"].ToString();
        var from = DateTimeOffset.Parse(q["from"]!, CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(q["to"]!, CultureInfo.InvariantCulture);
        var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        var offset = q["cursor"].ToString() is { Length: > 0 } c ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
        List<MovementRow> matching;
        lock (_lock)
        {
            matching = _movements.Where(m => m.Warehouse == warehouse && m.OccurredAt >= from && m.OccurredAt < to).ToList();
        }

        var page = matching.Skip(offset).Take(limit).Select(m => new
        {
            transactionId = m.TransactionId,
            warehouse = m.Warehouse,
            sku = m.Sku,
            kind = m.Kind,
            quantity = m.Quantity,
            occurredAt = m.OccurredAt,
        });
        var next = offset + limit < matching.Count ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null;
        await Results.Json(new { items = page, nextCursor = next }).ExecuteAsync(context);
    }

    private async Task WriteAsync(HttpContext context, string kind, string? routeWarehouse = null, string? routeSku = null)
    {
        if (await EnterAsync(context) is { } early)
        {
            await early.ExecuteAsync(context);
            return;
        }

        JsonObject body;
        try
        {
            body = (JsonNode.Parse(await new StreamReader(context.Request.Body).ReadToEndAsync()) as JsonObject)!;
        }
        catch (JsonException)
        {
            await Problem(400, "invalid_body", "the body is not JSON").ExecuteAsync(context);
            return;
        }

        var transactionId = body["transactionId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(transactionId))
        {
            await Problem(400, "invalid_body", "transactionId is required").ExecuteAsync(context);
            return;
        }

        var canonical = $"{kind} {routeWarehouse}/{routeSku} {body.ToJsonString()}";
        IResult result;
        lock (_lock)
        {
            if (_transactions.TryGetValue(transactionId, out var seen))
            {
                result = seen.Request == canonical
                    ? Results.Json(WithReplayed(seen.Answer))
                    : Problem(409, "transaction_conflict", $"transaction '{transactionId}' was already used with a different body");
            }
            else
            {
                result = Apply(kind, transactionId, body, routeWarehouse, routeSku, out var answer);
                if (answer is not null)
                {
                    _transactions[transactionId] = (canonical, answer);
                    _applied++;
                }
            }
        }

        if (context.Items.ContainsKey("drop"))
        {
            // The write is applied; the answer never leaves.
            context.Abort();
            return;
        }

        await result.ExecuteAsync(context);
    }

    private static JsonObject WithReplayed(JsonObject answer)
    {
        var copy = (JsonObject)answer.DeepClone();
        copy["replayed"] = true;
        return copy;
    }

    private IResult Apply(string kind, string transactionId, JsonObject body, string? routeWarehouse, string? routeSku, out JsonObject? answer)
    {
        answer = null;
        var now = time.GetUtcNow();
        var versions = new JsonArray();
        if (kind == "set")
        {
            var wh = GetWarehouse(routeWarehouse!);
            var onHand = body["onHand"]!.GetValue<int>();
            var expected = body["expectedVersion"]?.GetValue<long>();
            wh.Rows.TryGetValue(routeSku!, out var row);
            if (expected is not null && (row?.Version ?? 0) != expected)
            {
                return Problem(412, "version_mismatch", $"row is at version {row?.Version ?? 0}, not {expected}");
            }

            if (row is null)
            {
                row = new Row();
                wh.Rows[routeSku!] = row;
                wh.Sorted = [.. wh.Rows.Keys.Order(StringComparer.Ordinal)];
            }

            var delta = onHand - row.OnHand;
            row.OnHand = onHand;
            row.Version = ++_version;
            row.UpdatedAt = now;
            versions.Add(new JsonObject { ["sku"] = routeSku, ["version"] = row.Version });
            if (delta != 0)
            {
                _movements.Add(new MovementRow(transactionId, routeWarehouse!, routeSku!, "adjust", delta, now));
            }
        }
        else
        {
            var warehouse = body["warehouse"]!.GetValue<string>();
            var wh = GetWarehouse(warehouse);
            var lines = body["lines"]!.AsArray().Select(n => (Sku: n!["sku"]!.GetValue<string>(), Quantity: n["quantity"]!.GetValue<int>())).ToList();

            // All or nothing: check every line before changing any.
            foreach (var (sku, quantity) in lines)
            {
                var exists = wh.Rows.TryGetValue(sku, out var row);
                if (kind != "restock" && !exists)
                {
                    return Problem(422, "unknown_sku", $"SKU '{sku}' is not stocked in '{warehouse}'");
                }

                if (kind != "restock" && row!.OnHand < quantity)
                {
                    return Problem(422, "insufficient_stock", $"SKU '{sku}' has {row.OnHand} on hand, the {kind} takes {quantity}");
                }
            }

            foreach (var (sku, quantity) in lines)
            {
                if (!wh.Rows.TryGetValue(sku, out var row))
                {
                    row = new Row();
                    wh.Rows[sku] = row;
                    wh.Sorted = [.. wh.Rows.Keys.Order(StringComparer.Ordinal)];
                }

                switch (kind)
                {
                    case "commit":
                        row.OnHand -= quantity;
                        row.Reserved -= Math.Min(quantity, row.Reserved);
                        break;
                    case "restock":
                        row.OnHand += quantity;
                        break;
                    case "scrap":
                        row.OnHand -= quantity;
                        break;
                }

                row.Version = ++_version;
                row.UpdatedAt = now;
                versions.Add(new JsonObject { ["sku"] = sku, ["version"] = row.Version });
                _movements.Add(new MovementRow(transactionId, warehouse, sku, kind, quantity, now));
            }
        }

        answer = new JsonObject { ["transactionId"] = transactionId, ["replayed"] = false, ["versions"] = versions };
        return Results.Json(answer);
    }

    private Warehouse GetWarehouse(string id)
    {
        if (!_warehouses.TryGetValue(id, out var wh))
        {
            _warehouses[id] = wh = new Warehouse();
        }

        return wh;
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Json(new { type = "https://orchestrator.dev/wes/errors/" + code, title = code, status, code, detail }, statusCode: status, contentType: "application/problem+json");

    private sealed class Warehouse
    {
        public Dictionary<string, Row> Rows { get; } = new(StringComparer.Ordinal);

        public string[] Sorted { get; set; } = [];
    }

    private sealed class Row
    {
        public int OnHand { get; set; }

        public int Reserved { get; set; }

        public string? Location { get; set; }

        public long Version { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }
    }

    private sealed record MovementRow(string TransactionId, string Warehouse, string Sku, string Kind, int Quantity, DateTimeOffset OccurredAt);
}
