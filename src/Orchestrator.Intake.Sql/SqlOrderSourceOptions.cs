using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Orchestrator.Intake.Sql;

/// <summary>
/// Maps an order-source database onto <see cref="SqlOrderSource"/>: which table and columns hold orders and their lines,
/// which statuses are new, and what status marks an order received.
/// </summary>
/// <remarks>Table and column names are identifiers, not values, so they cannot be SQL parameters: each is checked against
/// <c>^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$</c> and quoted. Every value is a parameter.</remarks>
public sealed partial class SqlOrderSourceOptions : IValidatableObject
{
    /// <summary>Gets or sets the source name (the first half of the order buffer's key).</summary>
    [Required]
    public string Name { get; set; } = "orders-db";

    /// <summary>Gets or sets the orders table, optionally with its schema (<c>sales.orders</c>).</summary>
    [Required]
    public string OrdersTable { get; set; } = "orders";

    /// <summary>Gets or sets the order id column (text or number; compared as stored).</summary>
    [Required]
    public string OrderIdColumn { get; set; } = "order_id";

    /// <summary>Gets or sets the created-at column.</summary>
    [Required]
    public string CreatedAtColumn { get; set; } = "created_at";

    /// <summary>Gets or sets the changed-at column: the polling key. It must change whenever an order becomes visible or changes.</summary>
    [Required]
    public string ChangedAtColumn { get; set; } = "changed_at";

    /// <summary>Gets or sets the status column; marking an order received updates it.</summary>
    [Required]
    public string StatusColumn { get; set; } = "status";

    /// <summary>Gets or sets the warehouse column, or <see langword="null"/> when the source has none (then partitions by warehouse are not possible).</summary>
    public string? WarehouseColumn { get; set; } = "warehouse_id";

    /// <summary>Gets or sets the order lines table.</summary>
    [Required]
    public string LinesTable { get; set; } = "order_lines";

    /// <summary>Gets or sets the lines table's order id column.</summary>
    [Required]
    public string LineOrderIdColumn { get; set; } = "order_id";

    /// <summary>Gets or sets the lines table's SKU column.</summary>
    [Required]
    public string LineSkuColumn { get; set; } = "sku_code";

    /// <summary>Gets or sets the lines table's quantity column.</summary>
    [Required]
    public string LineQuantityColumn { get; set; } = "quantity";

    /// <summary>Gets the statuses that mean "new, not yet taken" (seed 000: query new orders by status).</summary>
    /// <value>Default <c>NEW</c>.</value>
    public IList<string> NewStatuses { get; init; } = ["NEW"];

    /// <summary>Gets or sets the status written when an order is marked received (seed 000: 已接收 / 處理中).</summary>
    /// <value>Default <c>RECEIVED</c>.</value>
    [Required]
    public string ReceivedStatus { get; set; } = "RECEIVED";

    /// <summary>Gets or sets how the time columns are stored.</summary>
    /// <value>Default <see cref="SqlTimestampStorage.Native"/> (a timestamp type the provider maps to <see cref="DateTimeOffset"/> or <see cref="DateTime"/> in UTC).</value>
    public SqlTimestampStorage TimestampStorage { get; set; } = SqlTimestampStorage.Native;

    /// <summary>Gets or sets the command timeout.</summary>
    /// <value>Default 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in Identifiers())
        {
            if (value is not null && !IdentifierPattern().IsMatch(value))
            {
                yield return new ValidationResult($"{name} '{value}' is not a plain SQL identifier (letters, digits, underscores, one optional schema).", [name]);
            }
        }

        if (NewStatuses is null || NewStatuses.Count == 0 || NewStatuses.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("NewStatuses must name at least one status.", [nameof(NewStatuses)]);
        }
        else if (NewStatuses.Contains(ReceivedStatus, StringComparer.Ordinal))
        {
            yield return new ValidationResult($"ReceivedStatus '{ReceivedStatus}' cannot also be a new status, or marked orders would be read again forever.", [nameof(ReceivedStatus)]);
        }
    }

    internal IEnumerable<(string Name, string? Value)> Identifiers() =>
    [
        (nameof(OrdersTable), OrdersTable), (nameof(OrderIdColumn), OrderIdColumn), (nameof(CreatedAtColumn), CreatedAtColumn),
        (nameof(ChangedAtColumn), ChangedAtColumn), (nameof(StatusColumn), StatusColumn), (nameof(WarehouseColumn), WarehouseColumn),
        (nameof(LinesTable), LinesTable), (nameof(LineOrderIdColumn), LineOrderIdColumn), (nameof(LineSkuColumn), LineSkuColumn),
        (nameof(LineQuantityColumn), LineQuantityColumn),
    ];

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdentifierPattern();
}

/// <summary>Says how the order source stores its time columns.</summary>
public enum SqlTimestampStorage
{
    /// <summary>A timestamp type (PostgreSQL <c>timestamptz</c>, SQL Server <c>datetimeoffset</c>, SQLite ISO-8601 text in UTC).</summary>
    Native,

    /// <summary>Milliseconds since the Unix epoch in an integer column.</summary>
    UnixMilliseconds,
}
