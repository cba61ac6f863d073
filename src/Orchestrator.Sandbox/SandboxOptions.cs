using Orchestrator.Sandbox.Coupang;

namespace Orchestrator.Sandbox;

/// <summary>Configures a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    /// <summary>Gets or sets the clock the simulators check signatures, token lifetimes and rate limits against.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>. Share a manual provider with the adapter to test expiry.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the Coupang simulator settings.</summary>
    public CoupangSandboxOptions Coupang { get; } = new();
}
