using System.Globalization;
using Orchestrator.Sandbox;

namespace Orchestrator.Crash.Tests;

/// <summary>
/// Checks from the order sources' side that one partition is polled by one host at a time. Every order request (fetch or mark) the
/// sandbox served carries its host (<c>X-Crash-Host</c>) and its poll (<c>X-Crash-Poll</c>: partition and the partition lock's fencing
/// token, set by the crash host when the poll took the lock); the sandbox timed it. A poll is the span from its first request's start
/// to its last request's end; for each source and partition the polls must not overlap.
/// </summary>
internal static class PollCheck
{
    public static bool IsOrderRequest(string path) =>
        path.Contains("/ordersheets", StringComparison.Ordinal)          // Coupang: list, acknowledgement
        || path.Contains("/product-orders/", StringComparison.Ordinal)  // Naver: last-changed, query, confirm
        || path.Contains("/admin/orders", StringComparison.Ordinal);    // Cafe24: list, status update

    public static Result Analyze(IReadOnlyList<SandboxRequest> requests)
    {
        var unlabelled = 0;
        var polls = new Dictionary<(string Source, string Host, string Poll), Poll>();
        foreach (var r in requests)
        {
            var source = r.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
            if (!r.Headers.TryGetValue("X-Crash-Host", out var host) || !r.Headers.TryGetValue("X-Crash-Poll", out var poll))
            {
                unlabelled++;
                continue;
            }

            var key = (source, host, poll);
            polls[key] = polls.TryGetValue(key, out var p)
                ? p with { Start = Min(p.Start, r.StartedAt), End = Max(p.End, r.CompletedAt), Requests = p.Requests + 1 }
                : new Poll(source, poll.Split('|')[0], host, poll, r.StartedAt, r.CompletedAt, 1);
        }

        var overlaps = new List<string>();
        var tokenOrder = new List<string>();
        foreach (var partition in polls.Values.GroupBy(p => (p.Source, p.Partition)))
        {
            var ordered = partition.OrderBy(p => p.Start).ToList();
            var latest = ordered[0];
            for (var i = 1; i < ordered.Count; i++)
            {
                var p = ordered[i];
                if (p.Start < latest.End)
                {
                    overlaps.Add($"{p.Source}/{p.Partition}: {latest.Host} poll {latest.Label} {latest.Start:HH:mm:ss.fff}–{latest.End:HH:mm:ss.fff} and {p.Host} poll {p.Label} {p.Start:HH:mm:ss.fff}–{p.End:HH:mm:ss.fff}");
                }

                if (Token(p) is { } t && Token(ordered[i - 1]) is { } previous && t <= previous)
                {
                    tokenOrder.Add($"{p.Source}/{p.Partition}: poll {p.Label} of {p.Host} started after poll {ordered[i - 1].Label} of {ordered[i - 1].Host}");
                }

                latest = p.End > latest.End ? p : latest;
            }
        }

        return new Result(polls.Count, polls.Values.Select(p => p.Host).Distinct().Count(), requests.Count, unlabelled, overlaps, tokenOrder);
    }

    private static long? Token(Poll p) => long.TryParse(p.Label.Split('|')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed record Poll(string Source, string Partition, string Host, string Label, DateTimeOffset Start, DateTimeOffset End, int Requests);

    /// <summary>What the check found.</summary>
    /// <param name="Polls">Polls seen.</param>
    /// <param name="Hosts">Hosts that polled.</param>
    /// <param name="Requests">Order requests seen.</param>
    /// <param name="Unlabelled">Order requests without a host or poll label (sent outside a poll).</param>
    /// <param name="Overlaps">Pairs of polls of one partition that overlapped.</param>
    /// <param name="TokenOrder">Polls whose lock fencing token was not above the previous poll's.</param>
    public sealed record Result(int Polls, int Hosts, int Requests, int Unlabelled, IReadOnlyList<string> Overlaps, IReadOnlyList<string> TokenOrder);
}
