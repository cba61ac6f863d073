using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;

namespace Orchestrator.Notifications.Internal;

/// <summary>
/// Sends alerts to a Slack incoming webhook as Block Kit messages, at most one message per <see cref="SlackNotifierOptions.MinInterval"/>.
/// </summary>
internal sealed class SlackNotifier : INotifier, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private readonly Func<HttpClient> _http;
    private readonly string _target;
    private readonly SlackNotifierOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly NotifierHttp _client;

    public SlackNotifier(string target, Func<HttpClient> http, SlackNotifierOptions options, TimeProvider time, ILogger<SlackNotifier> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(target);
        ArgumentNullException.ThrowIfNull(http);
        _target = target;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.WebhookUrl);
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _client = new NotifierHttp(target, http, time, logger, options.MinInterval, options.MaxRetries, options.RetryDelay, options.MaxRetryAfter, options.AttemptTimeout);

        // The whole URL, its path and its last segment are the secret.
        _client.Redactor.Add(options.WebhookUrl.AbsoluteUri);
        _client.Redactor.Add(options.WebhookUrl.OriginalString);
        _client.Redactor.Add(options.WebhookUrl.AbsolutePath);
        _client.Redactor.Add(options.WebhookUrl.Segments[^1]);
    }

    public string Target => _target;

    public void Dispose()
    {
        _client.Dispose();
    }

    public async Task<NotificationResult> SendAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return new NotificationResult(0, 0, 0);
        }

        var messages = SlackMessageComposer.Compose(alerts, _options.MaxAlertsPerMessage, _options.DashboardUrl, _time.GetUtcNow());
        int delivered = 0, failed = 0, sent = 0;
        string? error = null;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var outcome = await PostAsync(message, cancellationToken).ConfigureAwait(false);
            if (outcome.Delivered)
            {
                delivered += message.AlertCount;
                sent++;
                Log.MessageSent(_logger, Target, i + 1, messages.Count, message.AlertCount);
                continue;
            }

            error = outcome.Error;
            if (outcome.Permanent)
            {
                // The webhook is gone or refused: every remaining message would fail the same way.
                var remaining = messages.Skip(i).Sum(m => m.AlertCount);
                failed += remaining;
                Log.Misconfigured(_logger, Target, outcome.StatusCode ?? 0, outcome.Error!, remaining);
                break;
            }

            failed += message.AlertCount;
            Log.MessageFailed(_logger, Target, message.AlertCount, outcome.Error!);
        }

        return new NotificationResult(delivered, failed, sent, error);
    }

    private async Task<PostOutcome> PostAsync(SlackMessage message, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.SendAsync("post a Slack message", () => CreateRequest(message), cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return new PostOutcome(true, false, null, null);
            }

            var body = await ReadReasonAsync(response, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var reason = $"Slack answered {status} {body}".TrimEnd();
            var permanent = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.Unauthorized;
            return new PostOutcome(false, permanent, status, reason);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (NotifierDeliveryException e)
        {
            return new PostOutcome(false, false, e.StatusCode, e.Message);
        }
    }

    private HttpRequestMessage CreateRequest(SlackMessage message)
    {
        var content = new ByteArrayContent(message.Body);
        content.Headers.ContentType = JsonType;
        return new HttpRequestMessage(HttpMethod.Post, _options.WebhookUrl) { Content = content };
    }

    private async Task<string> ReadReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Slack answers errors as short text (invalid_payload, channel_not_found, no_service …).
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return _client.Redactor.Redact(AlertText.Truncate(text.Trim(), 100));
    }

    private sealed record PostOutcome(bool Delivered, bool Permanent, int? StatusCode, string? Error);
}
