using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Orchestrator.Storage.PostgreSql.Tests;

/// <summary>What only the PostgreSQL provider does: its options, a caller-owned data source, and connection errors.</summary>
public sealed class PostgreSqlOrchestratorStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The documented defaults are the ones the code uses.</summary>
    [Fact]
    public void Ctor_EnsureDefaultValues()
    {
        var options = new PostgreSqlStorageOptions();

        Assert.Null(options.ConnectionString);
        Assert.Null(options.DataSource);
    }

    /// <summary>Neither a connection string nor a data source is a configuration error at open, not at the first write.</summary>
    [Fact]
    public async Task OpenAsync_NoConnection_ThrowsValidationException()
        => await Assert.ThrowsAsync<ValidationException>(() => PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions(), cancellationToken: Ct));

    /// <summary>Both a connection string and a data source is ambiguous; it is refused.</summary>
    [Fact]
    public async Task OpenAsync_ConnectionStringAndDataSource_ThrowsValidationException()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");

        await Assert.ThrowsAsync<ValidationException>(() => PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = "Host=x", DataSource = dataSource }, cancellationToken: Ct));
    }

    /// <summary>A server that does not answer must surface as the typed, transient ERR-STORE-002, and the message (which ends up in logs and alerts) must never carry the password.</summary>
    [Fact]
    public async Task OpenAsync_ServerNotListening_ThrowsStorageUnavailableWithoutPassword()
    {
        const string Password = "S3cret-Pa55word";
        var options = new PostgreSqlStorageOptions { ConnectionString = $"Host=127.0.0.1;Port=1;Database=orders;Username=orchestrator;Password={Password};Timeout=3" };

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgreSqlOrchestratorStorage.OpenAsync(options, cancellationToken: Ct));

        Assert.Equal("ERR-STORE-002", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("orders", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A malformed connection string is refused without echoing it, since it may hold a password.</summary>
    [Fact]
    public async Task OpenAsync_MalformedConnectionString_ThrowsWithoutEchoingIt()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { ConnectionString = "Password=S3cret;NoSuchKeyword=1" }, cancellationToken: Ct));

        Assert.DoesNotContain("S3cret", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A host that shares its NpgsqlDataSource keeps owning it: disposing the storage must leave it usable.</summary>
    [Fact]
    public async Task OpenAsync_CallerDataSource_UsedAndNotDisposed()
    {
        var (schema, connectionString) = await PostgreSqlTestServer.CreateSchemaAsync(Ct);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using (var storage = await PostgreSqlOrchestratorStorage.OpenAsync(new PostgreSqlStorageOptions { DataSource = dataSource }, cancellationToken: Ct))
            {
                Assert.Equal(PostgreSqlOrchestratorStorage.LatestSchemaVersion, storage.SchemaVersion);
            }

            await using var command = dataSource.CreateCommand("SELECT max(version) FROM schema_version");
            Assert.Equal(PostgreSqlOrchestratorStorage.LatestSchemaVersion, Convert.ToInt32(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            await PostgreSqlTestServer.DropSchemaAsync(schema);
        }
    }
}
