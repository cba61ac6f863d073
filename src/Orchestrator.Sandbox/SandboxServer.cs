using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Sandbox.Cafe24;
using Orchestrator.Sandbox.Coupang;
using Orchestrator.Sandbox.Kakao;
using Orchestrator.Sandbox.Naver;
using Orchestrator.Sandbox.Slack;
using Orchestrator.Sandbox.Wes;

namespace Orchestrator.Sandbox;

/// <summary>
/// Runs the channel simulators in-process on Kestrel, bound to 127.0.0.1 on a free port.
/// </summary>
/// <remarks>
/// <para>Start one with <see cref="StartAsync"/>, point the adapters at the simulators' base addresses with their credentials,
/// and dispose it when done. Each simulator checks authentication the way the real service does, enforces its documented rate
/// limit with 429s, holds a generated catalog and an order stream, and can script faults.</para>
/// <para>Plain HTTP on loopback only: the adapters accept <c>http://</c> only for loopback addresses.</para>
/// </remarks>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, Uri baseAddress, CoupangSandbox coupang, NaverSandbox naver, Cafe24Sandbox cafe24, WesSandbox wes, SlackSandbox slack, KakaoSandbox kakao)
    {
        Cafe24 = cafe24;
        _app = app;
        BaseAddress = baseAddress;
        Coupang = coupang;
        Naver = naver;
        Wes = wes;
        Slack = slack;
        Kakao = kakao;
    }

    /// <summary>Gets the root address of the server, for example <c>http://127.0.0.1:51234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the Coupang simulator: its base address, credentials, catalog, orders and fault script.</summary>
    public CoupangSandbox Coupang { get; }

    /// <summary>Gets the Naver Commerce simulator: its base address, credentials, catalog, orders and fault script.</summary>
    public NaverSandbox Naver { get; }

    /// <summary>Gets the Cafe24 simulator: its base address, credentials, catalog, orders and fault script.</summary>
    public Cafe24Sandbox Cafe24 { get; }

    /// <summary>Gets the WES simulator (generic contract): its base address, API key, stock, fault script.</summary>
    public WesSandbox Wes { get; }

    /// <summary>Gets the Slack incoming-webhook simulator: its webhook URL, recorded messages, rate limit, fault script.</summary>
    public SlackSandbox Slack { get; }

    /// <summary>Gets the Kakao "send to me" and token-refresh simulator.</summary>
    public KakaoSandbox Kakao { get; }

    /// <summary>Starts the simulators.</summary>
    /// <param name="options">The settings, or <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    public static async Task<SandboxServer> StartAsync(SandboxOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new SandboxOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        if (options.RequestObserver is { } observer)
        {
            var clock = options.TimeProvider;
            app.Use(async (context, next) =>
            {
                var started = clock.GetUtcNow();
                try
                {
                    await next(context).ConfigureAwait(false);
                }
                finally
                {
                    var headers = context.Request.Headers
                        .Where(h => !string.Equals(h.Key, "Authorization", StringComparison.OrdinalIgnoreCase))
                        .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
                    observer(new SandboxRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, context.Request.QueryString.Value ?? string.Empty,
                        headers, started, clock.GetUtcNow(), context.Response.StatusCode));
                }
            });
        }

        var coupang = new CoupangSandbox(options.Coupang, options.TimeProvider);
        coupang.Map(app);
        var naver = new NaverSandbox(options.Naver, options.TimeProvider);
        naver.Map(app);
        var cafe24 = new Cafe24Sandbox(options.Cafe24, options.TimeProvider);
        cafe24.Map(app);
        var wes = new WesSandbox(options.Wes, options.TimeProvider);
        wes.Map(app);
        var slack = new SlackSandbox(options.Slack, options.TimeProvider);
        slack.Map(app);
        var kakao = new KakaoSandbox(options.Kakao, options.TimeProvider);
        kakao.Map(app);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var root = new Uri(address.EndsWith('/') ? address : address + "/");
        coupang.SetBaseAddress(new Uri(root, "coupang/"));
        naver.SetBaseAddress(new Uri(root, "naver/external/"));
        cafe24.SetBaseAddress(new Uri(root, "cafe24/"));
        wes.SetBaseAddress(new Uri(root, "wes/"));
        slack.SetBaseAddress(root);
        kakao.SetBaseAddress(root);
        return new SandboxServer(app, root, coupang, naver, cafe24, wes, slack, kakao);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
