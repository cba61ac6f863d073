using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Internal;
using Orchestrator.Storage;

namespace Orchestrator.Intake;

/// <summary>
/// Carries an order's task out in the host's flow A or flow B handler (seed 000): NEW → IN_PROGRESS → COMPLETED, or FAILED,
/// retried with exponential backoff up to <see cref="OrderTaskOptions.MaxAttempts"/>, then held with its last error for a person.
/// </summary>
/// <remarks>
/// <para>Every move is a compare-and-set in the order buffer, so two runners (in two processes) never run the same task at once.</para>
/// <para>A task a crash left IN_PROGRESS longer than <see cref="OrderTaskOptions.InProgressTimeout"/> counts as a failed attempt and is
/// retried; handlers must therefore be idempotent (the order id is the natural key).</para>
/// </remarks>
public sealed class OrderTaskRunner
{
    private readonly IOrderBufferStore _buffer;
    private readonly Dictionary<FlowType, IOrderFlowHandler> _handlers;
    private readonly OrderTaskOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="OrderTaskRunner"/> class.</summary>
    /// <param name="buffer">The order buffer.</param>
    /// <param name="handlers">One handler per flow.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ValidationException">An option is out of range, or two handlers serve the same flow.</exception>
    public OrderTaskRunner(IOrderBufferStore buffer, IEnumerable<IOrderFlowHandler> handlers, OrderTaskOptions? options = null, TimeProvider? timeProvider = null, ILogger<OrderTaskRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(handlers);
        _options = options ?? new OrderTaskOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _handlers = [];
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Flow, handler))
            {
                throw new ValidationException($"Two order flow handlers serve flow {handler.Flow}.");
            }
        }

        _buffer = buffer;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Runs the tasks that are ready now: new ones, failed ones whose retry is due, and ones a crash left in progress.</summary>
    /// <param name="cancellationToken">Cancels the run; a task being handled is left in progress and recovered later.</param>
    /// <returns>What the run did.</returns>
    public async Task<OrderTaskRunResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var recovered = 0;
        foreach (var stale in await _buffer.GetTasksAsync(OrderStatus.InProgress, null, now - _options.InProgressTimeout, _options.BatchSize, cancellationToken).ConfigureAwait(false))
        {
            if (await FailAsync(stale, OrderStatus.InProgress, "interrupted while in progress", now, cancellationToken).ConfigureAwait(false))
            {
                recovered++;
            }
        }

        var completed = 0;
        var failed = 0;
        var fresh = await _buffer.GetTasksAsync(OrderStatus.New, null, null, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        var due = await _buffer.GetDueForRetryAsync(now, _options.MaxAttempts, _options.BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var order in fresh.Concat(due))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var from = order.Status;
            var started = await _buffer.TransitionAsync(new OrderTransition(order.Order.Source, order.Order.OrderId, from, OrderStatus.InProgress, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (!started)
            {
                continue; // another runner took it
            }

            try
            {
                if (order.Flow is not { } flow || !_handlers.TryGetValue(flow, out var handler))
                {
                    throw new InvalidOperationException($"No handler is registered for flow {order.Flow?.ToString() ?? "(none)"}.");
                }

                await handler.HandleAsync(order, cancellationToken).ConfigureAwait(false);
                await _buffer.TransitionAsync(new OrderTransition(order.Order.Source, order.Order.OrderId, OrderStatus.InProgress, OrderStatus.Completed, _time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
                completed++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                await FailAsync(order, OrderStatus.InProgress, $"{ex.GetType().Name}: {ex.Message}", _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                failed++;
            }
        }

        return new OrderTaskRunResult(completed, failed, recovered);
    }

    /// <summary>Puts a failed order back to NEW so it runs again, whatever its attempts (an operator's retry).</summary>
    /// <param name="source">The source.</param>
    /// <param name="orderId">The order.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the order was FAILED and is NEW again.</returns>
    public Task<bool> RetryAsync(string source, string orderId, CancellationToken cancellationToken) =>
        _buffer.TransitionAsync(new OrderTransition(source, orderId, OrderStatus.Failed, OrderStatus.New, _time.GetUtcNow()), cancellationToken);

    /// <summary>Stops a new or failed order from running: it is held as FAILED with the reason and no retry (an operator's cancel).</summary>
    /// <param name="source">The source.</param>
    /// <param name="orderId">The order.</param>
    /// <param name="cancelledBy">Who cancels.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the order was NEW or FAILED and is now held.</returns>
    public async Task<bool> CancelAsync(string source, string orderId, string cancelledBy, string reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cancelledBy);
        var text = $"cancelled by {cancelledBy}: {reason}";
        var now = _time.GetUtcNow();
        return await _buffer.TransitionAsync(new OrderTransition(source, orderId, OrderStatus.New, OrderStatus.Failed, now, text), cancellationToken).ConfigureAwait(false)
            || await _buffer.TransitionAsync(new OrderTransition(source, orderId, OrderStatus.Failed, OrderStatus.Failed, now, text), cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> FailAsync(BufferedOrder order, OrderStatus from, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var attempt = order.Attempts + 1;
        var next = attempt < _options.MaxAttempts ? now + Backoff(attempt) : (DateTimeOffset?)null;
        var moved = await _buffer.TransitionAsync(new OrderTransition(order.Order.Source, order.Order.OrderId, from, OrderStatus.Failed, now, message, next), cancellationToken).ConfigureAwait(false);
        if (moved)
        {
            Log.OrderTaskFailed(_logger, order.Order.Source, order.Order.OrderId, attempt, _options.MaxAttempts, message, next);
        }

        return moved;
    }

    private TimeSpan Backoff(int attempt)
    {
        var ticks = _options.RetryBaseDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _options.MaxRetryDelay.Ticks));
    }
}

/// <summary>Carries out orders of one flow: the host's own work (reserve stock, create a picking task in the WES, …).</summary>
public interface IOrderFlowHandler
{
    /// <summary>Gets the flow this handler serves.</summary>
    FlowType Flow { get; }

    /// <summary>Handles one order. Must be idempotent: after a crash the same order may be handled again.</summary>
    /// <param name="order">The order.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>A task; an exception fails the attempt.</returns>
    Task HandleAsync(BufferedOrder order, CancellationToken cancellationToken);
}

/// <summary>Configures the <see cref="OrderTaskRunner"/>.</summary>
public sealed class OrderTaskOptions
{
    /// <summary>Gets or sets how many attempts a task gets before it is held for a person.</summary>
    /// <value>Default 5; 1 to 100.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Gets or sets the delay before the first retry; each later retry waits twice as long.</summary>
    /// <value>Default 30 seconds; 0 to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest delay between retries.</summary>
    /// <value>Default 1 hour; 0 to 7 days.</value>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long a task may stay in progress before it counts as interrupted and is retried.</summary>
    /// <value>Default 10 minutes; 1 second to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InProgressTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how many tasks one run picks up of each kind (new, due for retry, interrupted).</summary>
    /// <value>Default 100; 1 to 10,000.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

/// <summary>Reports one run of the <see cref="OrderTaskRunner"/>.</summary>
/// <param name="Completed">Tasks completed.</param>
/// <param name="Failed">Tasks that failed this time (retried later, or held when out of attempts).</param>
/// <param name="Recovered">Tasks found interrupted in progress and put back for a retry.</param>
public sealed record OrderTaskRunResult(int Completed, int Failed, int Recovered);
