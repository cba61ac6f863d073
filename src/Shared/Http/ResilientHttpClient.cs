using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Orchestrator.Internal.Http;

/// <summary>Creates the exception a package throws for a failed call (ChannelApiException for channels, WarehouseApiException for the WES).</summary>
/// <param name="kind">What went wrong.</param>
/// <param name="message">A message for operators, already free of secrets.</param>
/// <param name="statusCode">The HTTP status, when the service answered.</param>
/// <param name="innerException">The underlying error, if any.</param>
/// <returns>The exception to throw.</returns>
internal delegate Exception HttpFailureFactory(ChannelFailureKind kind, string message, int? statusCode, Exception? innerException);

/// <summary>
/// Sends requests through the rate budget and the resilience pipeline and turns every failure into the package's typed exception.
/// </summary>
/// <remarks>
/// <para>The request is built again for every attempt (<c>createRequest</c>), so a signature or token is always fresh.</para>
/// <para>Every attempt takes one permit of the <see cref="RateBudget"/> before it goes on the wire, then the response headers
/// are handed to <c>observe</c> so the budget can be tuned from the server's view.</para>
/// <para>The body is buffered inside the attempt, so the per-attempt timeout covers reading it.</para>
/// </remarks>
internal sealed class ResilientHttpClient
{
    private const int MaxBodyInMessage = 512;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly RateBudget _budget;
    private readonly HttpFailureFactory _failures;
    private readonly SecretRedactor _redactor;
    private readonly Action<HttpResponseMessage>? _observe;
    private readonly TimeSpan _attemptTimeout;
    private readonly ResiliencePipeline _timeout;

    /// <summary>Initializes a new instance of the <see cref="ResilientHttpClient"/> class.</summary>
    /// <param name="http">The HTTP client (its own timeout should be infinite: the pipeline owns timeouts).</param>
    /// <param name="pipeline">The pipeline from <see cref="HttpResilience.Build"/>.</param>
    /// <param name="budget">The account's rate budget.</param>
    /// <param name="failures">Creates the typed exception.</param>
    /// <param name="redactor">Removes secrets from messages.</param>
    /// <param name="attemptTimeout">The per-attempt timeout, for messages.</param>
    /// <param name="observe">Reads rate-limit headers of every response, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of the per-attempt timeout, or <see langword="null"/> for the system clock.</param>
    public ResilientHttpClient(
        HttpClient http,
        ResiliencePipeline<HttpResponseMessage> pipeline,
        RateBudget budget,
        HttpFailureFactory failures,
        SecretRedactor redactor,
        TimeSpan attemptTimeout,
        Action<HttpResponseMessage>? observe = null,
        TimeProvider? timeProvider = null)
    {
        _timeout = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }.AddTimeout(attemptTimeout).Build();
        _http = http ?? throw new ArgumentNullException(nameof(http));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
        _budget = budget ?? throw new ArgumentNullException(nameof(budget));
        _failures = failures ?? throw new ArgumentNullException(nameof(failures));
        _redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));
        _attemptTimeout = attemptTimeout;
        _observe = observe;
    }

    /// <summary>Gets the rate budget.</summary>
    public RateBudget Budget => _budget;

    /// <summary>Sends a request and returns its successful (2xx) response, buffered.</summary>
    /// <param name="operation">What the call does, for messages (no secrets, no query).</param>
    /// <param name="createRequest">Builds the request for one attempt.</param>
    /// <param name="priority">The rate-budget lane.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response; the caller disposes it.</returns>
    /// <exception cref="Exception">The package's typed exception (from the <see cref="HttpFailureFactory"/>) for every failure.</exception>
    public async Task<HttpResponseMessage> SendAsync(
        string operation,
        Func<CancellationToken, ValueTask<HttpRequestMessage>> createRequest,
        RequestPriority priority,
        CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(operation, createRequest, priority, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(operation, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request and returns its final response whatever its status; transport failures still throw typed.</summary>
    /// <param name="operation">What the call does, for messages.</param>
    /// <param name="createRequest">Builds the request for one attempt.</param>
    /// <param name="priority">The rate-budget lane.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response; the caller disposes it.</returns>
    public async Task<HttpResponseMessage> SendRawAsync(
        string operation,
        Func<CancellationToken, ValueTask<HttpRequestMessage>> createRequest,
        RequestPriority priority,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operation);
        ArgumentNullException.ThrowIfNull(createRequest);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, ct) =>
                {
                    var (self, create, lane) = state;

                    // The permit is taken outside the attempt timeout: a long wait for the budget is not a failing service.
                    using var lease = await self._budget.AcquireAsync(lane, ct).ConfigureAwait(false);
                    if (!lease.IsAcquired)
                    {
                        throw new RateBudgetExhaustedException();
                    }

                    return await self._timeout.ExecuteAsync(
                        static async (inner, attemptToken) =>
                        {
                            var (client, factory) = inner;
                            using var request = await factory(attemptToken).ConfigureAwait(false);
                            var response = await client._http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptToken).ConfigureAwait(false);
                            client._observe?.Invoke(response);
                            return response;
                        },
                        (self, create),
                        ct).ConfigureAwait(false);
                },
                (this, createRequest, priority),
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (TimeoutRejectedException ex)
        {
            throw _failures(ChannelFailureKind.Timeout, $"{operation}: no answer within {_attemptTimeout.TotalSeconds:0.###} s.", null, ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw _failures(ChannelFailureKind.Unavailable, $"{operation}: not sent, the circuit is open after repeated failures.", null, ex);
        }
        catch (RateBudgetExhaustedException ex)
        {
            throw _failures(ChannelFailureKind.RateLimited, $"{operation}: not sent, the rate budget queue of '{_budget.Account}' is full.", null, ex);
        }
        catch (HttpRequestException ex)
        {
            throw _failures(ChannelFailureKind.Unavailable, $"{operation}: connection failed ({_redactor.Redact(ex.Message)}).", null, ex);
        }
        catch (OperationCanceledException ex)
        {
            // Cancelled without the caller asking: the HttpClient's own timeout.
            throw _failures(ChannelFailureKind.Timeout, $"{operation}: the HTTP client timed out.", null, ex);
        }
    }

    /// <summary>Creates the typed exception for a non-success response, with a short redacted excerpt of the body.</summary>
    /// <param name="operation">What the call does.</param>
    /// <param name="response">The response.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The exception.</returns>
    public async Task<Exception> ToExceptionAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return CreateFailure(operation, response.StatusCode, body);
    }

    /// <summary>Creates the typed exception for a status code and body.</summary>
    /// <param name="operation">What the call does.</param>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body.</param>
    /// <returns>The exception.</returns>
    public Exception CreateFailure(string operation, HttpStatusCode status, string? body)
    {
        var excerpt = _redactor.Redact(body ?? string.Empty).ReplaceLineEndings(" ").Trim();
        if (excerpt.Length > MaxBodyInMessage)
        {
            excerpt = string.Concat(excerpt.AsSpan(0, MaxBodyInMessage), "…");
        }

        var kind = HttpFailureClassifier.Classify(status);
        return _failures(kind, $"{operation}: HTTP {(int)status} {status}{(excerpt.Length == 0 ? "." : $": {excerpt}")}", (int)status, null);
    }

    /// <summary>Creates the typed exception for a body that could not be read.</summary>
    /// <param name="operation">What the call does.</param>
    /// <param name="detail">What was wrong (no secrets).</param>
    /// <param name="statusCode">The status code.</param>
    /// <param name="innerException">The parser error, if any.</param>
    /// <returns>The exception.</returns>
    public Exception Malformed(string operation, string detail, int? statusCode, Exception? innerException = null) =>
        _failures(ChannelFailureKind.MalformedResponse, $"{operation}: unreadable response body ({_redactor.Redact(detail)}).", statusCode, innerException);

    private sealed class RateBudgetExhaustedException : Exception
    {
        public RateBudgetExhaustedException()
            : base("The rate budget queue is full.")
        {
        }
    }
}

/// <summary>Maps HTTP statuses to <see cref="ChannelFailureKind"/>.</summary>
internal static class HttpFailureClassifier
{
    /// <summary>Maps a status: 429 → RateLimited, 401/403 → Unauthorized, 408/504 → Timeout, 5xx → Unavailable, other 4xx → Rejected.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The failure kind.</returns>
    public static ChannelFailureKind Classify(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => ChannelFailureKind.RateLimited,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ChannelFailureKind.Unauthorized,
        HttpStatusCode.RequestTimeout or HttpStatusCode.GatewayTimeout => ChannelFailureKind.Timeout,
        >= HttpStatusCode.InternalServerError => ChannelFailureKind.Unavailable,
        _ => ChannelFailureKind.Rejected,
    };
}
