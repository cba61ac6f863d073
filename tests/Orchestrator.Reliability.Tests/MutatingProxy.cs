using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Reliability.Tests;

/// <summary>
/// A loopback HTTP proxy in front of the sandbox: it forwards every request (so authentication and signatures are real) and can
/// replace or mutate the answer's body for requests whose path matches, so the adapters' real parsing code runs on bad input.
/// </summary>
internal sealed class MutatingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _forward = new();
    private readonly Uri _target;

    private MutatingProxy(WebApplication app, Uri target, Uri root)
    {
        _app = app;
        _target = target;
        Root = root;
    }

    public Uri Root { get; }

    /// <summary>Gets or sets the rewrite: given the request method, path and the real answer's body, returns the body to send, or null to pass it through.</summary>
    public Func<string, string, byte[], byte[]?>? Rewrite { get; set; }

    /// <summary>Gets how many answers were rewritten.</summary>
    public int Rewritten;

    public static async Task<MutatingProxy> StartAsync(Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        MutatingProxy? proxy = null;
        app.Run(ctx => proxy!.ForwardAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new MutatingProxy(app, target, new Uri(address.TrimEnd('/') + "/"));
        return proxy;
    }

    /// <summary>Maps a sandbox address to the same path behind the proxy.</summary>
    public Uri Behind(Uri sandboxAddress) => new(Root, sandboxAddress.PathAndQuery.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }

    private async Task ForwardAsync(HttpContext ctx)
    {
        var uri = new Uri(_target, ctx.Request.Path.Value!.TrimStart('/') + ctx.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(ctx.Request.Method), uri);
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        if (body.Length > 0 || ctx.Request.ContentLength is not null)
        {
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var header in ctx.Request.Headers)
        {
            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value!))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value!);
            }
        }

        using var response = await _forward.SendAsync(request, ctx.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(ctx.RequestAborted);
        if (Rewrite?.Invoke(ctx.Request.Method, ctx.Request.Path.Value!, answer) is { } rewritten)
        {
            Interlocked.Increment(ref Rewritten);
            answer = rewritten;
        }

        ctx.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding")
            {
                continue;
            }

            ctx.Response.Headers[header.Key] = header.Value.ToArray();
        }

        ctx.Response.ContentLength = answer.Length;
        await ctx.Response.Body.WriteAsync(answer, ctx.RequestAborted);
    }
}
