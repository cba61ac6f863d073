using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Orchestrator.Internal.Http;

/// <summary>Holds the settings of the resilience pipeline around every HTTP call of an adapter.</summary>
internal sealed record HttpResilienceSettings
{
    /// <summary>Gets the time one attempt (request and body) may take.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how many times a failed attempt is retried.</summary>
    public int MaxRetryAttempts { get; init; } = 3;

    /// <summary>Gets the first retry delay; later delays grow exponentially with jitter.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the longest delay between two attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the longest <c>Retry-After</c> that is waited out; a longer one fails the call as rate limited.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets the failure ratio in the sampling window that opens the circuit.</summary>
    public double BreakFailureRatio { get; init; } = 0.5;

    /// <summary>Gets the fewest calls in the sampling window before the circuit may open.</summary>
    public int BreakMinimumThroughput { get; init; } = 20;

    /// <summary>Gets the sampling window of the circuit breaker.</summary>
    public TimeSpan BreakSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long the circuit stays open.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets names of vendor headers that carry "seconds until calls are allowed again" (e.g. <c>X-Cafe24-Call-Remain</c>).</summary>
    public IReadOnlyList<string> ExtraRetryAfterHeaders { get; init; } = [];
}

/// <summary>Receives what the resilience pipeline did, so each package can log it with its own event ids.</summary>
internal sealed class HttpPipelineEvents
{
    /// <summary>Gets or sets the callback for a retry: attempt number, delay, status code (or null) and exception (or null).</summary>
    public Action<int, TimeSpan, int?, Exception?>? Retrying { get; set; }

    /// <summary>Gets or sets the callback for an opened circuit, with its break duration.</summary>
    public Action<TimeSpan>? CircuitOpened { get; set; }

    /// <summary>Gets or sets the callback for a closed circuit.</summary>
    public Action? CircuitClosed { get; set; }

    /// <summary>Gets or sets the callback for a 429, with the wait the server asked for (or null).</summary>
    public Action<TimeSpan?>? RateLimited { get; set; }
}

/// <summary>Builds the Polly pipeline shared by every HTTP client of the adapter packages.</summary>
internal static class HttpResilience
{
    /// <summary>Builds retry (jitter; 5xx, 408, timeouts, connection failures; 429 honouring <c>Retry-After</c>) around a circuit breaker.</summary>
    /// <remarks>
    /// The per-attempt timeout is not part of this pipeline: <see cref="ResilientHttpClient"/> applies it around the send only,
    /// after the rate permit was granted, so waiting for the rate budget never counts as a timeout or as a service failure.
    /// </remarks>
    /// <param name="settings">The settings.</param>
    /// <param name="timeProvider">The clock; also drives the delays.</param>
    /// <param name="budget">The rate budget to pause on a 429, or <see langword="null"/>.</param>
    /// <param name="events">Callbacks for logging, or <see langword="null"/>.</param>
    /// <returns>The pipeline.</returns>
    public static ResiliencePipeline<HttpResponseMessage> Build(
        HttpResilienceSettings settings,
        TimeProvider timeProvider,
        RateBudget? budget = null,
        HttpPipelineEvents? events = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetryAttempts,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, settings, timeProvider)),
                DelayGenerator = args =>
                {
                    if (args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response)
                    {
                        var wait = RetryAfter.Read(response, settings.ExtraRetryAfterHeaders, timeProvider);
                        events?.RateLimited?.Invoke(wait);
                        var delay = wait ?? Backoff(settings, args.AttemptNumber);
                        budget?.PauseFor(delay);
                        return ValueTask.FromResult<TimeSpan?>(delay);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    events?.Retrying?.Invoke(args.AttemptNumber + 1, args.RetryDelay, (int?)args.Outcome.Result?.StatusCode, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = settings.BreakFailureRatio,
            MinimumThroughput = settings.BreakMinimumThroughput,
            SamplingDuration = settings.BreakSamplingDuration,
            BreakDuration = settings.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsServiceFailure(args.Outcome)),
            OnOpened = args =>
            {
                events?.CircuitOpened?.Invoke(args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                events?.CircuitClosed?.Invoke();
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    /// <summary>Returns whether an outcome counts as the service failing (5xx, 408, timeout, connection failure).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns><see langword="true"/> for a service failure.</returns>
    public static bool IsServiceFailure(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException or HttpRequestException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout,
        _ => false,
    };

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpResilienceSettings settings, TimeProvider timeProvider)
    {
        if (IsServiceFailure(outcome))
        {
            return true;
        }

        if (outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } response)
        {
            // A server that asks for a longer wait than we may spend is answered with a RateLimited failure instead.
            var wait = RetryAfter.Read(response, settings.ExtraRetryAfterHeaders, timeProvider);
            return wait is null || wait <= settings.MaxRetryAfter;
        }

        return false;
    }

    private static TimeSpan Backoff(HttpResilienceSettings settings, int attempt)
    {
        var seconds = settings.BaseDelay.TotalSeconds * Math.Pow(2, attempt);
        return TimeSpan.FromSeconds(Math.Min(seconds, settings.MaxDelay.TotalSeconds));
    }
}

/// <summary>Reads how long a server asked the client to wait.</summary>
internal static class RetryAfter
{
    /// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date), then the vendor headers given (seconds).</summary>
    /// <param name="response">The response.</param>
    /// <param name="extraHeaders">Vendor headers holding seconds.</param>
    /// <param name="timeProvider">The clock, for an HTTP date.</param>
    /// <returns>The wait, or <see langword="null"/> when the server did not say.</returns>
    public static TimeSpan? Read(HttpResponseMessage response, IReadOnlyList<string> extraHeaders, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            }

            if (retryAfter.Date is { } date)
            {
                var wait = date - timeProvider.GetUtcNow();
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
            }
        }

        foreach (var header in extraHeaders)
        {
            if (response.Headers.TryGetValues(header, out var values)
                && double.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }
}
