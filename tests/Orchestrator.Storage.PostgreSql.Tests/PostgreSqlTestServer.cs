using Npgsql;

namespace Orchestrator.Storage.PostgreSql.Tests;

/// <summary>
/// The throwaway server named by <c>ORCHESTRATOR_TEST_POSTGRES</c>. Without it the PostgreSQL tests are skipped, unless
/// <c>ORCHESTRATOR_REQUIRE_POSTGRES=1</c> (set by eng/test.sh), where a missing or unreachable server fails them.
/// </summary>
internal static class PostgreSqlTestServer
{
    public const string HowToRun =
        "PostgreSQL tests need a throwaway server: run eng/test.sh (it starts one), or set ORCHESTRATOR_TEST_POSTGRES to a connection string such as " +
        "\"Host=127.0.0.1;Port=55433;Username=orchestrator;Database=postgres\" (each test creates and drops its own schema).";

    private static readonly Lazy<NpgsqlDataSource?> Admin = new(() =>
    {
        var connectionString = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_POSTGRES");
        return string.IsNullOrWhiteSpace(connectionString) ? null : NpgsqlDataSource.Create(connectionString);
    });

    private static bool Required => Environment.GetEnvironmentVariable("ORCHESTRATOR_REQUIRE_POSTGRES") == "1";

    /// <summary>Gets the admin data source, or skips (or fails, when required) the calling test.</summary>
    public static NpgsqlDataSource Require()
    {
        if (Admin.Value is { } admin)
        {
            return admin;
        }

        if (Required)
        {
            Assert.Fail("ORCHESTRATOR_REQUIRE_POSTGRES=1 but ORCHESTRATOR_TEST_POSTGRES is not set. " + HowToRun);
        }

        Assert.Skip(HowToRun);
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Creates a fresh schema and returns a connection string whose search path points at it.</summary>
    public static async Task<(string Schema, string ConnectionString)> CreateSchemaAsync(CancellationToken cancellationToken)
    {
        var admin = Require();
        var schema = "orch_test_" + Guid.NewGuid().ToString("N");
        try
        {
            await using var command = admin.CreateCommand($"CREATE SCHEMA {schema}");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException e)
        {
            // A configured server that does not answer is a failure, not a skip: somebody asked for these tests to run.
            Assert.Fail($"The PostgreSQL server in ORCHESTRATOR_TEST_POSTGRES cannot be used ({e.Message}). {HowToRun}");
        }

        var builder = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { SearchPath = schema, MaxPoolSize = 20 };
        return (schema, builder.ConnectionString);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        if (Admin.Value is { } admin)
        {
            await using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await command.ExecuteNonQueryAsync();
        }
    }
}
