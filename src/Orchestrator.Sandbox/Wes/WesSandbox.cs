using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Sandbox.Faults;
using Orchestrator.Sandbox.Limits;

namespace Orchestrator.Sandbox.Wes;

/// <summary>The stock of one SKU in the WES simulator.</summary>
/// <param name="OnHand">On hand.</param>
/// <param name="Reserved">Reserved.</param>
/// <param name="Version">The row version.</param>
/// <param name="Location">The location, if any.</param>
public sealed record WesSandboxRow(int OnHand, int Reserved, long Version, string? Location);

/// <summary>A WES change started with <see cref="WesSandbox.BeginAdjust"/>: it holds its version and is not visible until committed.</summary>
public sealed class WesSandboxPendingChange
{
    private readonly Action _commit;

    internal WesSandboxPendingChange(long version, Action commit)
    {
        Version = version;
        _commit = commit;
    }

    /// <summary>Gets the version the change took when it started.</summary>
    public long Version { get; }

    /// <summary>Applies the change with its version (lower than changes that started after it and committed before).</summary>
    public void Commit() => _commit();
}

/// <summary>
/// Simulates a WES speaking the generic contract (<c>docs/wes-contract.md</c>): holds stock per warehouse, SKU and location,
/// versions every row from one counter, applies commits, restocks, scraps and set-stock at most once per transaction id
/// (a replay answers 200 with <c>replayed:true</c>, the same id with another body 409 <c>transaction_conflict</c>), pages the
/// snapshot by keyset cursor and the movements feed by offset, checks the bearer key, enforces a rate limit and plays a
/// <see cref="FaultScript"/>.
/// </summary>
/// <remarks>Thread-safe. Time (versions' <c>updatedAt</c>, movements, rate limit) comes from the sandbox's <see cref="TimeProvider"/>.</remarks>
public sealed class WesSandbox
{
    private const string MalformedBody = "{\"items\":[{\"sku\":\"SKU-1\",\"onHand\":";
    private readonly WesSandboxOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Warehouse> _warehouses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Request, JsonObject Answer)> _transactions = new(StringComparer.Ordinal);
    private readonly List<Movement> _movements = [];
    private readonly SortedSet<long> _inFlight = [];
    private long _version;
    private int _requests;
    private int _applied;
    private int _pagesServed;

    internal WesSandbox(WesSandboxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        RateLimit = new SandboxTokenBucket(options.RequestsPerSecond, options.Burst, time);
    }

    /// <summary>Gets the base address to configure the WES client with, for example <c>http://127.0.0.1:51234/wes/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the accepted API key.</summary>
    public string ApiKey => _options.ApiKey;

    /// <summary>Gets the fault script.</summary>
    public FaultScript Faults { get; } = new();

    /// <summary>Gets the rate limit.</summary>
    public SandboxTokenBucket RateLimit { get; }

    /// <summary>Gets how many requests arrived (faulted, refused and served).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets how many writes changed stock; replays and refused writes are not counted.</summary>
    public int Applied => Volatile.Read(ref _applied);

    /// <summary>Gets a signal released each time a request arrives, to step a test clock once a request is on the wire.</summary>
    public SemaphoreSlim RequestArrived { get; } = new(0);

    /// <summary>Gets or sets a callback run after each snapshot page is built, with the number of pages built so far.</summary>
    public Action<int>? AfterSnapshotPage { get; set; }

    /// <summary>Adds or replaces rows of a warehouse, each with a new version.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="rows">SKU, on hand, reserved and location of each row.</param>
    public void Seed(string warehouse, IEnumerable<(string Sku, int OnHand, int Reserved, string? Location)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        lock (_lock)
        {
            var wh = GetWarehouse(warehouse);
            var now = _time.GetUtcNow();
            foreach (var (sku, onHand, reserved, location) in rows)
            {
                wh.Rows[sku] = new Row { OnHand = onHand, Reserved = reserved, Location = location, Version = ++_version, UpdatedAt = now };
            }

            wh.Sorted = [.. wh.Rows.Keys.Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Reads a row.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sku">The SKU.</param>
    /// <returns>The row, or <see langword="null"/> when the SKU is not stocked there.</returns>
    public WesSandboxRow? Get(string warehouse, string sku)
    {
        lock (_lock)
        {
            return _warehouses.TryGetValue(warehouse, out var wh) && wh.Rows.TryGetValue(sku, out var row)
                ? new WesSandboxRow(row.OnHand, row.Reserved, row.Version, row.Location)
                : null;
        }
    }

    /// <summary>Changes on hand as an operator at the shelf would: a new version and an <c>adjust</c> movement, no API call.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sku">The SKU, already stocked.</param>
    /// <param name="onHand">The new on hand.</param>
    public void Adjust(string warehouse, string sku, int onHand)
    {
        lock (_lock)
        {
            var row = GetWarehouse(warehouse).Rows[sku];
            var delta = onHand - row.OnHand;
            row.OnHand = onHand;
            row.Version = ++_version;
            row.UpdatedAt = _time.GetUtcNow();
            _movements.Add(new Movement("wes-op-" + _version.ToString(CultureInfo.InvariantCulture), warehouse, sku, "adjust", delta, row.UpdatedAt));
        }
    }

    /// <summary>
    /// Starts an operator's change that takes its version now and becomes visible only when committed, as a WES on a database
    /// sequence does when a transaction commits after a later one. While it is open, snapshot answers announce a
    /// <c>highestVersion</c> below its version (the contract's rule: every change at or below the announced counter is visible).
    /// </summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="sku">The SKU, already stocked.</param>
    /// <param name="onHand">The new on hand, applied on commit.</param>
    /// <returns>The open change; call <see cref="WesSandboxPendingChange.Commit"/> to apply it.</returns>
    public WesSandboxPendingChange BeginAdjust(string warehouse, string sku, int onHand)
    {
        lock (_lock)
        {
            _ = GetWarehouse(warehouse).Rows[sku];
            var version = ++_version;
            _inFlight.Add(version);
            return new WesSandboxPendingChange(version, () => CommitPending(warehouse, sku, onHand, version));
        }
    }

    private void CommitPending(string warehouse, string sku, int onHand, long version)
    {
        lock (_lock)
        {
            if (!_inFlight.Remove(version))
            {
                throw new InvalidOperationException($"The change with version {version} was committed already.");
            }

            var row = GetWarehouse(warehouse).Rows[sku];
            var delta = onHand - row.OnHand;
            row.OnHand = onHand;
            row.Version = Math.Max(row.Version, version);
            row.UpdatedAt = _time.GetUtcNow();
            _movements.Add(new Movement("wes-op-" + version.ToString(CultureInfo.InvariantCulture), warehouse, sku, "adjust", delta, row.UpdatedAt));
        }
    }

    /// <summary>The counter a snapshot answer announces: the highest version below every change still in flight.</summary>
    private long Announced() => _inFlight.Count > 0 ? _inFlight.Min - 1 : _version;

    internal void SetBaseAddress(Uri address) => BaseAddress = address;

    internal void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/wes");
        group.AddEndpointFilter(async (ctx, next) =>
        {
            Interlocked.Increment(ref _requests);
            RequestArrived.Release();
            return await next(ctx).ConfigureAwait(false);
        });
        group.AddEndpointFilter((ctx, next) => FaultFilter.InvokeAsync(ctx, next, Faults, (status, message, retryAfter) => new Problem(status, status == 429 ? "rate_limited" : "simulated_failure", message, retryAfter), MalformedBody));
        group.AddEndpointFilter(async (ctx, next) => (object?)CheckRateLimit() ?? (object?)CheckKey(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));
        group.MapGet("/v1/stock", ReadStock);
        group.MapGet("/v1/stock/movements", ReadMovements);
        group.MapPost("/v1/stock/commits", (Func<HttpContext, Task<IResult>>)(c => WriteAsync(c, "commit", null, null)));
        group.MapPost("/v1/stock/restocks", (Func<HttpContext, Task<IResult>>)(c => WriteAsync(c, "restock", null, null)));
        group.MapPost("/v1/stock/scraps", (Func<HttpContext, Task<IResult>>)(c => WriteAsync(c, "scrap", null, null)));
        group.MapPut("/v1/stock/{warehouse}/{sku}", (HttpContext c, string warehouse, string sku) => WriteAsync(c, "set", warehouse, sku));
    }

    private Problem? CheckRateLimit() =>
        RateLimit.TryTake(out _) ? null : new Problem(StatusCodes.Status429TooManyRequests, "rate_limited", "slow down", _options.RetryAfter);

    private Problem? CheckKey(HttpContext context) =>
        context.Request.Headers.Authorization.ToString() == "Bearer " + _options.ApiKey
            ? null
            : new Problem(StatusCodes.Status401Unauthorized, "unauthorized", "missing or wrong API key", null);

    private IResult ReadStock(HttpContext context)
    {
        var q = context.Request.Query;
        var warehouse = q["warehouse"].ToString();
        if (warehouse.Length == 0)
        {
            return new Problem(400, "invalid_body", "warehouse is required", null);
        }

        var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        long? since = long.TryParse(q["sinceVersion"], CultureInfo.InvariantCulture, out var s) ? s : null;
        var after = q["cursor"].ToString() is { Length: > 0 } c ? Encoding.UTF8.GetString(Convert.FromBase64String(c)) : null;
        var filter = q["sku"].ToString() is { Length: > 0 } f ? f.Split(',').Order(StringComparer.Ordinal).ToArray() : null;

        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            lock (_lock)
            {
                var wh = GetWarehouse(warehouse);
                var keys = filter ?? wh.Sorted;
                var k = 0;
                if (after is not null)
                {
                    var found = Array.BinarySearch(keys, after, StringComparer.Ordinal);
                    k = found >= 0 ? found + 1 : ~found;
                }

                json.WriteStartObject();
                json.WriteStartArray("items");
                var written = 0;
                string? last = null;
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
                if (last is not null && k < keys.Length)
                {
                    json.WriteString("nextCursor", Convert.ToBase64String(Encoding.UTF8.GetBytes(last)));
                }
                else
                {
                    json.WriteNull("nextCursor");
                }

                json.WriteNumber("highestVersion", Announced());
                json.WriteEndObject();
            }
        }

        AfterSnapshotPage?.Invoke(Interlocked.Increment(ref _pagesServed));
        return Results.Bytes(buffer.ToArray(), "application/json");
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

    private IResult ReadMovements(HttpContext context)
    {
        var q = context.Request.Query;
        var warehouse = q["warehouse"].ToString();
        if (!DateTimeOffset.TryParse(q["from"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from)
            || !DateTimeOffset.TryParse(q["to"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var to))
        {
            return new Problem(400, "invalid_body", "from and to are required RFC 3339 times", null);
        }

        var limit = int.TryParse(q["limit"], CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 1000) : 100;
        var offset = int.TryParse(q["cursor"], CultureInfo.InvariantCulture, out var o) ? o : 0;
        List<Movement> matching;
        lock (_lock)
        {
            matching = _movements.Where(m => m.Warehouse == warehouse && m.OccurredAt >= from && m.OccurredAt < to).ToList();
        }

        var items = new JsonArray();
        foreach (var m in matching.Skip(offset).Take(limit))
        {
            items.Add(new JsonObject
            {
                ["transactionId"] = m.TransactionId,
                ["warehouse"] = m.Warehouse,
                ["sku"] = m.Sku,
                ["kind"] = m.Kind,
                ["quantity"] = m.Quantity,
                ["occurredAt"] = m.OccurredAt,
            });
        }

        var next = offset + limit < matching.Count ? (offset + limit).ToString(CultureInfo.InvariantCulture) : null;
        return Results.Text(new JsonObject { ["items"] = items, ["nextCursor"] = next }.ToJsonString(), "application/json");
    }

    private async Task<IResult> WriteAsync(HttpContext context, string kind, string? routeWarehouse, string? routeSku)
    {
        JsonObject? body;
        try
        {
            using var reader = new StreamReader(context.Request.Body);
            body = JsonNode.Parse(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false)) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body?["transactionId"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var transactionId) || transactionId.Length == 0)
        {
            return new Problem(400, "invalid_body", "the body is not JSON or has no transactionId", null);
        }

        var canonical = $"{kind} {routeWarehouse}/{routeSku} {body.ToJsonString()}";
        lock (_lock)
        {
            if (_transactions.TryGetValue(transactionId, out var seen))
            {
                if (seen.Request != canonical)
                {
                    return new Problem(409, "transaction_conflict", $"transaction '{transactionId}' was already used with a different body", null);
                }

                var replay = (JsonObject)seen.Answer.DeepClone();
                replay["replayed"] = true;
                return Results.Text(replay.ToJsonString(), "application/json");
            }

            try
            {
                var result = Apply(kind, transactionId, body, routeWarehouse, routeSku, out var answer);
                if (answer is not null)
                {
                    _transactions[transactionId] = (canonical, answer);
                    _applied++;
                }

                return result;
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
            {
                return new Problem(400, "invalid_body", "the body breaks the schema: " + e.Message, null);
            }
        }
    }

    private IResult Apply(string kind, string transactionId, JsonObject body, string? routeWarehouse, string? routeSku, out JsonObject? answer)
    {
        answer = null;
        var now = _time.GetUtcNow();
        var versions = new JsonArray();
        if (kind == "set")
        {
            var wh = GetWarehouse(routeWarehouse!);
            var onHand = body["onHand"]!.GetValue<int>();
            var expected = body["expectedVersion"]?.GetValue<long>();
            wh.Rows.TryGetValue(routeSku!, out var row);
            if (expected is not null && (row?.Version ?? 0) != expected)
            {
                return new Problem(412, "version_mismatch", $"the row is at version {row?.Version ?? 0}, not {expected}", null);
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
                _movements.Add(new Movement(transactionId, routeWarehouse!, routeSku!, "adjust", delta, now));
            }
        }
        else
        {
            var warehouse = body["warehouse"]!.GetValue<string>();
            var wh = GetWarehouse(warehouse);
            var lines = body["lines"]!.AsArray().Select(n => (Sku: n!["sku"]!.GetValue<string>(), Quantity: n["quantity"]!.GetValue<int>())).ToList();

            // All or nothing: every line is checked before any changes, and a refused write does not consume its id.
            foreach (var (sku, quantity) in lines)
            {
                if (quantity <= 0)
                {
                    return new Problem(400, "invalid_body", $"line {sku}: quantity must be more than 0", null);
                }

                if (kind != "restock" && !wh.Rows.ContainsKey(sku))
                {
                    return new Problem(422, "unknown_sku", $"SKU '{sku}' is not stocked in '{warehouse}'", null);
                }

                if (kind != "restock" && wh.Rows[sku].OnHand < quantity)
                {
                    return new Problem(422, "insufficient_stock", $"SKU '{sku}' has {wh.Rows[sku].OnHand} on hand; the {kind} takes {quantity}", null);
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
                    default:
                        row.OnHand -= quantity;
                        break;
                }

                row.Version = ++_version;
                row.UpdatedAt = now;
                versions.Add(new JsonObject { ["sku"] = sku, ["version"] = row.Version });
                _movements.Add(new Movement(transactionId, warehouse, sku, kind, quantity, now));
            }
        }

        answer = new JsonObject { ["transactionId"] = transactionId, ["replayed"] = false, ["versions"] = versions };
        return Results.Text(answer.ToJsonString(), "application/json");
    }

    private Warehouse GetWarehouse(string id)
    {
        if (!_warehouses.TryGetValue(id, out var wh))
        {
            _warehouses[id] = wh = new Warehouse();
        }

        return wh;
    }

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

    private sealed record Movement(string TransactionId, string Warehouse, string Sku, string Kind, int Quantity, DateTimeOffset OccurredAt);

    /// <summary>An RFC 9457 problem with the contract's stable <c>code</c>.</summary>
    private sealed class Problem(int status, string code, string detail, TimeSpan? retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (retryAfter is { } wait)
            {
                httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return httpContext.Response.WriteAsJsonAsync(
                new { type = "https://orchestrator.dev/wes/errors/" + code, title = code, status, code, detail },
                (JsonSerializerOptions?)null,
                "application/problem+json");
        }
    }
}
