using System.Globalization;

namespace Orchestrator.Crash.Tests;

/// <summary>
/// Checks, after the final run, that the channel pushes that went through the pending-sync queue were delivered, once in every way that
/// matters:
/// <list type="number">
/// <item>the queue drained: every row is delivered (sent, or completed as superseded by a newer delivered item of its key); none is
/// pending, in flight or dead-lettered (a dead letter fails the test with its reason);</item>
/// <item>every row delivered by sending reached its channel: the channel's write log holds that quantity for that SKU, or a lower one
/// (the hosted worker's quantity guard lowers a queued push to what the channel may sell when it is sent, never raises it);</item>
/// <item>no channel was ever sent an older quantity after a newer one: stock only goes down in these runs, so each SKU's accepted
/// quantities, in the order the channel applied them, never go up (a queued push resent after a kill, or sent after a newer direct push,
/// would show as a rise). The same quantity written again is counted as a harmless repeat;</item>
/// <item>every listing shows the sellable quantity (WES on hand − reserved) at the end.</item>
/// </list>
/// The "never up" check holds one host's channel writers, which run one at a time. With several hosts it is reported, not
/// asserted: a pending-sync pass on one host (its guard reads the WES now) and a sync run on another (pushing what its own
/// read found a moment earlier) run under different job locks, so the sync's figure can land after the fresher one
/// (docs/reliability.md, known gaps); the next sync corrects it.
/// </summary>
internal static class DeliveryCheck
{
    public static async Task<string> AssertAsync(CrashWorld world, int seed, int hosts)
    {
        var (rows, enqueued) = await world.QueueAsync();
        var items = rows.Where(r => r.Kind == "channel-stock").ToList();
        var open = items.Where(r => r.State != "DELIVERED").ToList();
        Assert.True(open.Count == 0, $"seed {seed}: {open.Count} pending-sync items not delivered:\n" +
            string.Join("\n", open.Take(20).Select(r => $"  {r.Id} {r.CoalescingKey} {r.State} after {r.Attempts} attempts: {r.LastError}")));

        var logs = world.StockWriteLogs();
        // Delivered rows: completed as superseded at claim time (LastError says so); sent (the channel's log holds the quantity); or
        // completed unsent because a newer item of the same key was claimed in the same pass (a reclaimed lease next to a newer item:
        // the worker sends only the newest) — then a newer row of that key is delivered. Anything else was lost.
        var sent = items.Where(r => !r.Superseded && logs[r.Target].Any(w => w.SkuCode == r.Sku && w.Quantity <= r.Quantity)).ToList();
        var supersededInPass = items.Where(r => !r.Superseded && !sent.Contains(r) && items.Any(n => n.CoalescingKey == r.CoalescingKey && n.Id > r.Id)).ToList();
        var missing = items.Where(r => !r.Superseded && !sent.Contains(r) && !supersededInPass.Contains(r)).ToList();
        Assert.True(missing.Count == 0, $"seed {seed}: {missing.Count} delivered pending-sync items never reached their channel and have no newer item:\n" +
            string.Join("\n", missing.Take(20).Select(r => $"  {r.Id} {r.CoalescingKey} quantity {r.Quantity} ({r.TransactionId}), {r.Attempts} attempts, last error {r.LastError}")));

        var rises = new List<string>();
        var repeats = 0;
        var writes = 0;
        foreach (var (channel, log) in logs)
        {
            writes += log.Count;
            foreach (var sku in log.GroupBy(w => w.SkuCode))
            {
                var previous = sku.First();
                foreach (var w in sku.Skip(1))
                {
                    if (w.Quantity > previous.Quantity)
                    {
                        var queued = items.Where(r => r.Target == channel && r.Sku == sku.Key && r.Quantity == w.Quantity).Select(r => $"{r.Id} ({r.TransactionId}, {(r.Superseded ? "superseded" : "sent")})").ToList();
                        rises.Add(string.Create(CultureInfo.InvariantCulture,
                            $"  {channel} {sku.Key}: {w.Quantity} at {w.At:HH:mm:ss.fff} after {previous.Quantity} at {previous.At:HH:mm:ss.fff}; queued items with {w.Quantity}: {(queued.Count == 0 ? "none (not a queued push)" : string.Join(", ", queued))}"));
                    }
                    else if (w.Quantity == previous.Quantity)
                    {
                        repeats++;
                    }

                    previous = w;
                }
            }
        }

        var wrong = world.ChannelQuantities().Where(q => q.Shown != q.Sellable).ToList();
        Assert.True(wrong.Count == 0, $"seed {seed}: {wrong.Count} listings do not show the sellable quantity:\n" +
            string.Join("\n", wrong.Take(20).Select(q => $"  {q.Channel} {q.Sku}: shows {q.Shown}, sellable {q.Sellable}")));

        // Last, so that a run that finds stale writes still checked everything else. The cause these runs found (docs/reliability.md):
        // a channel push queued during an outage stayed queued when a later sync pushed a newer quantity directly, and the hosted
        // pending-sync worker, then without a quantity guard, sent the older one.
        var retried = items.Count(r => r.Attempts > 1);
        var queue = string.Create(CultureInfo.InvariantCulture,
            $"queue: {enqueued} pushes enqueued, {items.Count} items ({enqueued - items.Count} coalesced into a pending item), {sent.Count} delivered by sending, {items.Count(r => r.Superseded)} superseded at claim, {supersededInPass.Count} superseded in a pass, {retried} needed more than one attempt, 0 open, 0 dead letters; channel writes {writes}, repeats {repeats}");
        if (hosts > 1)
        {
            return queue + string.Create(CultureInfo.InvariantCulture, $", rises {rises.Count} (several hosts: reported, not asserted)");
        }

        Assert.True(rises.Count == 0, $"seed {seed}: {queue}; {rises.Count} channel writes of an older (higher) quantity after a newer one was accepted " +
            $"({rises.Count(r => !r.Contains("not a queued push", StringComparison.Ordinal))} of them the quantity of a queued push):\n" + string.Join("\n", rises.Take(30)));

        return queue + ", rises 0";
    }
}
