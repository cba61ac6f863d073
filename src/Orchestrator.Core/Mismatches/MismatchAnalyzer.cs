using System.Numerics;
using System.Runtime.InteropServices;
using Orchestrator.Stock;

namespace Orchestrator.Mismatches;

/// <summary>
/// Finds, for every channel, the SKUs whose shown quantity differs from the sellable target (WF-INV-001 step 2).
/// </summary>
/// <remarks>
/// <para>The comparison runs over columns with <see cref="Vector{T}"/>: a block of SKUs that all agree costs two loads and a
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

        var mismatches = new List<Mismatch>();
        var summaries = new List<ChannelDiffSummary>(channels.Count);
        foreach (var channel in channels)
        {
            var before = mismatches.Count;
            var compared = Diff(targets.For(channel.Source), channel.Quantities, channel.Source, _options.UnlistedSkus, mismatches);
            summaries.Add(new ChannelDiffSummary(channel.Source, compared, mismatches.Count - before));
        }

        return new MismatchReport(targets.Catalog, targets.WarehouseId, mismatches, summaries, _options.MassMismatchSkuCount);
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
        var common = Math.Min(target.Length, channel.Length);
        var treatAsZero = unlisted == UnlistedSkuHandling.TreatAsZero;
        var unlistedCount = 0;
        var i = 0;
        if (Vector.IsHardwareAccelerated && common >= Vector<int>.Count)
        {
            ref var t = ref MemoryMarshal.GetReference(target);
            ref var c = ref MemoryMarshal.GetReference(channel);
            var width = Vector<int>.Count;
            var zero = Vector<int>.Zero;
            var notReported = new Vector<int>(StockSnapshot.NotReported);
            for (; i <= common - width; i += width)
            {
                var tv = Vector.LoadUnsafe(ref t, (nuint)i);
                var cv = Vector.LoadUnsafe(ref c, (nuint)i);
                var unlistedLanes = Vector.Equals(cv, notReported);
                if (unlistedLanes != zero)
                {
                    unlistedCount -= Vector.Sum(unlistedLanes); // each true lane is -1
                }

                // Not listed: compared as 0 (TreatAsZero), or never a mismatch (NotSoldThere).
                var differs = treatAsZero
                    ? ~Vector.Equals(tv, Vector.Max(cv, zero))
                    : Vector.AndNot(~Vector.Equals(tv, cv), unlistedLanes);
                if (differs != zero)
                {
                    for (var lane = 0; lane < width; lane++)
                    {
                        if (differs[lane] != 0)
                        {
                            sink.Add(Create(channelName, i + lane, target[i + lane], channel[i + lane]));
                        }
                    }
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
                    sink.Add(Create(channelName, i, target[i], shown));
                }
            }
            else if (shown != target[i])
            {
                sink.Add(Create(channelName, i, target[i], shown));
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
                sink.Add(Create(channelName, j, 0, shown));
            }
        }

        // SKUs beyond the channel column are not listed.
        var beyond = Math.Max(0, target.Length - channel.Length);
        unlistedCount += beyond;
        if (treatAsZero)
        {
            for (var j = common; j < target.Length; j++)
            {
                if (target[j] != 0)
                {
                    sink.Add(Create(channelName, j, target[j], StockSnapshot.NotReported));
                }
            }
        }

        var total = Math.Max(target.Length, channel.Length);
        return treatAsZero ? total : total - unlistedCount;
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
