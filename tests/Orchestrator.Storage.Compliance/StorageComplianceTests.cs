using Orchestrator.TestUtilities;

namespace Orchestrator.Storage.Compliance;

/// <summary>
/// The base of every compliance suite: a fresh database per test and one open instance over it. Races open a second
/// instance over the same database, which stands for a second orchestrator process.
/// </summary>
public abstract class StorageComplianceTests : IAsyncLifetime
{
    private IStorageDatabase? _database;
    private IStorageInstance? _storage;
    private readonly List<IStorageInstance> _others = [];

    /// <summary>Gets the test clock; it starts at 2026-01-01T00:00Z and only moves when a test moves it.</summary>
    protected ManualTimeProvider Time { get; } = new();

    /// <summary>Gets the database of the test.</summary>
    protected IStorageDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Gets the first storage instance.</summary>
    protected IStorageInstance Storage => _storage ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Gets the test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates a fresh, empty database for one test (skipping the test when the provider is not available).</summary>
    protected abstract Task<IStorageDatabase> CreateDatabaseAsync();

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        _storage = await _database.OpenAsync(Time, Ct);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Opens another instance over the same database (disposed with the test).</summary>
    protected async Task<IStorageInstance> OpenOtherInstanceAsync()
    {
        var other = await Database.OpenAsync(Time, Ct);
        _others.Add(other);
        return other;
    }

    /// <summary>Runs <paramref name="count"/> calls at once, alternating between two instances, released together.</summary>
    protected async Task<T[]> RaceAsync<T>(int count, Func<IStorageInstance, int, Task<T>> call)
    {
        var second = await OpenOtherInstanceAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await call(i % 2 == 0 ? Storage : second, i);
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
