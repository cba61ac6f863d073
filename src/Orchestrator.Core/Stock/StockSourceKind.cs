namespace Orchestrator.Stock;

/// <summary>Describes which system a <see cref="StockSnapshot"/> was read from.</summary>
public enum StockSourceKind
{
    /// <summary>The warehouse execution system: what is physically on the shelf.</summary>
    Warehouse,

    /// <summary>The inventory store: the book of record (on hand, reserved, committed).</summary>
    Inventory,

    /// <summary>A sales channel: the quantity the channel shows buyers.</summary>
    Channel,
}
