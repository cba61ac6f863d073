using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Internal;

/// <summary>Routes alerts by the table in <see cref="AlertDispatcherOptions.Routes"/>, drops repeats, and fans out to notifiers by target.</summary>
internal sealed class AlertDispatcher : IAlertDispatcher
{
    private readonly Dictionary<string, INotifier> _notifiers;
    private readonly Dictionary<AlertKind, AlertRoute> _routes;
    private readonly TimeSpan _quietPeriod;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<SubjectKey, Delivered> _delivered = [];

    public AlertDispatcher(IEnumerable<INotifier> notifiers, IOptions<AlertDispatcherOptions> options, TimeProvider time, ILogger<AlertDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(notifiers);
        ArgumentNullException.ThrowIfNull(options);
        _notifiers = new Dictionary<string, INotifier>(StringComparer.OrdinalIgnoreCase);
        foreach (var notifier in notifiers)
        {
            if (!_notifiers.TryAdd(notifier.Target, notifier))
            {
                throw new InvalidOperationException($"Two notifiers are registered for target '{notifier.Target}'; give each a distinct target name.");
            }
        }

        _routes = options.Value.Routes.ToDictionary(r => r.Kind);
        _quietPeriod = options.Value.QuietPeriod;
        _time = time;
        _logger = logger;
    }

    public async Task<AlertDispatchResult> DispatchAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var now = _time.GetUtcNow();
        var fresh = new Dictionary<SubjectKey, Alert>();
        var previous = new Dictionary<SubjectKey, Delivered?>();
        int suppressed = 0, unrouted = 0;
        var unroutedKinds = new Dictionary<AlertKind, int>();
        lock (_lock)
        {
            Prune(now);
            foreach (var alert in alerts)
            {
                if (!_routes.TryGetValue(alert.Kind, out var route))
                {
                    unrouted++;
                    unroutedKinds[alert.Kind] = unroutedKinds.GetValueOrDefault(alert.Kind) + 1;
                    continue;
                }

                var key = SubjectKey.Of(alert);
                if (_delivered.TryGetValue(key, out var last) && last.Level == alert.Level && now - last.At < _quietPeriod)
                {
                    suppressed++;
                    continue;
                }

                // The same subject twice in one set: the later one wins.
                if (fresh.ContainsKey(key))
                {
                    suppressed++;
                }

                fresh[key] = alert with { Severity = route.Severity };
            }

            // Claim the subjects now, so a dispatch running at the same time does not send them too; a failure below releases them.
            foreach (var (key, alert) in fresh)
            {
                previous[key] = _delivered.TryGetValue(key, out var before) ? before : null;
                _delivered[key] = new Delivered(alert.Level, now);
            }
        }

        foreach (var (kind, count) in unroutedKinds)
        {
            Log.Unrouted(_logger, count, kind);
        }

        Log.Dispatching(_logger, alerts.Count, suppressed, unrouted);

        var byTarget = new Dictionary<string, List<KeyValuePair<SubjectKey, Alert>>>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in fresh)
        {
            foreach (var target in _routes[entry.Value.Kind].Targets)
            {
                if (!byTarget.TryGetValue(target, out var list))
                {
                    byTarget[target] = list = [];
                }

                list.Add(entry);
            }
        }

        var sends = byTarget.Select(async pair =>
        {
            var result = await SendSafelyAsync(pair.Key, pair.Value.ConvertAll(e => e.Value), cancellationToken).ConfigureAwait(false);
            return (Target: pair.Key, Result: result, Keys: pair.Value.ConvertAll(e => e.Key));
        }).ToList();
        (string Target, NotificationResult Result, List<SubjectKey> Keys)[] results;
        try
        {
            results = await Task.WhenAll(sends).ConfigureAwait(false);
        }
        catch
        {
            // Cancelled: nothing is known to be delivered, so nothing stays claimed.
            Release(fresh.Keys, previous);
            throw;
        }

        // Remember only what reached every one of its targets; anything else is sent again next time.
        var failedKeys = new HashSet<SubjectKey>();
        foreach (var (_, result, keys) in results)
        {
            if (result.Failed > 0)
            {
                failedKeys.UnionWith(keys);
            }
        }

        Release(failedKeys, previous);

        var targets = results.ToDictionary(r => r.Target, r => r.Result, StringComparer.OrdinalIgnoreCase);
        return new AlertDispatchResult(alerts.Count, suppressed, unrouted, targets);
    }

    private async Task<NotificationResult> SendSafelyAsync(string target, List<Alert> alerts, CancellationToken cancellationToken)
    {
        if (!_notifiers.TryGetValue(target, out var notifier))
        {
            Log.NoNotifier(_logger, target, alerts.Count);
            return new NotificationResult(0, alerts.Count, 0, $"no notifier is registered for target '{target}'");
        }

        try
        {
            return await notifier.SendAsync(alerts, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A notifier that breaks its contract must not take the sync run down with it: report and go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.NotifierThrew(_logger, e, target, alerts.Count);
            return new NotificationResult(0, alerts.Count, 0, $"the notifier threw {e.GetType().Name}");
        }
    }

    private void Release(IEnumerable<SubjectKey> keys, Dictionary<SubjectKey, Delivered?> previous)
    {
        lock (_lock)
        {
            foreach (var key in keys)
            {
                if (previous.TryGetValue(key, out var before) && before is { } restored)
                {
                    _delivered[key] = restored;
                }
                else
                {
                    _delivered.Remove(key);
                }
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_delivered.Count == 0)
        {
            return;
        }

        List<SubjectKey>? expired = null;
        foreach (var (key, delivered) in _delivered)
        {
            if (now - delivered.At >= _quietPeriod)
            {
                (expired ??= []).Add(key);
            }
        }

        expired?.ForEach(k => _delivered.Remove(k));
    }

    /// <summary>What an alert is about. Without a SKU the title tells two alerts of one kind apart (two different sync failures).</summary>
    private readonly record struct SubjectKey(AlertKind Kind, string? Sku, string? Warehouse, string? Channel, string? Title)
    {
        public static SubjectKey Of(Alert alert) => new(alert.Kind, alert.SkuCode, alert.WarehouseId, alert.Channel, alert.SkuCode is null ? alert.Title : null);
    }

    private readonly record struct Delivered(string? Level, DateTimeOffset At);
}
