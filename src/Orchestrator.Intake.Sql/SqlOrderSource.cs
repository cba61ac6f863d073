using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Orchestrator.Intake.Sql;

/// <summary>
/// Polls an order-source database (seed 000: the Order Source System Database) over ADO.NET: new orders by status in a
/// changed-at window, keyset paged by (changed-at, order id), with their lines; marking sets the received status.
/// </summary>
/// <remarks>
/// <para>Works with any provider's <see cref="DbDataSource"/> that understands <c>@name</c> parameters and <c>LIMIT</c>
/// (tested on PostgreSQL with Npgsql and on SQLite with Microsoft.Data.Sqlite).</para>
/// <para>The order id is compared as text (<c>CAST(id AS VARCHAR(200))</c>) so that the cursor works for text and numeric ids alike;
/// the changed-at filter still uses the index on the changed-at column, which the source should have.</para>
/// <para>Marking is idempotent: an order already in the received status counts as marked. An order whose status moved elsewhere
/// (cancelled at the source) is reported as not marked, with its status.</para>
/// </remarks>
public sealed class SqlOrderSource : IOrderSource
{
    private const int MaxIdsPerStatement = 500;
    private readonly DbDataSource _dataSource;
    private readonly SqlOrderSourceOptions _options;
    private readonly string _orders;
    private readonly string _id;
    private readonly string _idText;
    private readonly string _created;
    private readonly string _changed;
    private readonly string _status;
    private readonly string? _warehouse;
    private readonly string _lines;

    /// <summary>Initializes a new instance of the <see cref="SqlOrderSource"/> class.</summary>
    /// <param name="dataSource">The order-source database.</param>
    /// <param name="options">The table and column mapping.</param>
    /// <exception cref="ValidationException">The mapping is invalid (an identifier that is not plain, no new status, …).</exception>
    public SqlOrderSource(DbDataSource dataSource, SqlOrderSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _dataSource = dataSource;
        _options = options;
        _orders = Quote(options.OrdersTable);
        _id = Quote(options.OrderIdColumn);
        _idText = $"CAST({_id} AS VARCHAR(200))";
        _created = Quote(options.CreatedAtColumn);
        _changed = Quote(options.ChangedAtColumn);
        _status = Quote(options.StatusColumn);
        _warehouse = options.WarehouseColumn is null ? null : Quote(options.WarehouseColumn);
        _lines = $"SELECT CAST({Quote(options.LineOrderIdColumn)} AS VARCHAR(200)), {Quote(options.LineSkuColumn)}, {Quote(options.LineQuantityColumn)} FROM {Quote(options.LinesTable)} WHERE CAST({Quote(options.LineOrderIdColumn)} AS VARCHAR(200)) IN ";
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public async Task<OrderPage> FetchAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Partition.WarehouseId is not null && _warehouse is null)
        {
            throw new InvalidOperationException($"Order source '{Name}' has no warehouse column, so partition '{query.Partition.Key}' cannot filter by warehouse.");
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandTimeout = (int)_options.CommandTimeout.TotalSeconds;
                var sql = new StringBuilder()
                    .Append(CultureInfo.InvariantCulture, $"SELECT {_idText}, {_created}, {_changed}, {_status}, {_warehouse ?? "NULL"} FROM {_orders} ")
                    .Append(CultureInfo.InvariantCulture, $"WHERE {_changed} >= @from AND {_changed} < @to AND {_status} IN (")
                    .Append(AddList(command, "s", _options.NewStatuses)).Append(')');
                Add(command, "@from", Time(query.From));
                Add(command, "@to", Time(query.To));
                if (query.Partition.WarehouseId is { } warehouse)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" AND {_warehouse} = @warehouse");
                    Add(command, "@warehouse", warehouse);
                }

                if (query.Cursor is { } cursor)
                {
                    var (changedAt, orderId) = ParseCursor(cursor);
                    sql.Append(CultureInfo.InvariantCulture, $" AND ({_changed} > @cursor_at OR ({_changed} = @cursor_at AND {_idText} > @cursor_id))");
                    Add(command, "@cursor_at", Time(changedAt));
                    Add(command, "@cursor_id", orderId);
                }

                sql.Append(CultureInfo.InvariantCulture, $" ORDER BY {_changed}, {_idText} LIMIT @limit");
                Add(command, "@limit", query.PageSize + 1);
#pragma warning disable CA2100 // table and column names come from SqlOrderSourceOptions, validated as plain identifiers in the constructor and quoted; parameter names are generated; every value is a parameter
                command.CommandText = sql.ToString();
#pragma warning restore CA2100

                var heads = new List<(string Id, DateTimeOffset Created, DateTimeOffset Changed, string Status, string? Warehouse)>(query.PageSize);
                var more = false;
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // The extra row only says that another page follows; it is not parsed, so a bad row cannot fail the page before it.
                        if (heads.Count == query.PageSize)
                        {
                            more = true;
                            break;
                        }

                        // A row without an id is passed on with an empty id: the pipeline rejects it with a log line and goes on.
                        var id = reader.IsDBNull(0) ? string.Empty : reader.GetString(0);
                        heads.Add((
                            id,
                            ReadTime(reader, 1, id, _options.CreatedAtColumn),
                            ReadTime(reader, 2, id, _options.ChangedAtColumn),
                            Convert.ToString(reader.GetValue(3), CultureInfo.InvariantCulture) ?? string.Empty,
                            reader.IsDBNull(4) ? null : Convert.ToString(reader.GetValue(4), CultureInfo.InvariantCulture)));
                    }
                }

                var lines = await ReadLinesAsync(connection, heads.Select(h => h.Id).ToList(), cancellationToken).ConfigureAwait(false);
                var orders = heads.Select(h => new SourceOrder(Name, h.Id, h.Created, h.Changed, h.Status, h.Warehouse, lines.GetValueOrDefault(h.Id) ?? [])).ToList();
                var next = more ? FormatCursor(heads[^1].Changed, heads[^1].Id) : null;
                return new OrderPage(orders, next);
            }
        }
    }

    /// <inheritdoc />
    public async Task<MarkReceivedResult> MarkReceivedAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        var marked = new List<string>(orderIds.Count);
        var failed = new List<MarkFailure>();
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            foreach (var chunk in orderIds.Distinct(StringComparer.Ordinal).Chunk(MaxIdsPerStatement))
            {
                var update = connection.CreateCommand();
                await using (update.ConfigureAwait(false))
                {
                    update.CommandTimeout = (int)_options.CommandTimeout.TotalSeconds;
                    var ids = AddList(update, "i", chunk);
                    var statuses = AddList(update, "s", _options.NewStatuses);
                    Add(update, "@received", _options.ReceivedStatus);
#pragma warning disable CA2100 // table and column names come from SqlOrderSourceOptions, validated as plain identifiers in the constructor and quoted; parameter names are generated; every value is a parameter
                    update.CommandText = $"UPDATE {_orders} SET {_status} = @received WHERE {_idText} IN ({ids}) AND {_status} IN ({statuses})";
#pragma warning restore CA2100
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Read back: an order already received counts as marked; one whose status moved elsewhere does not.
                var check = connection.CreateCommand();
                await using (check.ConfigureAwait(false))
                {
                    var ids = AddList(check, "i", chunk);
#pragma warning disable CA2100 // table and column names come from SqlOrderSourceOptions, validated as plain identifiers in the constructor and quoted; parameter names are generated; every value is a parameter
                    check.CommandText = $"SELECT {_idText}, {_status} FROM {_orders} WHERE {_idText} IN ({ids})";
#pragma warning restore CA2100
                    var found = new Dictionary<string, string>(StringComparer.Ordinal);
                    var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            found[reader.GetString(0)] = Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture) ?? string.Empty;
                        }
                    }

                    foreach (var id in chunk)
                    {
                        if (!found.TryGetValue(id, out var status))
                        {
                            failed.Add(new MarkFailure(id, "the order is not in the source", IsTransient: false));
                        }
                        else if (string.Equals(status, _options.ReceivedStatus, StringComparison.Ordinal))
                        {
                            marked.Add(id);
                        }
                        else
                        {
                            failed.Add(new MarkFailure(id, $"the order's status at the source is '{status}'", IsTransient: false));
                        }
                    }
                }
            }
        }

        return new MarkReceivedResult(marked, failed);
    }

    private async Task<Dictionary<string, List<OrderLine>>> ReadLinesAsync(DbConnection connection, List<string> orderIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, List<OrderLine>>(StringComparer.Ordinal);
        foreach (var chunk in orderIds.Chunk(MaxIdsPerStatement))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandTimeout = (int)_options.CommandTimeout.TotalSeconds;
#pragma warning disable CA2100 // table and column names come from SqlOrderSourceOptions, validated as plain identifiers in the constructor and quoted; parameter names are generated; every value is a parameter
                command.CommandText = _lines + "(" + AddList(command, "i", chunk) + ")";
#pragma warning restore CA2100
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var id = reader.GetString(0);
                        if (!result.TryGetValue(id, out var lines))
                        {
                            lines = [];
                            result[id] = lines;
                        }

                        // A zero or negative quantity and a line without a SKU are kept as read, so the pipeline holds the order as FAILED
                        // for a person instead of dropping it; a quantity that is not a whole number in int range is a typed error.
                        var sku = Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture) ?? string.Empty;
                        lines.Add(new OrderLine(sku, ReadQuantity(reader.GetValue(2), id, sku)));
                    }
                }
            }
        }

        return result;
    }

    private object Time(DateTimeOffset value) => _options.TimestampStorage == SqlTimestampStorage.UnixMilliseconds
        ? value.ToUnixTimeMilliseconds()
        : value.ToUniversalTime();

    private DateTimeOffset ReadTime(DbDataReader reader, int ordinal, string orderId, string column)
    {
        var raw = reader.GetValue(ordinal);
        switch (raw)
        {
            case DateTimeOffset value:
                return value;
            case DateTime value:
                return new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
            case long value when value is >= -62_135_596_800_000 and <= 253_402_300_799_999:
                return DateTimeOffset.FromUnixTimeMilliseconds(value);
            case int value:
                return DateTimeOffset.FromUnixTimeMilliseconds(value);
            case string value when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                return parsed;
            default:
                throw BadRow(orderId, $"its {column} column holds {Describe(raw)}, which is not a time");
        }
    }

    private int ReadQuantity(object raw, string orderId, string sku)
    {
        long? whole = raw switch
        {
            long value => value,
            int value => value,
            short value => value,
            decimal value when decimal.Truncate(value) == value && value is >= long.MinValue and <= long.MaxValue => (long)value,
            double value when Math.Truncate(value) == value && Math.Abs(value) < 9.2e18 => (long)value,
            string value when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => null,
        };
        return whole is { } quantity && quantity is >= int.MinValue and <= int.MaxValue
            ? (int)quantity
            : throw BadRow(orderId, $"line '{Truncate(sku)}' has {Describe(raw)} in its {_options.LineQuantityColumn} column, which is not a whole number in the int range");
    }

    private InvalidStockDataException BadRow(string orderId, string problem) =>
        new($"Order source '{Name}': order '{Truncate(orderId)}' cannot be read: {problem}. The poll stops before this order until the row is fixed at the source.");

    private static string Describe(object raw) => raw switch
    {
        DBNull => "NULL",
        string text => $"the text '{Truncate(text)}'",
        _ => $"a {raw.GetType().Name} ({Truncate(Convert.ToString(raw, CultureInfo.InvariantCulture) ?? string.Empty)})",
    };

    private static string Truncate(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 80), "…");

    private static string FormatCursor(DateTimeOffset changedAt, string orderId) => string.Create(CultureInfo.InvariantCulture, $"{changedAt.UtcTicks}|{orderId}");

    private static (DateTimeOffset ChangedAt, string OrderId) ParseCursor(string cursor)
    {
        var bar = cursor.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(cursor.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            throw new ArgumentException($"'{cursor}' is not a cursor of this source.", nameof(cursor));
        }

        return (new DateTimeOffset(ticks, TimeSpan.Zero), cursor[(bar + 1)..]);
    }

    private static string Quote(string identifier) => string.Join('.', identifier.Split('.').Select(part => $"\"{part}\""));

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static string AddList(DbCommand command, string prefix, IEnumerable<string> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@{prefix}{names.Count}");
            Add(command, name, value);
            names.Add(name);
        }

        return string.Join(", ", names);
    }
}
