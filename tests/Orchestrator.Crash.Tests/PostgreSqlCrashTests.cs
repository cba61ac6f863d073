namespace Orchestrator.Crash.Tests;

/// <summary>The PostgreSQL run of <see cref="CrashTests"/>, in its own class so that it runs next to the SQLite run.</summary>
public sealed class PostgreSqlCrashTests
{
    [Fact]
    public async Task PostgreSql_host_killed_50_times_loses_and_doubles_nothing()
    {
        CrashWorld.PostgresOrSkip();
        await CrashTests.RunAsync("postgresql");
    }
}
