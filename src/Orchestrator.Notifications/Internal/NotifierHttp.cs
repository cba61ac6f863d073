using Microsoft.Extensions.Logging;
using Orchestrator.Internal.Http;
using Polly;

namespace Orchestrator.Notifications.Internal;

/// <summary>A failed notifier call, already free of secrets; notifiers turn it into a <see cref="Alerts.NotificationResult.Error"/>.</summary>
internal sealed class NotifierDeliveryException(ChannelFailureKind kind, string message, int? statusCode, Exception? innerException)
    : Exception(message, innerException)
{
    public ChannelFailureKind Kind { get; } = kind;

    public int? StatusCode { get; } = statusCode;
}

/// <summary>
/// The HTTP plumbing of one notifier, on the shared adapter plumbing (<c>src/Shared/Http</c>): a rate budget of one message per
/// <c>minInterval</c> (paused by a 429's <c>Retry-After</c>), retries on 429/5xx/408/timeouts/connection failures, a circuit
/// breaker and a per-attempt timeout, all on the injected <see cref="TimeProvider"/>; secrets are redacted from every message.
/// </summary>
internal sealed class NotifierHttp : IDisposable
{
    private readonly Func<HttpClient> _http;
    private readonly RateBudget _budget;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeSpan _attemptTimeout;

    public NotifierHttp(
        string target,
        Func<HttpClient> http,
        TimeProvider time,
        ILogger logger,
        TimeSpan minInterval,
        int maxRetries,
        TimeSpan retryDelay,
        TimeSpan maxRetryAfter,
        TimeSpan attemptTimeout)
    {
        _http = http;
        _attemptTimeout = attemptTimeout;

        // One message per interval, no burst: Slack allows about one per second per webhook. No interval: effectively unpaced.
        var perSecond = minInterval > TimeSpan.Zero ? 1 / minInterval.TotalSeconds : 1_000;
        _budget = new RateBudget("notifier:" + target, perSecond, minInterval > TimeSpan.Zero ? 1 : 1_000, time);
        var settings = new HttpResilienceSettings
        {
            AttemptTimeout = attemptTimeout,
            MaxRetryAttempts = maxRetries,
            BaseDelay = retryDelay,
            MaxDelay = maxRetryAfter,
            MaxRetryAfter = maxRetryAfter,
        };
        var events = new HttpPipelineEvents
        {
            Retrying = (attempt, delay, status, exception) =>
                Log.Retrying(logger, target, delay, attempt, status is { } s ? "HTTP " + s.ToString(System.Globalization.CultureInfo.InvariantCulture) : exception?.GetType().Name ?? "failure"),
        };
        _pipeline = HttpResilience.Build(settings, time, _budget, events);
    }

    public SecretRedactor Redactor { get; } = new();

    /// <summary>Sends through the budget and the pipeline; returns the final response whatever its status.</summary>
    /// <exception cref="NotifierDeliveryException">No response: timeout, connection failure, open circuit.</exception>
    public Task<HttpResponseMessage> SendAsync(string operation, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken) =>
        new ResilientHttpClient(
            _http(),
            _pipeline,
            _budget,
            static (kind, message, status, inner) => new NotifierDeliveryException(kind, message, status, inner),
            Redactor,
            _attemptTimeout)
        .SendRawAsync(operation, _ => ValueTask.FromResult(createRequest()), RequestPriority.Normal, cancellationToken);

    public void Dispose() => _budget.Dispose();
}
