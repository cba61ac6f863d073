using System.Globalization;
using Microsoft.Data.Sqlite;
using Orchestrator.Catalog;
using Orchestrator.Channels;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Stock;
using Orchestrator.Storage;
using Orchestrator.Storage.Sqlite;
using Orchestrator.Sync;
using Orchestrator.TestUtilities;
using Orchestrator.Warehouse;

namespace Orchestrator.Simulation.Tests;

/// <summary>What one seed did and which invariants it broke.</summary>
internal sealed record SeedOutcome(int Seed, IReadOnlyList<string> Violations, IReadOnlyDictionary<FaultKind, int> Faults, int Crashes, int Steps, int Orders, int Pushes);

/// <summary>
/// One seed of the deterministic simulation: a world (order source, channels, WES, clock, faults) that survives crashes, and an
/// orchestrator process (stores opened on a SQLite file, pipeline, task runner, channel sync, pending-sync worker, reconciliation)
/// that a crash throws away and rebuilds from the file.
/// </summary>
internal sealed class Simulation : IAsyncDisposable
{
    public const string Warehouse = "WH1";
    private const int ActiveSteps = 30;
    private const int CleanSteps = 5;
    private readonly Random _random;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _folder;
    private readonly string[] _skus;
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, int> _handled = new(StringComparer.Ordinal);
    private readonly List<InventoryAdjustment> _adjustments = [];
    private readonly List<PendingSyncItem> _enqueued = [];
    private readonly bool _guard;
    private Process? _process;
    private int _crashes;
    private int _orderCount;
    private int _tx;
    private bool _cleanPhase;

    public Simulation(int seed, bool quantityGuard = true)
    {
        Seed = seed;
        _guard = quantityGuard;
        _random = new Random(seed);
        Faults = new Faults(seed, intensity: 0.02 + (_random.NextDouble() * 0.2))
        {
            CrashRate = _random.NextDouble() * 0.004,
            CancelRate = _random.NextDouble() * 0.002,
        };
        // tmpfs when there is one: the simulation tests transactions and crash recovery, not the disk, and fsyncs would dominate.
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _folder = Path.Combine(root, "orchestrator-sim-" + seed.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        _skus = Enumerable.Range(1, 4 + _random.Next(5)).Select(i => $"SKU-{i:00}").ToArray();
        Wes = new SimWes(Faults, _time, Warehouse);
        Source = new SimOrderSource("orders-db", Faults, _time);
        Channels = [new SimChannel("coupang", 0, Faults, Wes, _time), new SimChannel("naver", 1, Faults, Wes, _time), new SimChannel("cafe24", 2, Faults, Wes, _time)];
        for (var i = 0; i < _skus.Length; i++)
        {
            var onHand = _random.Next(0, 30);
            Wes.Seed(_skus[i], onHand, _random.Next(0, 3));
            foreach (var channel in Channels)
            {
                channel.List(1000 + i, _skus[i], _random.Next(0, 30));
            }
        }
    }

    public int Seed { get; }

    public Faults Faults { get; }

    public SimWes Wes { get; }

    public SimOrderSource Source { get; }

    public SimChannel[] Channels { get; }

    public async Task<SeedOutcome> RunAsync()
    {
        await using (var storage = await OpenAsync())
        {
            await storage.LoadInventoryAsync(_skus.Select(s => new InventoryPosition(Warehouse, s, Wes.Get(s).OnHand, 0, 0, null, 0, _time.GetUtcNow())).ToList());
        }

        var steps = 0;
        for (var step = 0; step < ActiveSteps; step++, steps++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await WorldEventsAsync(step);

            // Real calls take time: a movement is never stamped at the very instant a run reads the WES (see docs/reliability.md).
            _time.Advance(TimeSpan.FromSeconds(1));
            await StepAsync(step);
        }

        Faults.Active = false;
        _cleanPhase = true;
        for (var step = 0; step < CleanSteps; step++, steps++)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            await StepAsync(ActiveSteps + step, clean: true);
        }

        await CheckAsync();
        return new SeedOutcome(Seed, _violations, Faults.Counts.ToDictionary(), _crashes, steps, _orderCount, Channels.Sum(c => c.Accepted.Count));
    }

    public async ValueTask DisposeAsync()
    {
        Faults.Dispose();
        if (_process is not null)
        {
            await _process.Storage.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WorldEventsAsync(int step)
    {
        for (var n = _random.Next(0, 4); n > 0; n--)
        {
            var id = $"o-{++_orderCount:00000}";
            var late = Faults.Chance(_random, 0.2);
            if (late)
            {
                Faults.Count(FaultKind.LateCommit);
            }

            // Committed late: changed-at now, visible up to 4 minutes later (within the 5-minute look-back).
            Source.Add(id, _skus[_random.Next(_skus.Length)], 1 + _random.Next(3), late ? TimeSpan.FromSeconds(_random.Next(1, 240)) : TimeSpan.Zero);
        }

        if (_random.Next(4) == 0)
        {
            Source.Touch(_random.Next(1_000));
        }

        for (var n = _random.Next(0, 3); n > 0; n--)
        {
            var sku = _skus[_random.Next(_skus.Length)];
            var kind = _random.Next(3) switch { 0 => WesMovementKind.Commit, 1 => WesMovementKind.Restock, _ => WesMovementKind.Scrap };
            var quantity = 1 + _random.Next(kind == WesMovementKind.Restock ? 10 : 4);
            var tx = $"wes-{step}-{++_tx}";
            if (kind == WesMovementKind.Commit)
            {
                // The host reserved the stock in the inventory when it took the order; the WES commit later consumes the reservation.
                if (Wes.Get(sku).OnHand < quantity)
                {
                    continue;
                }

                var storage = (await ProcessAsync()).Storage;
                try
                {
                    await storage.Inventory.ApplyAsync(new InventoryAdjustment("reserve-" + tx, Warehouse, sku, InventoryAdjustmentKind.Reserve, quantity), CancellationToken.None);
                }
                catch (InvalidStockDataException)
                {
                    continue;
                }
            }

            Wes.Move(tx, sku, kind, quantity);
        }

        if (_random.Next(5) == 0)
        {
            Wes.SetReserved(_skus[_random.Next(_skus.Length)], _random.Next(0, 4));
        }
    }

    private async Task StepAsync(int step, bool clean = false)
    {
        // The order of the jobs varies, as the host's timers would.
        var jobs = new List<(string Name, Func<Process, CancellationToken, Task> Run)>
        {
            ("intake", PollAsync),
            ("tasks", (p, ct) => p.Runner.RunOnceAsync(ct)),
            ("pending", (p, ct) => p.Worker.RunOnceAsync(ct)),
        };
        if (clean || step % 2 == 0)
        {
            jobs.Add(("sync", async (p, ct) => Clean(clean, "sync", [(await p.Sync.RunAsync("schedule", ct)).Error])));
        }

        if (clean || step % 3 == 0)
        {
            jobs.Add(("reconcile", async (p, ct) => Clean(clean, "reconcile", [(await p.Reconciliation.RunAsync("schedule", ct)).Error])));
        }

        if (!clean)
        {
            jobs = jobs.OrderBy(_ => _random.Next()).ToList();
        }
        else
        {
            // Clean cycle: take orders, finish tasks, count what a person would count, drain the queue, then sync last.
            jobs.Add(("count", CountAsync));
            jobs = jobs.OrderBy(j => j.Name switch { "intake" => 0, "tasks" => 1, "reconcile" => 2, "count" => 3, "pending" => 4, _ => 5 }).ToList();
        }

        foreach (var (name, run) in jobs)
        {
            var process = await ProcessAsync();
            var token = Faults.BeginStep();
            try
            {
                await run(process, token);
            }
            catch (SimulatedCrashException)
            {
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                if (!Faults.Crashed)
                {
                    _violations.Add($"step {step} {name}: the job threw {ex.GetType().Name}: {ex.Message}");
                }
            }

            if (Faults.Crashed)
            {
                await CrashAsync();
            }
        }
    }

    /// <summary>Polls as the host does: again at once while the source has more.</summary>
    private async Task PollAsync(Process process, CancellationToken cancellationToken)
    {
        for (var round = 0; round < 20; round++)
        {
            var results = await process.Pipeline.PollAllAsync(cancellationToken);
            Clean(_cleanPhase, "intake", results.Where(r => r.Outcome != IntakeOutcome.Completed).Select(r => $"{r.Outcome} {r.Error}"));
            if (!results.Any(r => r.MoreAvailable))
            {
                return;
            }
        }

        Clean(_cleanPhase, "intake", ["the source still had more after 20 polls"]);
    }

    /// <summary>Once the faults stopped, every job must succeed.</summary>
    private void Clean(bool clean, string job, IEnumerable<string?> errors)
    {
        foreach (var error in errors.Where(e => e is not null))
        {
            if (clean)
            {
                _violations.Add($"clean cycle: {job} failed: {error}");
            }
        }
    }

    private async Task CountAsync(Process process, CancellationToken cancellationToken)
    {
        // A person counts every open task (the count is what the WES holds) and the workflow resyncs both systems to it.
        foreach (var task in await process.Storage.ReconciliationTasks.ListAsync(ReconciliationTaskStatus.Open, Warehouse, 100, cancellationToken))
        {
            await process.Reconciliation.ApplyCountAsync(task.Id, Wes.Get(task.SkuCode).OnHand, "sim-counter", cancellationToken);
        }

        await process.Reconciliation.ResyncCountedTasksAsync(cancellationToken);
    }

    /// <summary>The process died: every in-memory object is dropped; the next job rebuilds them from the file.</summary>
    private async Task CrashAsync()
    {
        _crashes++;
        if (_process is not null)
        {
            await _process.Storage.DisposeAsync();
            _process = null;
        }

        Faults.Restarted();
    }

    private async Task<SqliteOrchestratorStorage> OpenAsync() => await SqliteOrchestratorStorage.OpenAsync(
        new SqliteStorageOptions { ConnectionString = $"Data Source={Path.Combine(_folder, "orchestrator.db")}" }, _time, null, CancellationToken.None);

    private async Task<Process> ProcessAsync() => _process ??= Process.Build(await OpenAsync(), this);

    private void Record(string method, object?[]? args)
    {
        lock (_adjustments)
        {
            switch (method, args?[0])
            {
                case ("ApplyAsync", InventoryAdjustment a):
                    _adjustments.Add(a);
                    break;
                case ("ApplyManyAsync", IReadOnlyList<InventoryAdjustment> many):
                    _adjustments.AddRange(many);
                    break;
                case ("EnqueueAsync", IReadOnlyList<PendingSyncItem> items):
                    _enqueued.AddRange(items);
                    break;
            }
        }
    }

    private async Task CheckAsync()
    {
        await using var storage = await OpenAsync();
        var ct = CancellationToken.None;

        // Orders: each source order buffered once, with one task, completed, and marked at the source.
        var orders = Source.Orders;
        var counts = await storage.OrderBuffer.CountByStatusAsync(Source.Name, ct);
        if (counts.Values.Sum() != orders.Count)
        {
            _violations.Add($"the buffer holds {counts.Values.Sum()} orders; the source has {orders.Count}");
        }

        var marked = Source.Marked.ToHashSet(StringComparer.Ordinal);
        foreach (var order in orders)
        {
            var buffered = await storage.OrderBuffer.GetAsync(Source.Name, order.OrderId, ct);
            if (buffered is null)
            {
                _violations.Add($"order {order.OrderId} (changed {order.ChangedAt:HH:mm:ss}) is not in the buffer");
                continue;
            }

            if (buffered.Flow is null || buffered.Status != OrderStatus.Completed)
            {
                _violations.Add($"order {order.OrderId} has task flow {buffered.Flow?.ToString() ?? "none"} in status {buffered.Status} ({buffered.LastError})");
            }

            if (!marked.Contains(order.OrderId) || buffered.MarkedAtSourceAt is null)
            {
                _violations.Add($"order {order.OrderId} is not marked at the source (source {marked.Contains(order.OrderId)}, buffer {buffered.MarkedAtSourceAt is not null})");
            }

            if (!_handled.ContainsKey(order.OrderId))
            {
                _violations.Add($"order {order.OrderId} was never handled by its flow");
            }
        }

        // No push ever exceeded what was sellable at its time.
        foreach (var channel in Channels)
        {
            foreach (var push in channel.Accepted.Where(p => p.Quantity > p.SellableAtThatTime))
            {
                _violations.Add($"oversell: {channel.Name} accepted {push.Quantity} for {push.SkuCode} at {push.At:HH:mm:ss} when {push.SellableAtThatTime} was sellable ({push.TransactionId})");
            }
        }

        // After the faults stopped every channel shows what is sellable.
        var paused = (await storage.AllocationPauses.ListAsync(Warehouse, ct)).Select(p => p.SkuCode).ToHashSet(StringComparer.Ordinal);
        foreach (var channel in Channels)
        {
            for (var i = 0; i < _skus.Length; i++)
            {
                var expected = paused.Contains(_skus[i]) ? 0 : channel.SellableNow(_skus[i]);
                var shown = channel.QuantityOf(1000 + i);
                if (shown != expected)
                {
                    _violations.Add($"{channel.Name} shows {shown} for {_skus[i]}; sellable is {expected}{(paused.Contains(_skus[i]) ? " (paused)" : string.Empty)}");
                }
            }
        }

        // The inventory store converged to the WES.
        foreach (var sku in _skus)
        {
            var position = await storage.Inventory.GetPositionAsync(Warehouse, sku, ct);
            if (position?.OnHand != Wes.Get(sku).OnHand)
            {
                var movements = Wes.Movements.Where(m => m.SkuCode == sku).ToList();
                var appliedTx = await storage.Inventory.GetAppliedAsync(movements.Select(m => m.TransactionId).ToList(), ct);
                var unapplied = movements.Where(m => !appliedTx.Contains(m.TransactionId)).Select(m => $"{m.TransactionId} {m.Kind} {m.Quantity} at {m.OccurredAt:HH:mm}");
                var tasks = (await storage.ReconciliationTasks.ListAsync(null, Warehouse, 100, ct)).Where(t => t.SkuCode == sku).Select(t => $"task {t.Id} {t.Status} inv {t.InventoryQty} wes {t.WesQty}");
                if (Environment.GetEnvironmentVariable("ORCHESTRATOR_SIM_TRACE") == "1")
                {
                    _violations.Add("trace: WES " + string.Join(" | ", movements.Select(m => $"{m.TransactionId} {m.Kind} {m.Quantity} {m.OccurredAt:HH:mm}")));
                    _violations.Add("trace: inventory " + string.Join(" | ", _adjustments.Where(a => a.SkuCode == sku).Select(a => $"{a.TransactionId} {a.Kind} {a.Quantity}")));
                }

                _violations.Add($"inventory holds {position?.OnHand.ToString(CultureInfo.InvariantCulture) ?? "nothing"} for {sku}; the WES {Wes.Get(sku).OnHand}; unapplied: {string.Join(", ", unapplied)}; {string.Join(", ", tasks)}; paused: {paused.Contains(sku)}");
            }
        }

        // The pending-sync queue drained.
        var queue = await storage.PendingSync.CountByStateAsync(ct);
        foreach (var state in new[] { PendingSyncState.Pending, PendingSyncState.InFlight, PendingSyncState.DeadLettered })
        {
            if (queue.GetValueOrDefault(state) > 0)
            {
                var dead = state == PendingSyncState.DeadLettered ? ": " + string.Join("; ", (await storage.PendingSync.GetDeadLetteredAsync(3, ct)).Select(r => r.LastError)) : string.Empty;
                _violations.Add($"the pending-sync queue holds {queue[state]} {state} items{dead}");
            }
        }

        // Each discrepancy logged once per detection.
        var discrepancies = new List<StockDiscrepancy>();
        long? before = null;
        do
        {
            var page = await storage.DiscrepancyLog.QueryAsync(new DiscrepancyQuery(PageSize: 500, BeforeId: before), ct);
            discrepancies.AddRange(page.Items);
            before = page.NextBeforeId;
        }
        while (before is not null);

        foreach (var twice in discrepancies.GroupBy(d => d.TransactionId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            _violations.Add($"discrepancy {twice.Key} is logged {twice.Count()} times");
        }

        // Replays of a transaction id change nothing.
        await CheckReplaysAsync(storage, discrepancies, ct);
    }

    private async Task CheckReplaysAsync(SqliteOrchestratorStorage storage, List<StockDiscrepancy> discrepancies, CancellationToken ct)
    {
        var positions = await PositionsAsync(storage, ct);
        var applied = await storage.Inventory.GetAppliedAsync(_adjustments.Select(a => a.TransactionId).Distinct(StringComparer.Ordinal).ToList(), ct);
        foreach (var adjustment in _adjustments.Where(a => applied.Contains(a.TransactionId)))
        {
            try
            {
                if ((await storage.Inventory.ApplyAsync(adjustment, ct)).Applied)
                {
                    _violations.Add($"replaying inventory adjustment {adjustment.TransactionId} applied it again");
                }
            }
            catch (InvalidStockDataException)
            {
                // Refused again: changes nothing either.
            }
        }

        if (!positions.SequenceEqual(await PositionsAsync(storage, ct)))
        {
            _violations.Add("replaying the inventory adjustments changed the inventory");
        }

        if (discrepancies.Count > 0 && await storage.DiscrepancyLog.AppendAsync(discrepancies.Select(d => d with { Id = 0 }).ToList(), ct) != 0)
        {
            _violations.Add("replaying the discrepancy log appended rows");
        }

        var queue = await storage.PendingSync.CountByStateAsync(ct);
        if (_enqueued.Count > 0)
        {
            await storage.PendingSync.EnqueueAsync(_enqueued, ct);
        }

        var after = await storage.PendingSync.CountByStateAsync(ct);
        if (!queue.OrderBy(k => k.Key).SequenceEqual(after.OrderBy(k => k.Key)))
        {
            _violations.Add($"replaying {_enqueued.Count} pending-sync items changed the queue ({string.Join(", ", queue)} → {string.Join(", ", after)})");
        }
    }

    private async Task<List<(string, int, int)>> PositionsAsync(SqliteOrchestratorStorage storage, CancellationToken ct)
    {
        var list = new List<(string, int, int)>();
        foreach (var sku in _skus)
        {
            var p = await storage.Inventory.GetPositionAsync(Warehouse, sku, ct);
            list.Add((sku, p?.OnHand ?? -1, p?.Reserved ?? -1));
        }

        return list;
    }

    /// <summary>Everything that lives in the orchestrator's memory; a crash throws it away.</summary>
    private sealed class Process
    {
        public required SqliteOrchestratorStorage Storage { get; init; }

        public required OrderIntakePipeline Pipeline { get; init; }

        public required OrderTaskRunner Runner { get; init; }

        public required ChannelSyncWorkflow Sync { get; init; }

        public required PendingSyncWorker Worker { get; init; }

        public required WesReconciliationWorkflow Reconciliation { get; init; }

        public static Process Build(SqliteOrchestratorStorage storage, Simulation sim)
        {
            var f = sim.Faults;
            var buffer = StoreGate<IOrderBufferStore>.Wrap(storage.OrderBuffer, f);
            var locks = StoreGate<IJobLockStore>.Wrap(storage.JobLocks, f);
            var watermarks = StoreGate<IWatermarkStore>.Wrap(storage.Watermarks, f);
            var pending = StoreGate<IPendingSyncStore>.Wrap(storage.PendingSync, f, sim.Record);
            var runs = StoreGate<ISyncRunStore>.Wrap(storage.SyncRuns, f);
            var pauses = StoreGate<IAllocationPauseStore>.Wrap(storage.AllocationPauses, f);
            var inventory = StoreGate<IInventoryStore>.Wrap(storage.Inventory, f, sim.Record);
            var log = StoreGate<IDiscrepancyLogStore>.Wrap(storage.DiscrepancyLog, f);
            var tasks = StoreGate<IReconciliationTaskStore>.Wrap(storage.ReconciliationTasks, f);

            var catalog = new SkuCatalog();
            var channels = sim.Channels.Select(c =>
            {
                var map = new ChannelListingMap(c.Name, catalog);
                for (var i = 0; i < sim._skus.Length; i++)
                {
                    map.Add(new ListingKey(1000 + i), sim._skus[i]);
                }

                return new SyncChannel(c, map, new ChannelSellableRule(c.Name, c.SafetyBuffer));
            }).ToList();

            PendingChannelQuantityGuard? guard = sim._guard ? (channel, sku, _, ct) => sim.GuardAsync(pauses, channel, sku, ct) : null;
            return new Process
            {
                Storage = storage,
                Pipeline = new OrderIntakePipeline(sim.Source, buffer, locks, watermarks, new Router(), new OrderIntakeOptions { PageSize = 3, MaxPagesPerPoll = 4, Owner = "sim" }, sim._time),
                Runner = new OrderTaskRunner(buffer, [new Handler(FlowType.A, sim), new Handler(FlowType.B, sim)], new OrderTaskOptions { MaxAttempts = 100, RetryBaseDelay = TimeSpan.FromSeconds(5), MaxRetryDelay = TimeSpan.FromMinutes(1), InProgressTimeout = TimeSpan.FromMinutes(3) }, sim._time),
                Sync = new ChannelSyncWorkflow(channels, sim.Wes, new SyncStores(runs, pending, pauses), new ChannelSyncOptions { WarehouseId = Warehouse, RetryDelay = TimeSpan.Zero, PushAttempts = 2, CollectAttempts = 2 }, timeProvider: sim._time),
                Worker = new PendingSyncWorker(sim.Channels, pending, new PendingSyncWorkerOptions { LeaseDuration = TimeSpan.FromMinutes(2), RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromMinutes(1), MaxAttempts = 100 }, sim.Wes, guard, sim._time),
                Reconciliation = new WesReconciliationWorkflow(sim.Wes, new WesReconciliationStores(inventory, log, tasks, pauses, pending, runs), new WesReconciliationOptions { WarehouseId = Warehouse }, timeProvider: sim._time),
            };
        }
    }

    /// <summary>The host's guard for queued pushes: what the channel may sell now, read from the WES (through its faults).</summary>
    private async ValueTask<int?> GuardAsync(IAllocationPauseStore pauses, string channel, string sku, CancellationToken ct)
    {
        if ((await pauses.ListAsync(Warehouse, ct)).Any(p => p.SkuCode == sku))
        {
            return 0;
        }

        var builder = new StockSnapshotBuilder(new SkuCatalog(), "wes", StockSourceKind.Warehouse, Warehouse, _time.GetUtcNow());
        await Wes.ReadSnapshotAsync(builder, new WesSnapshotRequest([sku]), ct);
        var snapshot = builder.Build();
        if (!snapshot.Catalog.TryGetOrdinal(sku, out var ordinal) || snapshot.GetQuantity(ordinal) is not { } onHand)
        {
            return 0;
        }

        var buffer = Channels.Single(c => c.Name == channel).SafetyBuffer;
        return Math.Max(0, onHand - snapshot.GetReserved(ordinal) - buffer);
    }

    private sealed class Router : IFlowRouter
    {
        public FlowType Route(SourceOrder order) => order.OrderId[^1] % 2 == 0 ? FlowType.A : FlowType.B;
    }

    private sealed class Handler(FlowType flow, Simulation sim) : IOrderFlowHandler
    {
        private readonly Random _random = sim.Faults.For("handler:" + flow);

        public FlowType Flow => flow;

        public Task HandleAsync(BufferedOrder order, CancellationToken cancellationToken)
        {
            sim.Faults.Point("handler." + flow);
            if (sim.Faults.Chance(_random, sim.Faults.Intensity))
            {
                throw new TimeoutException("simulated: the flow's own call timed out");
            }

            lock (sim._handled)
            {
                sim._handled[order.Order.OrderId] = sim._handled.GetValueOrDefault(order.Order.OrderId) + 1;
            }

            return Task.CompletedTask;
        }
    }
}
