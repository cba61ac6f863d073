using System.ComponentModel.DataAnnotations;

namespace Orchestrator.Intake;

/// <summary>Configures the <see cref="OrderIntakePipeline"/> of one order source.</summary>
public sealed class OrderIntakeOptions
{
    /// <summary>Gets or sets how often each partition is polled.</summary>
    /// <value>Default 1 minute (seed 000); 1 second to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how far before the watermark each poll starts reading again, so that an order committed late with an
    /// earlier changed-at time is still taken (the buffer drops the re-read duplicates).</summary>
    /// <value>Default 5 minutes; 0 to 1 day.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan LookBack { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how far back the first poll of a partition reads.</summary>
    /// <value>Default 1 day; 1 second to 90 days.</value>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan InitialLookBack { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Gets or sets the number of orders asked for per page.</summary>
    /// <value>Default 100; 1 to 10,000.</value>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 100;

    /// <summary>Gets or sets the most pages one poll reads; when reached the poll reports more data and the host polls again at once.</summary>
    /// <value>Default 50; 1 to 100,000.</value>
    [Range(1, 100_000)]
    public int MaxPagesPerPoll { get; set; } = 50;

    /// <summary>Gets or sets the lease of the partition's job lock; it is renewed while a poll runs.</summary>
    /// <value>Default 2 minutes; 5 seconds to 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LockLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how many pages may wait between fetching and buffering (backpressure).</summary>
    /// <value>Default 2; 1 to 64.</value>
    [Range(1, 64)]
    public int PrefetchPages { get; set; } = 2;

    /// <summary>Gets or sets how many buffer writes of one poll may run at once, each in its own transaction on its own
    /// connection: a database server inserts one batch of pages while the next is prepared and sent. The embedded SQLite writer
    /// takes them one at a time anyway. Their results are taken in the order they started, and the watermark still moves only
    /// after every write of the window succeeded.</summary>
    /// <value>Default 2; 1 to 8 (1: one write at a time).</value>
    [Range(1, 8)]
    public int WritesInFlight { get; set; } = 2;

    /// <summary>Gets or sets the partitions polled (seed 000: by warehouse or created-time slice for large volumes).</summary>
    /// <value>Default one partition covering the whole source.</value>
    public IList<OrderPartition> Partitions { get; init; } = [OrderPartition.All];

    /// <summary>Gets or sets the lock owner written with each lease, for people.</summary>
    /// <value>Default machine name and process id.</value>
    public string Owner { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";
}
