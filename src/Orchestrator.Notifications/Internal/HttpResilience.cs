using System.Net;
using Polly;
using Polly.Retry;

namespace Orchestrator.Http.Internal;

/// <summary>Thrown inside a pipeline when one attempt ran out of time (not when the caller cancelled).</summary>
internal sealed class AttemptTimeoutException(TimeSpan timeout, Exception? inner = null)
    : TimeoutException($"The attempt did not complete within {timeout.TotalSeconds:0.###} s.", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>Builds the retry pipeline and runs single attempts for the HTTP clients of this package.</summary>
/// <remarks>
/// Retries a 429 (waiting its <c>Retry-After</c> when it gives one), a 5xx, a 408, an attempt timeout and a connection failure;
/// never another 4xx. Delays run on the injected <see cref="TimeProvider"/>. The attempt timeout runs on the runtime's own timer
/// because it measures real network time, which a manual test clock does not move.
/// </remarks>
internal static class HttpResilience
{
    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(
        TimeProvider time,
        int maxRetries,
        TimeSpan retryDelay,
        TimeSpan maxRetryAfter,
        PacingGate? gate,
        Action<int, TimeSpan, string>? onRetry)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (maxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = retryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, time, maxRetryAfter)),
                DelayGenerator = args =>
                {
                    if (args.Outcome.Result is { } response && RetryAfter.Read(response.Headers, time) is { } wait)
                    {
                        gate?.BlockUntil(time.GetUtcNow() + wait);
                        return ValueTask.FromResult<TimeSpan?>(wait);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    onRetry?.Invoke(args.AttemptNumber + 1, args.RetryDelay, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        AttemptTimeoutException => "timeout",
        HttpRequestException e => "connection failure" + (e.HttpRequestError == HttpRequestError.Unknown ? string.Empty : $" ({e.HttpRequestError})"),
        { } e => e.GetType().Name,
        null => "HTTP " + ((int)outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Sends one attempt with its own timeout, turning an expired timeout into <see cref="AttemptTimeoutException"/>.</summary>
    public static async ValueTask<HttpResponseMessage> SendAttemptAsync(
        HttpClient client,
        Func<HttpRequestMessage> createRequest,
        TimeSpan attemptTimeout,
        HttpCompletionOption completion,
        CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(attemptTimeout);
        using var request = createRequest();
        try
        {
            return await client.SendAsync(request, completion, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimeoutException(attemptTimeout, e);
        }
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, TimeProvider time, TimeSpan maxRetryAfter)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or AttemptTimeoutException;
        }

        var response = outcome.Result!;
        if (!IsTransient(response.StatusCode))
        {
            return false;
        }

        // A Retry-After longer than we are willing to wait fails now rather than hammering the service early.
        var wait = RetryAfter.Read(response.Headers, time);
        return wait is null || wait <= maxRetryAfter;
    }
}
