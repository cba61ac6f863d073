using System.ComponentModel.DataAnnotations;
using Orchestrator.Intake;
using Orchestrator.Reconciliation;
using Orchestrator.Sync;

namespace Orchestrator.Hosting;

/// <summary>
/// Configures the hosted workflows of <c>AddOrchestrator</c>: the warehouse, the schedules, the job locks and the workflows' own options.
/// Bound from the <c>Orchestrator</c> configuration section (unknown keys are an error) and validated when the host starts.
/// </summary>
public sealed class OrchestratorHostingOptions
{
    /// <summary>Gets or sets the warehouse the workflows serve. Copied into the workflow options that leave theirs empty.</summary>
    [Required]
    public string WarehouseId { get; set; } = string.Empty;

    /// <summary>Gets or sets who holds the job locks this host takes, for people reading the lock table.</summary>
    /// <value>Default <c>{machine}:{process id}</c>.</value>
    [Required]
    public string InstanceName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Gets or sets how long a job lock holds unless renewed; a running job renews it every third of this.</summary>
    /// <value>Default 2 minutes; 5 seconds to 1 hour. A crashed host's jobs are taken over after at most this long.</value>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how long a running job may go on after the host starts stopping before it is cancelled.</summary>
    /// <value>Default 20 seconds; 0 to 10 minutes. Keep it below the host's shutdown timeout (<c>HostOptions.ShutdownTimeout</c>, default 30 s).</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets how long the host waits after a failed run, or after a store error between runs, before it tries again.</summary>
    /// <value>Default 30 seconds; 0 to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long a requested run waits before trying again when another instance holds the job's lock.</summary>
    /// <value>Default 5 seconds; 100 ms to 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:10:00")]
    public TimeSpan LockRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the WF-INV-001 channel sync schedule.</summary>
    /// <value>Default every 10 minutes in Asia/Seoul (<c>*/10 * * * *</c>).</value>
    [Required]
    public WorkflowSchedule ChannelSync { get; set; } = new() { Cron = "*/10 * * * *" };

    /// <summary>
    /// Gets or sets the incremental channel sync between the full runs of <see cref="ChannelSync"/>: every interval, the SKUs the WES
    /// changed since the last synced version are synced (<see cref="Orchestrator.Sync.IncrementalChannelSync"/>), under the channel sync's job lock.
    /// </summary>
    /// <value>Default enabled, every minute. Runs only where <see cref="ChannelSync"/> is enabled.</value>
    [Required]
    public IncrementalSchedule IncrementalChannelSync { get; set; } = new();

    /// <summary>Gets the incremental channel sync options (when a full run runs instead).</summary>
    public IncrementalChannelSyncOptions IncrementalChannelSyncWorkflow { get; set; } = new();

    /// <summary>Gets or sets the Inventory ↔ WES reconciliation schedule.</summary>
    /// <value>Default hourly (<c>0 * * * *</c>) in Asia/Seoul; use <c>0 3 * * *</c> for daily at 03:00.</value>
    [Required]
    public WorkflowSchedule Reconciliation { get; set; } = new() { Cron = "0 * * * *" };

    /// <summary>
    /// Gets or sets the incremental reconciliation between the full runs of <see cref="Reconciliation"/>: every interval, the SKUs the
    /// WES changed since the last compared version are compared with the inventory store (<see cref="WesReconciliationWorkflow.RunIncrementalAsync"/>),
    /// under the reconciliation's job lock.
    /// </summary>
    /// <value>Default enabled, every 5 minutes. Runs only where <see cref="Reconciliation"/> is enabled.</value>
    [Required]
    public IncrementalSchedule IncrementalReconciliation { get; set; } = new() { Interval = TimeSpan.FromMinutes(5) };

    /// <summary>Gets or sets how often the pending-sync worker looks for due items.</summary>
    /// <value>Default 15 seconds; 100 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan PendingSyncInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets whether the pending-sync worker runs in this host.</summary>
    public bool PendingSyncEnabled { get; set; } = true;

    /// <summary>Gets or sets whether order intake runs in this host (one poller per registered <see cref="IOrderSource"/>).</summary>
    public bool IntakeEnabled { get; set; } = true;

    /// <summary>Gets or sets whether this host carries out the buffered orders' tasks (when the host registers at least one <see cref="Orchestrator.Intake.IOrderFlowHandler"/>).</summary>
    public bool OrderTasksEnabled { get; set; } = true;

    /// <summary>Gets or sets how often the order tasks are looked at.</summary>
    /// <value>Default 5 seconds; 100 ms to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan OrderTaskInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the order task options (attempts, backoff, in-progress timeout, batch size).</summary>
    public Orchestrator.Intake.OrderTaskOptions OrderTasks { get; set; } = new();

    /// <summary>Gets or sets how long an event-triggered channel sync waits for more events to join it.</summary>
    /// <value>Default 2 seconds; 0 to 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan EventCoalescingDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how many schedule periods may pass since a workflow's last successful run before its health check reports unhealthy.</summary>
    /// <value>Default 3; 1 to 100.</value>
    [Range(1, 100)]
    public int HealthStaleAfterPeriods { get; set; } = 3;

    /// <summary>Gets or sets the safety buffer and allocation share of each channel, by channel instance name; a channel not listed sells everything (buffer 0, share 1).</summary>
    public Dictionary<string, ChannelRuleOptions> ChannelRules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets the WF-INV-001 options (timeouts, attempts, freshness); <see cref="ChannelSyncOptions.WarehouseId"/> defaults to <see cref="WarehouseId"/>.</summary>
    public ChannelSyncOptions ChannelSyncWorkflow { get; set; } = new();

    /// <summary>Gets the reconciliation options; <see cref="WesReconciliationOptions.WarehouseId"/> defaults to <see cref="WarehouseId"/>.</summary>
    public WesReconciliationOptions ReconciliationWorkflow { get; set; } = new();

    /// <summary>Gets the pending-sync worker options (batch size, lease, retries).</summary>
    public PendingSyncWorkerOptions PendingSyncWorker { get; set; } = new();

    /// <summary>Gets the order intake options shared by every order source (page size, look-back, partitions); <see cref="OrderIntakeOptions.PollInterval"/> is the poll interval.</summary>
    public OrderIntakeOptions Intake { get; set; } = new();

    /// <summary>Gets the flow A / flow B routing rules of order intake, used unless the host registers its own <see cref="Orchestrator.Intake.IFlowRouter"/>.</summary>
    /// <value>By default no rules: every order goes to <see cref="Orchestrator.Intake.FlowRoutingOptions.DefaultFlow"/> (flow A).</value>
    public Orchestrator.Intake.FlowRoutingOptions FlowRouting { get; set; } = new();
}

/// <summary>A cron schedule in a time zone.</summary>
public sealed class WorkflowSchedule
{
    /// <summary>Gets or sets whether the workflow runs in this host at all (on its schedule and on triggers).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the cron expression: five fields (minute hour day month weekday), or six with seconds first.</summary>
    [Required]
    public string Cron { get; set; } = "*/10 * * * *";

    /// <summary>Gets or sets the IANA (or Windows) time zone the expression is read in.</summary>
    /// <value>Default <c>Asia/Seoul</c>.</value>
    [Required]
    public string TimeZone { get; set; } = "Asia/Seoul";
}

/// <summary>An interval schedule for an incremental job.</summary>
public sealed class IncrementalSchedule
{
    /// <summary>Gets or sets whether the job runs in this host.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the time between two runs (the end of one and the start of the next).</summary>
    /// <value>Default 1 minute; 1 second to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>What a channel may sell of the warehouse's stock.</summary>
public sealed class ChannelRuleOptions
{
    /// <summary>Gets or sets the units held back from the channel.</summary>
    [Range(0, int.MaxValue)]
    public int SafetyBuffer { get; set; }

    /// <summary>Gets or sets the share of the sellable stock the channel gets, from 0 to 1.</summary>
    [Range(typeof(decimal), "0", "1")]
    public decimal AllocationShare { get; set; } = 1m;
}
