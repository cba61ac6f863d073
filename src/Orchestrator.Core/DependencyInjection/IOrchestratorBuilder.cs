namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The builder <c>services.AddOrchestrator(…)</c> (package Orchestrator.Hosting) returns: each package hangs its registration verbs on it
/// (<c>.AddCoupang(…)</c>, <c>.AddWes(…)</c>, <c>.UseSqlite(…)</c>, <c>.AddSlack(…)</c>), so the packages need not depend on the host.
/// </summary>
public interface IOrchestratorBuilder
{
    /// <summary>Gets the services the orchestrator is registered in.</summary>
    IServiceCollection Services { get; }
}

/// <summary>
/// Work a package needs done once when the host starts, before any workflow runs: open and migrate a store, warm a cache.
/// The hosting package runs every registered task, in registration order, when the host starts; a failure stops the start.
/// </summary>
public interface IOrchestratorStartupTask
{
    /// <summary>Does the work.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task.</returns>
    Task StartAsync(CancellationToken cancellationToken);
}

/// <summary>Creates <see cref="IOrchestratorBuilder"/> instances (for packages and tests that build one without the host).</summary>
public static class OrchestratorBuilder
{
    /// <summary>Wraps services in a builder.</summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder over <paramref name="services"/>.</returns>
    public static IOrchestratorBuilder For(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IOrchestratorBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}
