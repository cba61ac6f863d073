namespace Orchestrator.Storage.Compliance;

/// <summary>Schema migrations applied at open: idempotent, safe when instances start together, refusing a newer schema.</summary>
public abstract class MigrationComplianceTests : StorageComplianceTests
{
    /// <summary>Returns whether <paramref name="exception"/> is the provider's typed "schema newer than this code" error.</summary>
    protected abstract bool IsSchemaVersionError(Exception exception);

    /// <summary>Every restart opens the database again; an up-to-date schema must be left as it is, with data intact.</summary>
    [Fact]
    public async Task OpenAsync_AlreadyMigrated_OpensAtLatestVersionAndKeepsData()
    {
        await Storage.AllocationPauses.PauseAsync(new AllocationPause("WH1", "SKU-1", "r", "o", Time.GetUtcNow()), Ct);

        var again = await OpenOtherInstanceAsync();

        Assert.Equal(Database.LatestSchemaVersion, Storage.SchemaVersion);
        Assert.Equal(Database.LatestSchemaVersion, again.SchemaVersion);
        Assert.Single(await again.AllocationPauses.ListAsync(null, Ct));
    }

    /// <summary>Several instances deployed together start at the same moment; all must open, and the schema must be built once.</summary>
    [Fact]
    public async Task OpenAsync_SeveralInstancesAtOnce_AllOpen()
    {
        var instances = await RaceAsync(4, async (_, _) => await OpenOtherInstanceAsync());

        Assert.All(instances, i => Assert.Equal(Database.LatestSchemaVersion, i.SchemaVersion));
    }

    /// <summary>Rolling back the application after a newer release migrated the database must fail loudly with a typed error, not corrupt data.</summary>
    [Fact]
    public async Task OpenAsync_SchemaNewerThanCode_ThrowsSchemaVersionError()
    {
        await Database.RecordSchemaVersionAsync(Database.LatestSchemaVersion + 1, Ct);

        var error = await Assert.ThrowsAnyAsync<OrchestratorException>(() => Database.OpenAsync(Time, Ct));

        Assert.True(IsSchemaVersionError(error), error.GetType().FullName);
        Assert.Equal("ERR-STORE-001", error.ErrorCode);
        Assert.Contains((Database.LatestSchemaVersion + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
