using Orchestrator.Sandbox.Cafe24;
using Orchestrator.Sandbox.Coupang;
using Orchestrator.Sandbox.Kakao;
using Orchestrator.Sandbox.Naver;
using Orchestrator.Sandbox.Slack;
using Orchestrator.Sandbox.Wes;

namespace Orchestrator.Sandbox;

/// <summary>Configures a <see cref="SandboxServer"/>.</summary>
public sealed class SandboxOptions
{
    /// <summary>Gets or sets the clock the simulators check signatures, token lifetimes and rate limits against.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>. Share a manual provider with the adapter to test expiry.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the Coupang simulator settings.</summary>
    public CoupangSandboxOptions Coupang { get; } = new();

    /// <summary>Gets the Naver Commerce simulator settings.</summary>
    public NaverSandboxOptions Naver { get; } = new();

    /// <summary>Gets the Cafe24 simulator settings.</summary>
    public Cafe24SandboxOptions Cafe24 { get; } = new();

    /// <summary>Gets the WES simulator settings.</summary>
    public WesSandboxOptions Wes { get; } = new();

    /// <summary>Gets the Slack webhook simulator settings.</summary>
    public SlackSandboxOptions Slack { get; } = new();

    /// <summary>Gets the Kakao simulator settings.</summary>
    public KakaoSandboxOptions Kakao { get; } = new();

    /// <summary>Gets or sets a callback given every request the server served, after it was served (a test hook: crash tests record
    /// which host fetched orders when). It runs on the request's thread and must be quick and thread-safe.</summary>
    /// <value>Default <see langword="null"/>: nothing is recorded.</value>
    public Action<SandboxRequest>? RequestObserver { get; set; }
}
