using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Orchestrator.Reconciliation;
using Orchestrator.Storage;

namespace Orchestrator.Dashboard.Internal;

/// <summary>The filters of the discrepancy report and its CSV export, from the query string.</summary>
internal sealed record ReportFilter(string? WarehouseId, string? SkuCode, DateOnly FirstDay, DateOnly LastDay, string? FromText, string? ToText, DiscrepancyStatus? Status, DiscrepancyType? Type, long? BeforeId)
{
    public const int MaxDays = 366;

    public DateTimeOffset From => new(FirstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public DateTimeOffset To => new(LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public DiscrepancyQuery ToQuery(int pageSize, long? beforeId)
        => new(WarehouseId, SkuCode, From, To, Status, Type, pageSize, beforeId);

    /// <summary>Parses the filters; the period defaults to the last <paramref name="defaultDays"/> UTC days.</summary>
    public static (ReportFilter Filter, string? Error) Parse(IQueryCollection query, DateTimeOffset now, int defaultDays)
    {
        string? Text(string name) => query[name].ToString() is { Length: > 0 } v ? v.Trim() : null;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = new List<string>();
        var fromText = Text("from");
        var toText = Text("to");
        var last = ParseDay(toText, "to", errors) ?? today;
        var first = ParseDay(fromText, "from", errors) ?? last.AddDays(1 - defaultDays);
        if (first > last)
        {
            errors.Add("'from' must not be after 'to'.");
        }
        else if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            errors.Add($"The period may be at most {MaxDays} days.");
        }

        DiscrepancyStatus? status = null;
        if (Text("status") is { } s)
        {
            status = Enum.TryParse<DiscrepancyStatus>(s, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
            if (status is null)
            {
                errors.Add("'status' must be Open or Resolved.");
            }
        }

        DiscrepancyType? type = null;
        if (Text("type") is { } t)
        {
            type = Enum.TryParse<DiscrepancyType>(t, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;
            if (type is null)
            {
                errors.Add("'type' must be one of " + string.Join(", ", Enum.GetNames<DiscrepancyType>()) + ".");
            }
        }

        long? before = null;
        if (Text("before") is { } b)
        {
            before = long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
            if (before is null)
            {
                errors.Add("'before' must be a positive row id.");
            }
        }

        var filter = new ReportFilter(Text("warehouse"), Text("sku"), first, last, fromText, toText, status, type, before);
        return (filter, errors.Count == 0 ? null : string.Join(" ", errors));
    }

    /// <summary>The query string of these filters, with a page cursor.</summary>
    public string QueryString(long? beforeId)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("warehouse", WarehouseId);
        Add("sku", SkuCode);
        Add("from", FromText);
        Add("to", ToText);
        Add("status", Status?.ToString());
        Add("type", Type?.ToString());
        Add("before", beforeId?.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? string.Empty : "?" + string.Join("&", parts);
    }

    private static DateOnly? ParseDay(string? text, string name, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add($"'{name}' must be a date written yyyy-MM-dd.");
        return null;
    }
}

/// <summary>Writes the discrepancy log as CSV (RFC 4180), page by page, safe to open in a spreadsheet.</summary>
internal static class DiscrepancyCsv
{
    public const string Header = "id,transaction_id,type,warehouse_id,sku_code,inventory_qty,wes_qty,discrepancy,discrepancy_percent,explained_qty,inventory_location,wes_location,detected_at,status,resolved_by,resolved_at,note";

    public static async Task<long> WriteAsync(IDiscrepancyLogStore store, ReportFilter filter, TextWriter writer, CancellationToken ct)
    {
        await writer.WriteAsync(Header + "\r\n").ConfigureAwait(false);
        long rows = 0;
        long? before = null;
        var line = new StringBuilder(256);
        do
        {
            var page = await store.QueryAsync(filter.ToQuery(1000, before), ct).ConfigureAwait(false);
            foreach (var d in page.Items)
            {
                line.Clear();
                line.Append(d.Id.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(Field(d.TransactionId)).Append(',')
                    .Append(d.Type.ToString()).Append(',')
                    .Append(Field(d.WarehouseId)).Append(',')
                    .Append(Field(d.SkuCode)).Append(',')
                    .Append(d.InventoryQty.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(d.WesQty.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(d.Discrepancy.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(d.DiscrepancyPercent.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(d.ExplainedQuantity.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(Field(d.InventoryLocation)).Append(',')
                    .Append(Field(d.WesLocation)).Append(',')
                    .Append(d.DetectedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(',')
                    .Append(d.Status.ToString()).Append(',')
                    .Append(Field(d.ResolvedBy)).Append(',')
                    .Append(d.ResolvedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? string.Empty).Append(',')
                    .Append(Field(d.Note)).Append("\r\n");
                await writer.WriteAsync(line, ct).ConfigureAwait(false);
                rows++;
            }

            await writer.FlushAsync(ct).ConfigureAwait(false);
            before = page.NextBeforeId;
        }
        while (before is not null);

        return rows;
    }

    /// <summary>
    /// Quotes a text field when it holds a comma, quote or line break (quotes doubled), and defuses spreadsheet formulas: a value starting
    /// with =, +, -, @, tab or carriage return is prefixed with an apostrophe (OWASP CSV injection), so it is shown as text, never run.
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\n')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
