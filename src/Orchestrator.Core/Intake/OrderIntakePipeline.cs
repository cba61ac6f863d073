using System.ComponentModel.DataAnnotations;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Diagnostics;
using Orchestrator.Internal;
using Orchestrator.Storage;

namespace Orchestrator.Intake;

/// <summary>
/// Takes each order of a source exactly once (seed 000, Order Polling): for each partition it reads the orders changed since
/// the watermark, page by page, routes each to flow A or B, buffers it idempotently by (source, order id) together with its
/// task, and then marks it received at the source.
/// </summary>
/// <remarks>
/// <para><b>One poller per partition</b>: a poll holds the partition's job lock (a lease with a fencing token) and renews it
/// while it runs; a poller that loses its lease cannot move the watermark.</para>
/// <para><b>Nothing skipped</b>: each poll starts <see cref="OrderIntakeOptions.LookBack"/> before the watermark, so an order
/// committed late with an earlier changed-at time is still read; the buffer drops what was read twice. The watermark moves
/// only after every page of the window is durably buffered; a page that fails leaves it where it was.</para>
/// <para><b>Nothing lost</b>: a crash after buffering and before marking or task creation is repaired at the start of the
/// next poll. An order with an id but invalid lines is buffered as FAILED, held for a person, never dropped.</para>
/// <para><b>One durable write per step</b>: the pages fetched so far are buffered, with their tasks, in one transaction that
/// also records the marks the source confirmed since the earlier writes; up to <see cref="OrderIntakeOptions.WritesInFlight"/>
/// such writes run at once and are taken in the order they started. Fetching, buffering and marking run as a bounded
/// pipeline (<see cref="Channel"/>) so a slow store holds the source back instead of filling memory.</para>
/// </remarks>
public sealed class OrderIntakePipeline
{
    private const int RepairBatch = 500;
    private readonly IOrderSource _source;
    private readonly IOrderBufferStore _buffer;
    private readonly IJobLockStore _locks;
    private readonly IWatermarkStore _watermarks;
    private readonly IFlowRouter _router;
    private readonly OrderIntakeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OrchestratorMetrics? _metrics;

    /// <summary>Initializes a new instance of the <see cref="OrderIntakePipeline"/> class.</summary>
    /// <param name="source">The order source.</param>
    /// <param name="buffer">The order buffer.</param>
    /// <param name="locks">The job locks.</param>
    /// <param name="watermarks">The watermarks.</param>
    /// <param name="router">The flow router.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system clock.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="metrics">The metrics, or <see langword="null"/> for none.</param>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    public OrderIntakePipeline(
        IOrderSource source,
        IOrderBufferStore buffer,
        IJobLockStore locks,
        IWatermarkStore watermarks,
        IFlowRouter router,
        OrderIntakeOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<OrderIntakePipeline>? logger = null,
        OrchestratorMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(locks);
        ArgumentNullException.ThrowIfNull(watermarks);
        ArgumentNullException.ThrowIfNull(router);
        _options = options ?? new OrderIntakeOptions();
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        if (_options.Partitions.Count == 0 || _options.Partitions.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() != _options.Partitions.Count)
        {
            throw new ValidationException("OrderIntakeOptions.Partitions must name at least one partition, each key once.");
        }

        _source = source;
        _buffer = buffer;
        _locks = locks;
        _watermarks = watermarks;
        _router = router;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = metrics;
    }

    /// <summary>Gets the source name.</summary>
    public string SourceName => _source.Name;

    /// <summary>Polls every configured partition once, in parallel (each under its own lock).</summary>
    /// <param name="cancellationToken">Cancels the polls.</param>
    /// <returns>One result per partition.</returns>
    public async Task<IReadOnlyList<IntakeResult>> PollAllAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(_options.Partitions.Select(p => PollAsync(p, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    /// <summary>Polls one partition once.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="cancellationToken">Cancels the poll; what was buffered stays.</param>
    /// <returns>What the poll did. A failure is reported, not thrown.</returns>
    public async Task<IntakeResult> PollAsync(OrderPartition partition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var lease = await _locks.TryAcquireAsync(LockName(partition), _options.Owner, _options.LockLease, now, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            Log.IntakeLockHeld(_logger, _source.Name, partition.Key);
            return new IntakeResult(_source.Name, partition.Key, IntakeOutcome.LockHeld, 0, 0, 0, 0, 0, 0, 0, 0, null, false);
        }

        var counters = new Counters();
        var holder = new LeaseHolder(lease);
        DateTimeOffset? watermark = null;
        try
        {
            await RepairAsync(partition, now, counters, cancellationToken).ConfigureAwait(false);
            watermark = await _watermarks.GetAsync(_source.Name, partition.Key, cancellationToken).ConfigureAwait(false);
            var windowStart = (watermark ?? now - _options.InitialLookBack) - _options.LookBack;
            var window = await ReadWindowAsync(partition, windowStart, now, holder, counters, cancellationToken, lookBackEnd: watermark).ConfigureAwait(false);

            // Complete window: everything before 'now' is buffered. Stopped early: everything up to the last buffered order is.
            var target = window.More ? window.LastDurable : now;
            if (target is { } t && (watermark is null || t > watermark))
            {
                watermark = await _watermarks.AdvanceAsync(_source.Name, partition.Key, t, holder.Lease, cancellationToken).ConfigureAwait(false);
            }

            var result = counters.ToResult(_source.Name, partition.Key, IntakeOutcome.Completed, watermark, window.More);
            Log.IntakePolled(_logger, _source.Name, partition.Key, result.Fetched, result.Inserted, result.Duplicates, result.Rejected, result.TasksCreated, watermark);
            return result;
        }
        catch (LeaseLostException ex)
        {
            Log.IntakeLeaseLost(_logger, _source.Name, partition.Key);
            _metrics?.IntakeFailures.Add(1, Tag("source", _source.Name), Tag("stage", "lease"));
            return counters.ToResult(_source.Name, partition.Key, IntakeOutcome.Failed, watermark, false, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.IntakePollFailed(_logger, ex, _source.Name, partition.Key, watermark);
            _metrics?.IntakeFailures.Add(1, Tag("source", _source.Name), Tag("stage", "poll"));
            return counters.ToResult(_source.Name, partition.Key, IntakeOutcome.Failed, watermark, false, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await _locks.ReleaseAsync(holder.Lease, CancellationToken.None).ConfigureAwait(false);
            _metrics?.IntakePollDuration.Record(_time.GetElapsedTime(started).TotalSeconds, Tag("source", _source.Name), Tag("partition", partition.Key));
        }
    }

    /// <summary>
    /// Reads a closed window again and compares what the source holds with what was taken: every order the buffer did not
    /// have is reported as a gap, with the source's trace id, and taken now.
    /// </summary>
    /// <param name="partition">The partition.</param>
    /// <param name="windowStart">The start of the window (inclusive).</param>
    /// <param name="windowEnd">The end of the window (exclusive).</param>
    /// <param name="cancellationToken">Cancels the rescan.</param>
    /// <returns>The gaps found, or <see langword="null"/> when another poller holds the partition's lock.</returns>
    public async Task<RescanResult?> RescanAsync(OrderPartition partition, DateTimeOffset windowStart, DateTimeOffset windowEnd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (windowEnd <= windowStart)
        {
            throw new ArgumentOutOfRangeException(nameof(windowEnd), windowEnd, "The window must end after it starts.");
        }

        var lease = await _locks.TryAcquireAsync(LockName(partition), _options.Owner, _options.LockLease, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return null;
        }

        var holder = new LeaseHolder(lease);
        try
        {
            var counters = new Counters { Gaps = [] };
            var window = await ReadWindowAsync(partition, windowStart, windowEnd, holder, counters, cancellationToken, pageLimit: int.MaxValue).ConfigureAwait(false);
            if (counters.Gaps.Count > 0)
            {
                Log.RescanFoundGaps(_logger, _source.Name, partition.Key, windowStart, windowEnd, counters.Gaps.Count);
            }

            return new RescanResult(_source.Name, partition.Key, windowStart, windowEnd, counters.Fetched, counters.Gaps);
        }
        finally
        {
            await _locks.ReleaseAsync(holder.Lease, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, object? value) => new(key, value);

    private string LockName(OrderPartition partition) => $"intake:{_source.Name}:{partition.Key}";

    private async Task<WindowResult> ReadWindowAsync(
        OrderPartition partition,
        DateTimeOffset windowStart,
        DateTimeOffset windowEnd,
        LeaseHolder holder,
        Counters counters,
        CancellationToken cancellationToken,
        int? pageLimit = null,
        DateTimeOffset? lookBackEnd = null)
    {
        // Three stages joined by bounded channels: fetch pages → buffer them (with their tasks) → mark them at the source. Each
        // buffer write is one transaction that also records the marks the source confirmed since the previous write, so a
        // page costs one durable commit instead of three.
        var maxPages = pageLimit ?? _options.MaxPagesPerPoll;
        var pages = Channel.CreateBounded<OrderPage>(new BoundedChannelOptions(_options.PrefetchPages) { SingleReader = true, SingleWriter = true });
        var forMarking = Channel.CreateBounded<List<string>>(new BoundedChannelOptions(_options.PrefetchPages) { SingleReader = true, SingleWriter = true });
        var marked = new MarkedIds();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var more = false;

        var fetcher = Task.Run(
            async () =>
            {
                try
                {
                    string? cursor = null;
                    var read = 0;
                    do
                    {
                        var page = await _source.FetchAsync(new OrderQuery(partition, windowStart, windowEnd, cursor, _options.PageSize), stop.Token).ConfigureAwait(false)
                            ?? throw new InvalidOperationException($"Order source '{_source.Name}' returned no page.");
                        if (page.NextCursor is not null && page.NextCursor == cursor)
                        {
                            throw new InvalidOperationException($"Order source '{_source.Name}' returned the same cursor twice; stopping instead of looping.");
                        }

                        await pages.Writer.WriteAsync(page, stop.Token).ConfigureAwait(false);
                        cursor = page.NextCursor;

                        // Pages wholly inside the look-back (before the previous watermark) do not use the page budget: when more
                        // orders changed in the look-back than one poll may read, counting them would stop every poll there and the
                        // watermark would never move again.
                        if (lookBackEnd is not { } end || page.Orders.Count == 0 || page.Orders.Any(o => o is not null && o.ChangedAt >= end))
                        {
                            read++;
                        }
                    }
                    while (cursor is not null && read < maxPages);

                    more = cursor is not null;
                    pages.Writer.Complete();
                }
                catch (Exception ex)
                {
                    pages.Writer.Complete(ex);
                }
            },
            CancellationToken.None);

        var marker = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var ids in forMarking.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                    {
                        marked.Add(await MarkAsync(ids, counters, stop.Token).ConfigureAwait(false));
                    }
                }
                catch
                {
                    // Unblock the buffering stage, which may be waiting for room in the channel.
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None);

        DateTimeOffset? lastDurable = null;

        // Up to WritesInFlight writes run at once, each on its own connection: a server inserts one batch while the next is
        // prepared and sent. They are completed in the order they started, and only then counted, marked and taken as durable.
        var inFlight = new Queue<(Task<BufferedPages> Write, List<OrderPage> Batch)>();
        try
        {
            while (await pages.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                // Every page already fetched joins this write (at most PrefetchPages + 1): fewer, larger transactions when the
                // store is the slower side, one page per write when the source is.
                var batch = new List<OrderPage>(_options.PrefetchPages + 1);
                while (batch.Count <= _options.PrefetchPages && pages.Reader.TryRead(out var page))
                {
                    batch.Add(page);
                }

                await holder.RenewIfDueAsync(_locks, _options.LockLease, _time, stop.Token).ConfigureAwait(false);
                // A failing stage does not cancel a write already started: it finishes, and is counted, before the poll returns.
                inFlight.Enqueue((BufferPagesAsync(partition, batch, marked.Take(), counters, cancellationToken), batch));
                if (inFlight.Count >= _options.WritesInFlight)
                {
                    await CompleteOldestWriteAsync().ConfigureAwait(false);
                }
            }

            while (inFlight.Count > 0)
            {
                await CompleteOldestWriteAsync().ConfigureAwait(false);
            }

            forMarking.Writer.Complete();
            await marker.ConfigureAwait(false);

            // The marks confirmed after the last write; a crash before this commit only means marking those orders again.
            if (marked.Take() is { Count: > 0 } last)
            {
                await _buffer.SetMarkedAtSourceAsync(_source.Name, last, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            forMarking.Writer.TryComplete();
            await stop.CancelAsync().ConfigureAwait(false);

            // Nothing of this poll may still be writing once it returns (and releases its lock); what the writes buffered counts.
            await Task.WhenAll(inFlight.Select(w => (Task)w.Write).Append(fetcher).Append(marker)).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            foreach (var (write, _) in inFlight)
            {
                if (write.IsCompletedSuccessfully)
                {
                    Count(await write.ConfigureAwait(false), counters);
                }
            }

            // A stage that failed cancels the others; report the failure, not the cancellation it caused.
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested && marker.Exception?.InnerException is { } cause)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
            }

            throw;
        }

        await fetcher.ConfigureAwait(false);
        if (lastDurable is { } newestOrder)
        {
            _metrics?.IntakeLag.Record(Math.Max(0, (_time.GetUtcNow() - newestOrder).TotalSeconds), Tag("source", _source.Name));
        }

        return new WindowResult(more, lastDurable);

        async Task CompleteOldestWriteAsync()
        {
            var (write, batch) = inFlight.Peek();
            var buffered = await write.ConfigureAwait(false);
            inFlight.Dequeue();
            Count(buffered, counters);
            if (buffered.NewIds.Count > 0)
            {
                await forMarking.Writer.WriteAsync(buffered.NewIds, stop.Token).ConfigureAwait(false);
            }

            foreach (var page in batch)
            {
                foreach (var order in page.Orders)
                {
                    if (order is not null && (lastDurable is null || order.ChangedAt > lastDurable))
                    {
                        lastDurable = order.ChangedAt;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Buffers pages in one write: valid orders with the task the router chose, invalid ones as FAILED for a person, together
    /// with <paramref name="markedAtSource"/>. Counts the pages and rejected orders now; what the write did is counted by
    /// <see cref="Count"/> once it completes (writes may run at once).
    /// </summary>
    private async Task<BufferedPages> BufferPagesAsync(OrderPartition partition, List<OrderPage> batch, List<string> markedAtSource, Counters counters, CancellationToken cancellationToken)
    {
        var rows = new List<OrderToBuffer>();
        var traceIds = new List<string?>();
        foreach (var page in batch)
        {
            counters.Pages++;
            counters.Fetched += page.Orders.Count;
            foreach (var raw in page.Orders)
            {
                if (raw is null || string.IsNullOrWhiteSpace(raw.OrderId) || raw.OrderId.Length > 200)
                {
                    counters.Rejected++;
                    Log.OrderWithoutId(_logger, _source.Name, page.TraceId);
                    _metrics?.OrdersTaken.Add(1, Tag("source", _source.Name), Tag("outcome", "rejected"));
                    continue;
                }

                var order = string.Equals(raw.Source, _source.Name, StringComparison.Ordinal) ? raw : raw with { Source = _source.Name };
                rows.Add(Validate(order) is { } reason ? new OrderToBuffer(order, Error: reason) : new OrderToBuffer(order, Route(order)));
                traceIds.Add(page.TraceId);
            }
        }

        if (rows.Count == 0 && markedAtSource.Count == 0)
        {
            return new BufferedPages(rows, traceIds, []);
        }

        var outcomes = await _buffer.WriteAsync(new OrderBufferWrite(_source.Name, _time.GetUtcNow()) { Orders = rows, MarkedAtSource = markedAtSource, Partition = partition.Key }, cancellationToken).ConfigureAwait(false);
        if (outcomes.Count != rows.Count)
        {
            throw new InvalidOperationException($"The order buffer returned {outcomes.Count} outcomes for {rows.Count} orders.");
        }

        return new BufferedPages(rows, traceIds, outcomes);
    }

    /// <summary>Counts what a completed write did and collects its new orders (to be marked at the source) on it.</summary>
    private void Count(BufferedPages buffered, Counters counters)
    {
        var duplicates = 0;
        var tasks = 0;
        for (var i = 0; i < buffered.Outcomes.Count; i++)
        {
            if (!buffered.Outcomes[i].Inserted)
            {
                duplicates++;
                continue;
            }

            var row = buffered.Rows[i];
            counters.Gaps?.Add(new IntakeGap(row.Order.OrderId, row.Order.ChangedAt, buffered.TraceIds[i]));
            buffered.NewIds.Add(row.Order.OrderId);
            if (row.Error is not null)
            {
                counters.Rejected++;
                Log.OrderInvalid(_logger, _source.Name, row.Order.OrderId, row.Error, buffered.TraceIds[i]);
            }
            else if (row.Flow is not null)
            {
                tasks++;
            }
        }

        counters.Inserted += buffered.NewIds.Count;
        counters.Duplicates += duplicates;
        Interlocked.Add(ref counters.TasksCreated, tasks);
        _metrics?.OrdersTaken.Add(buffered.NewIds.Count, Tag("source", _source.Name), Tag("outcome", "inserted"));
        _metrics?.OrdersTaken.Add(duplicates, Tag("source", _source.Name), Tag("outcome", "duplicate"));
    }

    /// <summary>Routes an order; a router that throws leaves the order without a task, and the next poll's repair routes it again.</summary>
    private FlowType? Route(SourceOrder order)
    {
        try
        {
            return _router.Route(order);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RouteFailed(_logger, ex, _source.Name, order.OrderId);
            _metrics?.IntakeFailures.Add(1, Tag("source", _source.Name), Tag("stage", "route"));
            return null;
        }
    }

    /// <summary>Marks orders received at the source; returns the ids the source confirmed (to be recorded by the caller).</summary>
    private async Task<IReadOnlyList<string>> MarkAsync(List<string> orderIds, Counters counters, CancellationToken cancellationToken)
    {
        if (orderIds.Count == 0)
        {
            return [];
        }

        MarkReceivedResult result;
        try
        {
            result = await _source.MarkReceivedAsync(orderIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The orders are buffered; the repair at the start of the next poll marks them.
            counters.MarkFailed += orderIds.Count;
            foreach (var id in orderIds)
            {
                Log.MarkFailed(_logger, _source.Name, id, ex.Message);
            }

            _metrics?.IntakeFailures.Add(orderIds.Count, Tag("source", _source.Name), Tag("stage", "mark"));
            return [];
        }

        counters.Marked += result.Marked.Count;
        foreach (var failure in result.Failed)
        {
            counters.MarkFailed++;
            Log.MarkFailed(_logger, _source.Name, failure.OrderId, failure.Reason);
        }

        if (result.Failed.Count > 0)
        {
            _metrics?.IntakeFailures.Add(result.Failed.Count, Tag("source", _source.Name), Tag("stage", "mark"));
        }

        return result.Marked;
    }

    private async Task CreateTasksAsync(List<SourceOrder> orders, Counters counters, CancellationToken cancellationToken)
    {
        var tasks = new List<OrderTaskRequest>(orders.Count);
        foreach (var order in orders)
        {
            if (Route(order) is { } flow)
            {
                tasks.Add(new OrderTaskRequest(order.OrderId, flow));
            }
        }

        var created = await _buffer.CreateTasksAsync(_source.Name, tasks, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref counters.TasksCreated, created);
    }

    /// <summary>Finishes what an interrupted poll left: orders buffered but not marked at the source, and orders without a task.
    /// Orders another partition buffered within the last lock lease are its poller's to mark (it may be marking them now).</summary>
    private async Task RepairAsync(OrderPartition partition, DateTimeOffset now, Counters counters, CancellationToken cancellationToken)
    {
        var marked = counters.Marked;
        var notMarked = await _buffer.GetNotMarkedAtSourceAsync(new NotMarkedQuery(_source.Name, RepairBatch) { Partition = partition.Key, OtherPartitionsBefore = now - _options.LockLease }, cancellationToken).ConfigureAwait(false);
        var confirmed = await MarkAsync(notMarked.Select(o => o.Order.OrderId).ToList(), counters, cancellationToken).ConfigureAwait(false);
        await _buffer.SetMarkedAtSourceAsync(_source.Name, confirmed, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        var tasks = counters.TasksCreated;
        var withoutTask = await _buffer.GetWithoutTaskAsync(_source.Name, RepairBatch, cancellationToken).ConfigureAwait(false);
        await CreateTasksAsync(withoutTask.Where(o => o.Status == OrderStatus.New).Select(o => o.Order).ToList(), counters, cancellationToken).ConfigureAwait(false);
        if (counters.Marked > marked || counters.TasksCreated > tasks)
        {
            Log.IntakeRepaired(_logger, _source.Name, counters.Marked - marked, counters.TasksCreated - tasks);
        }
    }

    private static string? Validate(SourceOrder order)
    {
        if (order.Lines is null || order.Lines.Count == 0)
        {
            return "the order has no lines";
        }

        foreach (var line in order.Lines)
        {
            if (line is null || string.IsNullOrWhiteSpace(line.SkuCode))
            {
                return "a line has no SKU code";
            }

            if (line.Quantity <= 0)
            {
                return $"line '{line.SkuCode}' has quantity {line.Quantity}; it must be more than 0";
            }
        }

        return null;
    }

    private readonly record struct WindowResult(bool More, DateTimeOffset? LastDurable);

    /// <summary>One buffer write: the rows sent, the source's trace id of each, what the buffer did with each, and (filled when
    /// counted) the ids of the new orders.</summary>
    private sealed record BufferedPages(List<OrderToBuffer> Rows, List<string?> TraceIds, IReadOnlyList<OrderInsertOutcome> Outcomes)
    {
        public List<string> NewIds { get; } = [];
    }

    private sealed class LeaseHolder(JobLease lease)
    {
        public JobLease Lease { get; private set; } = lease;

        public async Task RenewIfDueAsync(IJobLockStore locks, TimeSpan leaseDuration, TimeProvider time, CancellationToken cancellationToken)
        {
            var now = time.GetUtcNow();
            if (Lease.ExpiresAt - now > leaseDuration / 2)
            {
                return;
            }

            Lease = await locks.RenewAsync(Lease, leaseDuration, now, cancellationToken).ConfigureAwait(false) ?? throw new LeaseLostException(Lease);
        }
    }

    /// <summary>The ids the source confirmed as marked, handed from the marking stage to the next buffer write.</summary>
    private sealed class MarkedIds
    {
        private readonly Lock _gate = new();
        private List<string> _ids = [];

        public void Add(IReadOnlyList<string> ids)
        {
            lock (_gate)
            {
                _ids.AddRange(ids);
            }
        }

        public List<string> Take()
        {
            lock (_gate)
            {
                var taken = _ids;
                _ids = [];
                return taken;
            }
        }
    }

    private sealed class Counters
    {
        public int TasksCreated;

        public int Pages { get; set; }

        public int Fetched { get; set; }

        public int Inserted { get; set; }

        public int Duplicates { get; set; }

        public int Rejected { get; set; }

        public int Marked { get; set; }

        public int MarkFailed { get; set; }

        public List<IntakeGap>? Gaps { get; init; }

        public IntakeResult ToResult(string source, string partition, IntakeOutcome outcome, DateTimeOffset? watermark, bool more, string? errorMessage = null) =>
            new(source, partition, outcome, Pages, Fetched, Inserted, Duplicates, Rejected, Marked, MarkFailed, Volatile.Read(ref TasksCreated), watermark, more, errorMessage);
    }
}
