using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Orchestrator.Stock;

namespace Orchestrator.Mismatches;

/// <summary>
/// Finds, for every channel, the SKUs whose shown quantity differs from the sellable target (WF-INV-001 step 2).
/// </summary>
/// <remarks>
/// <para>The comparison runs over columns with 256-bit (or 128-bit) vectors: a block of SKUs that all agree costs two loads and a
/// compare, and only mismatches become objects. The analyzer holds no state and is safe to share.</para>
/// <para>A SKU the channel does not list is handled as <see cref="MismatchAnalyzerOptions.UnlistedSkus"/> says. A SKU the channel
/// lists but the target does not cover (added to the catalog after the stock was read) has a target of 0: never oversell.</para>
/// </remarks>
public sealed class MismatchAnalyzer
{
    private readonly MismatchAnalyzerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="MismatchAnalyzer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    public MismatchAnalyzer(MismatchAnalyzerOptions? options = null) => _options = options ?? new MismatchAnalyzerOptions();

    /// <summary>Compares each channel snapshot with its sellable target column.</summary>
    /// <param name="targets">The sellable targets.</param>
    /// <param name="channels">One snapshot per channel, each with a rule in <paramref name="targets"/>.</param>
    /// <returns>The mismatches and the counts.</returns>
    /// <exception cref="DataMismatchException">A snapshot is not a channel snapshot, belongs to another catalog or warehouse, has no target, or appears twice.</exception>
    public MismatchReport Analyze(SellableTargets targets, IReadOnlyList<StockSnapshot> channels)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(channels);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var channel in channels)
        {
            ArgumentNullException.ThrowIfNull(channel);
            Validate(targets, channel, seen);
        }

        // One pass per channel records only the ordinals that differ (4 bytes each, in a pooled buffer); the mismatch list is
        // then allocated once at its exact size, so nothing is allocated per SKU and no list is grown and copied.
        var found = new OrdinalBuffer();
        try
        {
            var compared = new int[channels.Count];
            var ends = new int[channels.Count];
            for (var k = 0; k < channels.Count; k++)
            {
                compared[k] = Scan(targets.For(channels[k].Source), channels[k].Quantities, _options.UnlistedSkus == UnlistedSkuHandling.TreatAsZero, ref found);
                ends[k] = found.Count;
            }

            var mismatches = new List<Mismatch>(found.Count);
            var summaries = new List<ChannelDiffSummary>(channels.Count);
            var from = 0;
            for (var k = 0; k < channels.Count; k++)
            {
                Append(targets.For(channels[k].Source), channels[k].Quantities, channels[k].Source, found.Slice(from, ends[k] - from), mismatches);
                summaries.Add(new ChannelDiffSummary(channels[k].Source, compared[k], ends[k] - from));
                from = ends[k];
            }

            return new MismatchReport(targets.Catalog, targets.WarehouseId, mismatches, summaries, _options.MassMismatchSkuCount);
        }
        finally
        {
            found.Dispose();
        }
    }

    /// <summary>
    /// Compares one channel column with its target column and appends the mismatches to <paramref name="sink"/>.
    /// </summary>
    /// <param name="target">The sellable target, indexed by ordinal; ordinals past its end have a target of 0.</param>
    /// <param name="channel">The channel's quantities, <see cref="StockSnapshot.NotReported"/> where not listed; ordinals past its end are not listed.</param>
    /// <param name="channelName">The channel name written into each mismatch.</param>
    /// <param name="unlisted">How SKUs the channel does not list are treated.</param>
    /// <param name="sink">Receives the mismatches, in ordinal order.</param>
    /// <returns>How many SKUs were compared (listed SKUs, plus unlisted ones when they count as 0).</returns>
    public static int Diff(ReadOnlySpan<int> target, ReadOnlySpan<int> channel, string channelName, UnlistedSkuHandling unlisted, List<Mismatch> sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var found = new OrdinalBuffer();
        try
        {
            var compared = Scan(target, channel, unlisted == UnlistedSkuHandling.TreatAsZero, ref found);
            sink.EnsureCapacity(sink.Count + found.Count);
            Append(target, channel, channelName, found.Slice(0, found.Count), sink);
            return compared;
        }
        finally
        {
            found.Dispose();
        }
    }

    /// <summary>Adds the ordinals that differ to <paramref name="found"/>, in order, and returns how many SKUs were compared.</summary>
    private static int Scan(ReadOnlySpan<int> target, ReadOnlySpan<int> channel, bool treatAsZero, ref OrdinalBuffer found)
    {
        var common = Math.Min(target.Length, channel.Length);
        var unlistedCount = 0;
        var i = 0;
        ref var t = ref MemoryMarshal.GetReference(target);
        ref var c = ref MemoryMarshal.GetReference(channel);

        // A block of SKUs that all agree costs two loads, two compares and one test; only a block holding a mismatch or an
        // unlisted SKU looks at its lanes, through a bit mask.
        if (Vector256.IsHardwareAccelerated)
        {
            var zero = Vector256<int>.Zero;
            var notReported = Vector256.Create(StockSnapshot.NotReported);
            for (; i <= common - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var tv = Vector256.LoadUnsafe(ref t, (nuint)i);
                var cv = Vector256.LoadUnsafe(ref c, (nuint)i);
                var unlistedLanes = Vector256.Equals(cv, notReported);

                // Not listed: compared as 0 (TreatAsZero), or never a mismatch (NotSoldThere).
                var differs = treatAsZero
                    ? ~Vector256.Equals(tv, Vector256.Max(cv, zero))
                    : Vector256.AndNot(~Vector256.Equals(tv, cv), unlistedLanes);
                if ((differs | unlistedLanes) != zero)
                {
                    unlistedCount += BitOperations.PopCount(unlistedLanes.ExtractMostSignificantBits());
                    found.AddLanes(i, differs.ExtractMostSignificantBits());
                }
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var zero = Vector128<int>.Zero;
            var notReported = Vector128.Create(StockSnapshot.NotReported);
            for (; i <= common - Vector128<int>.Count; i += Vector128<int>.Count)
            {
                var tv = Vector128.LoadUnsafe(ref t, (nuint)i);
                var cv = Vector128.LoadUnsafe(ref c, (nuint)i);
                var unlistedLanes = Vector128.Equals(cv, notReported);
                var differs = treatAsZero
                    ? ~Vector128.Equals(tv, Vector128.Max(cv, zero))
                    : Vector128.AndNot(~Vector128.Equals(tv, cv), unlistedLanes);
                if ((differs | unlistedLanes) != zero)
                {
                    unlistedCount += BitOperations.PopCount(unlistedLanes.ExtractMostSignificantBits());
                    found.AddLanes(i, differs.ExtractMostSignificantBits());
                }
            }
        }

        for (; i < common; i++)
        {
            var shown = channel[i];
            if (shown == StockSnapshot.NotReported)
            {
                unlistedCount++;
                if (treatAsZero && target[i] != 0)
                {
                    found.Add(i);
                }
            }
            else if (shown != target[i])
            {
                found.Add(i);
            }
        }

        // Listed SKUs beyond the target: the stock source never saw them, so they may sell nothing.
        for (var j = common; j < channel.Length; j++)
        {
            var shown = channel[j];
            if (shown == StockSnapshot.NotReported)
            {
                unlistedCount++;
            }
            else if (shown != 0)
            {
                found.Add(j);
            }
        }

        // SKUs beyond the channel column are not listed.
        unlistedCount += Math.Max(0, target.Length - channel.Length);
        if (treatAsZero)
        {
            for (var j = common; j < target.Length; j++)
            {
                if (target[j] != 0)
                {
                    found.Add(j);
                }
            }
        }

        var total = Math.Max(target.Length, channel.Length);
        return treatAsZero ? total : total - unlistedCount;
    }

    /// <summary>Turns the ordinals found by <see cref="Scan"/> into mismatches: the target is 0 past its end, the channel does not list past its end.</summary>
    private static void Append(ReadOnlySpan<int> target, ReadOnlySpan<int> channel, string channelName, ReadOnlySpan<int> ordinals, List<Mismatch> sink)
    {
        foreach (var ordinal in ordinals)
        {
            var shown = ordinal < channel.Length ? channel[ordinal] : StockSnapshot.NotReported;
            sink.Add(Create(channelName, ordinal, ordinal < target.Length ? target[ordinal] : 0, shown));
        }
    }

    private static Mismatch Create(string channel, int ordinal, int target, int shown) => new(channel, ordinal, shown == StockSnapshot.NotReported ? null : shown, target);

    private static void Validate(SellableTargets targets, StockSnapshot channel, HashSet<string> seen)
    {
        if (channel.Kind != StockSourceKind.Channel)
        {
            throw new DataMismatchException($"'{channel.Source}' is a {channel.Kind} snapshot; only channel snapshots are compared with sellable targets.");
        }

        if (!ReferenceEquals(channel.Catalog, targets.Catalog))
        {
            throw new DataMismatchException($"The snapshot of channel '{channel.Source}' was built on another SKU catalog than the sellable targets; ordinals would not line up.");
        }

        if (!string.Equals(channel.WarehouseId, targets.WarehouseId, StringComparison.Ordinal))
        {
            throw new DataMismatchException(
                $"The snapshot of channel '{channel.Source}' is for warehouse '{channel.WarehouseId}' but the sellable targets are for warehouse '{targets.WarehouseId}'; snapshots of different warehouses cannot be diffed together.");
        }

        if (!targets.Contains(channel.Source))
        {
            throw new DataMismatchException($"Channel '{channel.Source}' has no sellable rule, so there is nothing to compare it with.");
        }

        if (!seen.Add(channel.Source))
        {
            throw new DataMismatchException($"Channel '{channel.Source}' was given twice.");
        }
    }
}

/// <summary>A growable list of ordinals on pooled arrays: the analyzer's scratch space, returned to the pool when done.</summary>
internal struct OrdinalBuffer : IDisposable
{
    private int[] _items;
    private int _count;

    public OrdinalBuffer() => _items = ArrayPool<int>.Shared.Rent(4_096);

    public readonly int Count => _count;

    public void Add(int ordinal)
    {
        if (_count == _items.Length)
        {
            Grow(1);
        }

        _items[_count++] = ordinal;
    }

    /// <summary>Adds <paramref name="first"/> + the index of every set bit of <paramref name="lanes"/>, in order.</summary>
    public void AddLanes(int first, uint lanes)
    {
        if (_items.Length - _count < 32)
        {
            Grow(32);
        }

        while (lanes != 0)
        {
            _items[_count++] = first + BitOperations.TrailingZeroCount(lanes);
            lanes &= lanes - 1;
        }
    }

    public readonly ReadOnlySpan<int> Slice(int start, int length) => _items.AsSpan(start, length);

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_items);
        _items = [];
        _count = 0;
    }

    private void Grow(int atLeast)
    {
        var bigger = ArrayPool<int>.Shared.Rent(Math.Max(_items.Length * 2, _count + atLeast));
        _items.AsSpan(0, _count).CopyTo(bigger);
        ArrayPool<int>.Shared.Return(_items);
        _items = bigger;
    }
}

/// <summary>Says how a SKU that a channel does not list is treated.</summary>
public enum UnlistedSkuHandling
{
    /// <summary>The SKU is not sold there: it is neither compared nor pushed (default).</summary>
    NotSoldThere,

    /// <summary>
    /// The SKU counts as showing 0, as the seed's <c>stock.get(product_id, 0)</c> does: a SKU with a target above 0 is reported as a
    /// mismatch with <see cref="Mismatch.IsUnlisted"/> set, which cannot be pushed until someone creates the listing.
    /// </summary>
    TreatAsZero,
}

/// <summary>Configures the <see cref="MismatchAnalyzer"/>.</summary>
public sealed class MismatchAnalyzerOptions
{
    /// <summary>Gets or sets how SKUs a channel does not list are treated.</summary>
    /// <value>Default <see cref="UnlistedSkuHandling.NotSoldThere"/>.</value>
    public UnlistedSkuHandling UnlistedSkus { get; set; } = UnlistedSkuHandling.NotSoldThere;

    /// <summary>Gets or sets how many distinct mismatched SKUs make a mass mismatch (seed 002: 대량 불일치, 10+ SKUs).</summary>
    /// <value>Default 10; 1 or more.</value>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MassMismatchSkuCount { get; set; } = 10;
}

/// <summary>Represents one SKU whose channel quantity differs from its sellable target.</summary>
/// <param name="Channel">The channel instance name.</param>
/// <param name="SkuOrdinal">The SKU's ordinal.</param>
/// <param name="ChannelQuantity">What the channel shows, or <see langword="null"/> when the channel does not list the SKU.</param>
/// <param name="TargetQuantity">The sellable quantity the channel should show.</param>
public readonly record struct Mismatch(string Channel, int SkuOrdinal, int? ChannelQuantity, int TargetQuantity)
{
    /// <summary>Gets target − shown (seed 002 <c>difference = warehouse_qty - channel_qty</c>); a negative value means the channel oversells.</summary>
    public int Difference => TargetQuantity - (ChannelQuantity ?? 0);

    /// <summary>Gets a value indicating whether the channel does not list the SKU (only with <see cref="UnlistedSkuHandling.TreatAsZero"/>).</summary>
    public bool IsUnlisted => ChannelQuantity is null;
}

/// <summary>Counts one channel's comparison.</summary>
/// <param name="Channel">The channel instance name.</param>
/// <param name="Compared">SKUs compared.</param>
/// <param name="Mismatched">SKUs that differed.</param>
public sealed record ChannelDiffSummary(string Channel, int Compared, int Mismatched);

/// <summary>Holds the result of <see cref="MismatchAnalyzer.Analyze"/>.</summary>
public sealed class MismatchReport
{
    private readonly int _massMismatchSkuCount;
    private int? _distinctSkus;

    internal MismatchReport(Catalog.SkuCatalog catalog, string warehouseId, List<Mismatch> mismatches, IReadOnlyList<ChannelDiffSummary> channels, int massMismatchSkuCount)
    {
        Catalog = catalog;
        WarehouseId = warehouseId;
        Mismatches = mismatches;
        Channels = channels;
        _massMismatchSkuCount = massMismatchSkuCount;
    }

    /// <summary>Gets the catalog the ordinals refer to.</summary>
    public Catalog.SkuCatalog Catalog { get; }

    /// <summary>Gets the warehouse.</summary>
    public string WarehouseId { get; }

    /// <summary>Gets the mismatches, grouped by channel in the order given, then by ordinal.</summary>
    public IReadOnlyList<Mismatch> Mismatches { get; }

    /// <summary>Gets the counts per channel.</summary>
    public IReadOnlyList<ChannelDiffSummary> Channels { get; }

    /// <summary>Gets the SKU × channel pairs compared.</summary>
    public long Compared => Channels.Sum(c => (long)c.Compared);

    /// <summary>Gets the pairs that agreed.</summary>
    public long Matched => Compared - Mismatches.Count;

    /// <summary>Gets matched ÷ compared (1 when nothing was compared): the seed 002 sync accuracy before pushing.</summary>
    public double Accuracy => Compared == 0 ? 1d : (double)Matched / Compared;

    /// <summary>Gets how many distinct SKUs mismatched on at least one channel.</summary>
    public int DistinctSkuCount => _distinctSkus ??= Mismatches.Select(m => m.SkuOrdinal).Distinct().Count();

    /// <summary>Gets a value indicating whether so many SKUs mismatched that it is a mass mismatch (seed 002: 10+ SKUs, Slack, MEDIUM).</summary>
    public bool IsMassMismatch => DistinctSkuCount >= _massMismatchSkuCount;

    /// <summary>Gets the SKU code of a mismatch.</summary>
    /// <param name="mismatch">The mismatch.</param>
    /// <returns>The SKU code.</returns>
    public string SkuCodeOf(in Mismatch mismatch) => Catalog.GetCode(mismatch.SkuOrdinal);
}
