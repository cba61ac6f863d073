using System.Numerics;
using System.Runtime.InteropServices;
using Orchestrator.Catalog;

namespace Orchestrator.Stock;

/// <summary>
/// Computes what each channel may sell: on hand − reserved − orders not yet absorbed − the channel's safety buffer,
/// floored at 0, then scaled by the channel's allocation share; a paused SKU sells 0.
/// </summary>
/// <remarks>
/// <para>This is the never-oversell rule: a channel is never told more than this. A SKU the stock source did not report sells 0.</para>
/// <para>The columns are computed with <see cref="Vector{T}"/>; the calculator allocates one column per channel and nothing per SKU.</para>
/// </remarks>
public static class SellableQuantityCalculator
{
    /// <summary>Computes the sellable quantity of every SKU for each channel.</summary>
    /// <param name="stock">The stock: on hand in <see cref="StockSnapshot.Quantities"/>, reserved in <see cref="StockSnapshot.Reserved"/>.</param>
    /// <param name="rules">One rule per channel.</param>
    /// <param name="unabsorbedOrders">Units of buffered orders not yet reflected in <paramref name="stock"/>'s reservations, indexed by ordinal; empty for none.</param>
    /// <param name="paused">Ordinals of SKUs whose allocation is paused; they sell 0.</param>
    /// <returns>The targets.</returns>
    /// <exception cref="DataMismatchException"><paramref name="stock"/> comes from a channel, or two rules name the same channel.</exception>
    /// <exception cref="InvalidStockDataException"><paramref name="unabsorbedOrders"/> holds a negative value.</exception>
    public static SellableTargets Calculate(
        StockSnapshot stock,
        IReadOnlyList<ChannelSellableRule> rules,
        ReadOnlySpan<int> unabsorbedOrders = default,
        IReadOnlyCollection<int>? paused = null)
    {
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(rules);
        if (stock.Kind == StockSourceKind.Channel)
        {
            throw new DataMismatchException($"Sellable quantities come from warehouse or inventory stock, not from channel '{stock.Source}'.");
        }

        var columns = new Dictionary<string, int[]>(rules.Count, StringComparer.Ordinal);
        var baseColumn = ComputeBase(stock, unabsorbedOrders);
        foreach (var rule in rules)
        {
            ArgumentNullException.ThrowIfNull(rule);
            if (columns.ContainsKey(rule.Channel))
            {
                throw new DataMismatchException($"Two sellable rules name channel '{rule.Channel}'.");
            }

            var column = GC.AllocateUninitializedArray<int>(baseColumn.Length);
            ApplyRule(baseColumn, column, rule);
            if (paused is not null)
            {
                foreach (var ordinal in paused)
                {
                    if ((uint)ordinal < (uint)column.Length)
                    {
                        column[ordinal] = 0;
                    }
                }
            }

            columns.Add(rule.Channel, column);
        }

        return new SellableTargets(stock.Catalog, stock.WarehouseId, stock.TakenAt, columns, rules);
    }

    /// <summary>Computes max(0, on hand − reserved − unabsorbed) for every SKU; not reported counts as 0 on hand.</summary>
    private static int[] ComputeBase(StockSnapshot stock, ReadOnlySpan<int> unabsorbed)
    {
        var length = stock.Length;
        var onHand = stock.Quantities;
        var reserved = stock.Reserved;
        var result = GC.AllocateUninitializedArray<int>(length);
        if (!unabsorbed.IsEmpty)
        {
            foreach (var value in unabsorbed)
            {
                if (value < 0)
                {
                    throw new InvalidStockDataException("Unabsorbed order quantities cannot be negative.");
                }
            }
        }

        var zero = Vector<int>.Zero;
        var width = Vector<int>.Count;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref var onHandRef = ref MemoryMarshal.GetReference(onHand);
            ref var reservedRef = ref MemoryMarshal.GetReference(reserved);
            ref var unabsorbedRef = ref MemoryMarshal.GetReference(unabsorbed);
            var hasReserved = !reserved.IsEmpty; // when present it is as long as the quantity column
            var hasUnabsorbed = !unabsorbed.IsEmpty;
            var vectorLimit = hasUnabsorbed ? Math.Min(length, unabsorbed.Length) : length;
            for (; i <= vectorLimit - width; i += width)
            {
                // Values are 0..int.MaxValue (or -1 for not reported, floored to 0 first), so the subtractions cannot overflow.
                var value = Vector.Max(Vector.LoadUnsafe(ref onHandRef, (nuint)i), zero);
                if (hasReserved)
                {
                    value -= Vector.LoadUnsafe(ref reservedRef, (nuint)i);
                }

                value = Vector.Max(value, zero);
                if (hasUnabsorbed)
                {
                    value = Vector.Max(value - Vector.LoadUnsafe(ref unabsorbedRef, (nuint)i), zero);
                }

                value.StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(result), (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            var value = Math.Max(onHand[i], 0);
            if (i < reserved.Length)
            {
                value = Math.Max(value - reserved[i], 0);
            }

            if (i < unabsorbed.Length)
            {
                value = Math.Max(value - unabsorbed[i], 0);
            }

            result[i] = value;
        }

        return result;
    }

    private static void ApplyRule(int[] baseColumn, int[] column, ChannelSellableRule rule)
    {
        var buffer = rule.SafetyBuffer;
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var bufferVector = new Vector<int>(buffer);
            var zero = Vector<int>.Zero;
            var width = Vector<int>.Count;
            ref var source = ref MemoryMarshal.GetArrayDataReference(baseColumn);
            ref var target = ref MemoryMarshal.GetArrayDataReference(column);
            for (; i <= baseColumn.Length - width; i += width)
            {
                Vector.Max(Vector.LoadUnsafe(ref source, (nuint)i) - bufferVector, zero).StoreUnsafe(ref target, (nuint)i);
            }
        }

        for (; i < baseColumn.Length; i++)
        {
            column[i] = Math.Max(baseColumn[i] - buffer, 0);
        }

        if (rule.AllocationShare < 1m)
        {
            // Floor, so that the shares of several channels never add up to more than the stock.
            var basisPoints = (long)(rule.AllocationShare * 10_000m);
            for (var j = 0; j < column.Length; j++)
            {
                column[j] = (int)(column[j] * basisPoints / 10_000);
            }
        }
    }
}

/// <summary>Says how much of the stock one channel may sell.</summary>
public sealed record ChannelSellableRule
{
    /// <summary>Initializes a new instance of the <see cref="ChannelSellableRule"/> class.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <param name="safetyBuffer">Units held back from the channel (0 or more).</param>
    /// <param name="allocationShare">The share of the remaining stock the channel may sell, more than 0 and at most 1, in steps of 0.0001.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public ChannelSellableRule(string channel, int safetyBuffer = 0, decimal allocationShare = 1m)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(channel);
        ArgumentOutOfRangeException.ThrowIfNegative(safetyBuffer);
        if (allocationShare <= 0m || allocationShare > 1m)
        {
            throw new ArgumentOutOfRangeException(nameof(allocationShare), allocationShare, "The allocation share must be more than 0 and at most 1.");
        }

        Channel = channel;
        SafetyBuffer = safetyBuffer;
        AllocationShare = allocationShare;
    }

    /// <summary>Gets the channel instance name.</summary>
    public string Channel { get; }

    /// <summary>Gets the units held back from the channel.</summary>
    public int SafetyBuffer { get; }

    /// <summary>Gets the share of the remaining stock the channel may sell.</summary>
    public decimal AllocationShare { get; }
}

/// <summary>
/// Holds the sellable quantity of every SKU for each channel, computed by <see cref="SellableQuantityCalculator"/>.
/// </summary>
public sealed class SellableTargets
{
    private readonly Dictionary<string, int[]> _columns;
    private readonly Dictionary<string, ChannelSellableRule> _rules;

    internal SellableTargets(SkuCatalog catalog, string warehouseId, DateTimeOffset stockTakenAt, Dictionary<string, int[]> columns, IReadOnlyList<ChannelSellableRule> rules)
    {
        Catalog = catalog;
        WarehouseId = warehouseId;
        StockTakenAt = stockTakenAt;
        _columns = columns;
        _rules = rules.ToDictionary(r => r.Channel, StringComparer.Ordinal);
    }

    /// <summary>Gets the catalog whose ordinals index the columns.</summary>
    public SkuCatalog Catalog { get; }

    /// <summary>Gets the warehouse the stock came from.</summary>
    public string WarehouseId { get; }

    /// <summary>Gets when the stock was read.</summary>
    public DateTimeOffset StockTakenAt { get; }

    /// <summary>Gets the channels with a target column.</summary>
    public IEnumerable<string> Channels => _columns.Keys;

    /// <summary>Gets the target column of a channel.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <returns>The column, indexed by ordinal.</returns>
    /// <exception cref="KeyNotFoundException">The channel has no rule.</exception>
    public ReadOnlySpan<int> For(string channel) => _columns.TryGetValue(channel, out var column)
        ? column
        : throw new KeyNotFoundException($"No sellable rule was given for channel '{channel}'.");

    /// <summary>Gets the rule a channel's column was computed with.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <returns>The rule.</returns>
    public ChannelSellableRule RuleFor(string channel) => _rules[channel];

    /// <summary>Returns whether a channel has a target column.</summary>
    /// <param name="channel">The channel instance name.</param>
    /// <returns><see langword="true"/> when it has one.</returns>
    public bool Contains(string channel) => _columns.ContainsKey(channel);
}
