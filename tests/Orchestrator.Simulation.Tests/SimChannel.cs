using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Stock;

namespace Orchestrator.Simulation.Tests;

/// <summary>
/// A simulated sales channel: one listing per SKU, absolute stock writes, faults per call and per update, and a record of every
/// quantity it accepted with the quantity that was sellable at that simulated moment.
/// </summary>
internal sealed class SimChannel(string name, int safetyBuffer, Faults faults, SimWes wes, TimeProvider time) : IChannelAdapter
{
    private readonly Random _random = faults.For("channel:" + name);
    private readonly Dictionary<long, int> _quantities = [];
    private readonly Dictionary<long, string> _skuByListing = [];
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public int SafetyBuffer { get; } = safetyBuffer;

    public ChannelKind Kind => ChannelKind.Other;

    public ChannelCapabilities Capabilities { get; } = new(100, 4, SupportsReadBack: false);

    public List<AcceptedPush> Accepted { get; } = [];

    public void List(long listingId, string sku, int quantity)
    {
        _skuByListing[listingId] = sku;
        _quantities[listingId] = quantity;
    }

    public int QuantityOf(long listingId)
    {
        lock (_lock)
        {
            return _quantities[listingId];
        }
    }

    /// <summary>What the channel may sell now: WES on hand − reserved − the channel's buffer, floored at 0.</summary>
    public int SellableNow(string sku)
    {
        var (onHand, reserved) = wes.Get(sku);
        return Math.Max(0, onHand - reserved - SafetyBuffer);
    }

    public Task ReadStockAsync(StockSnapshotBuilder into, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        faults.Point($"{Name}.read");
        FaultKind? fault;
        lock (_random)
        {
            fault = faults.Transient(_random);
        }

        if (fault is not null)
        {
            throw Failure(fault.Value);
        }

        lock (_lock)
        {
            foreach (var (listing, quantity) in _quantities)
            {
                into.TrySetListing(listing, 0, quantity);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ChannelPushResult>> PushStockAsync(IReadOnlyList<ChannelStockUpdate> updates, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        faults.Point($"{Name}.push");
        FaultKind? callFault;
        lock (_random)
        {
            callFault = faults.Transient(_random);
        }

        if (callFault is FaultKind.Timeout or FaultKind.ServerError or FaultKind.RateLimited)
        {
            throw Failure(callFault.Value);
        }

        var results = new List<ChannelPushResult>(updates.Count);
        foreach (var update in updates)
        {
            FaultKind? fault;
            lock (_random)
            {
                fault = faults.Transient(_random, 0.5);
            }

            if (fault is FaultKind.Timeout or FaultKind.ServerError or FaultKind.RateLimited)
            {
                results.Add(new ChannelPushResult(update, ChannelPushStatus.Failed, FailureOf(fault.Value), "simulated"));
                continue;
            }

            Apply(update);
            if (faults.Chance(_random, faults.Intensity * 0.5))
            {
                faults.Count(FaultKind.Duplicate);
                Apply(update); // the same write delivered twice
            }

            results.Add(fault is FaultKind.ResponseLost
                ? new ChannelPushResult(update, ChannelPushStatus.Failed, ChannelFailureKind.Timeout, "simulated: applied, answer lost")
                : new ChannelPushResult(update, ChannelPushStatus.Succeeded));
        }

        faults.Point($"{Name}.push (applied)");
        if (callFault is FaultKind.ResponseLost)
        {
            throw new ChannelApiTimeoutException(Name, TimeSpan.FromSeconds(10));
        }

        return Task.FromResult<IReadOnlyList<ChannelPushResult>>(results);
    }

    private void Apply(ChannelStockUpdate update)
    {
        lock (_lock)
        {
            if (!_skuByListing.TryGetValue(update.Listing.Id, out var sku) || !string.Equals(sku, update.SkuCode, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Name}: push for listing {update.Listing} names SKU {update.SkuCode}, the listing is {sku ?? "unknown"}.");
            }

            _quantities[update.Listing.Id] = update.Quantity;
            Accepted.Add(new AcceptedPush(time.GetUtcNow(), update.SkuCode, update.Quantity, SellableNow(update.SkuCode), update.TransactionId));
        }
    }

    private ChannelApiException Failure(FaultKind kind) => kind switch
    {
        FaultKind.Timeout or FaultKind.ResponseLost => new ChannelApiTimeoutException(Name, TimeSpan.FromSeconds(10)),
        _ => new ChannelApiException(Name, FailureOf(kind), $"simulated {kind}", kind == FaultKind.RateLimited ? 429 : 503),
    };

    private static ChannelFailureKind FailureOf(FaultKind kind) => kind switch
    {
        FaultKind.Timeout => ChannelFailureKind.Timeout,
        FaultKind.RateLimited => ChannelFailureKind.RateLimited,
        _ => ChannelFailureKind.Unavailable,
    };
}

/// <summary>A quantity a channel accepted, with what was sellable at that simulated time.</summary>
internal sealed record AcceptedPush(DateTimeOffset At, string SkuCode, int Quantity, int SellableAtThatTime, string TransactionId);
