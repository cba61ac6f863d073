using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Orchestrator.Alerts;
using Orchestrator.Http.Internal;
using Polly;

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
    private readonly PacingGate _gate;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string[] _secrets;

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
        _secrets = Redaction.SecretsOf(options.WebhookUrl);
        _gate = new PacingGate(time, 1, options.MinInterval);
        _pipeline = HttpResilience.CreatePipeline(
            time,
            options.MaxRetries,
            options.RetryDelay,
            options.MaxRetryAfter,
            _gate,
            (attempt, delay, reason) => Log.Retrying(_logger, Target, delay, attempt, reason));
    }

    public string Target => _target;

    public void Dispose()
    {
        _gate.Dispose();
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
            using var response = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    await _gate.WaitAsync(ct).ConfigureAwait(false);
                    return await HttpResilience.SendAttemptAsync(_http(), () => CreateRequest(message), _options.AttemptTimeout, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
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
        catch (Exception e) when (e is HttpRequestException or AttemptTimeoutException or InvalidOperationException)
        {
            var reason = e is AttemptTimeoutException ? "Slack did not answer in time" : "Slack could not be reached: " + Redaction.Redact(e.Message, _secrets);
            return new PostOutcome(false, false, null, reason);
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
        return Redaction.Redact(AlertText.Truncate(text.Trim(), 100), _secrets);
    }

    private sealed record PostOutcome(bool Delivered, bool Permanent, int? StatusCode, string? Error);
}
