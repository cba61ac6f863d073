using System.Net;
using Orchestrator.Internal.Http;
using Orchestrator.TestUtilities;

namespace Orchestrator.Channels.Coupang.Tests.Http;

public sealed class ResilientHttpClientTests
{
    private static readonly HttpResilienceSettings FastSettings = new()
    {
        AttemptTimeout = TimeSpan.FromSeconds(5),
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryAttempts = 2,
        BreakMinimumThroughput = 2,
        BreakFailureRatio = 0.5,
        BreakDuration = TimeSpan.FromMinutes(1),
    };

    [Fact]
    public async Task SendAsync_ServerErrorThenSuccess_Retries()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), _ => new HttpResponseMessage(HttpStatusCode.OK));
        var client = Create(handler, FastSettings with { BreakMinimumThroughput = 100 }, TimeProvider.System);

        using var response = await client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_BadRequest_ThrowsRejectedWithoutRetry()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("{\"message\":\"bad key SECRETKEY1\"}") });
        var redactor = new SecretRedactor();
        redactor.Add("SECRETKEY1");
        var client = Create(handler, FastSettings, TimeProvider.System, redactor);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None));

        Assert.Equal(ChannelFailureKind.Rejected, ex.Kind);
        Assert.Equal(400, ex.StatusCode);
        Assert.DoesNotContain("SECRETKEY1", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_TooManyRequestsWithRetryAfter_WaitsThatLongThenRetries()
    {
        var time = new ManualTimeProvider();
        var handler = new StubHandler(
            _ =>
            {
                var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
                return r;
            },
            _ => new HttpResponseMessage(HttpStatusCode.OK));
        var client = Create(handler, FastSettings, time);

        var call = client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None);
        await WaitUntil(() => handler.Calls == 1);
        time.Advance(TimeSpan.FromSeconds(6.9));
        await Task.Yield();
        Assert.Equal(1, handler.Calls);
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        using var response = await call;
        Assert.Equal(2, handler.Calls);
        Assert.True(time.GetUtcNow() >= new DateTimeOffset(2026, 1, 1, 0, 0, 7, TimeSpan.Zero));
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanAllowed_ThrowsRateLimited()
    {
        var handler = new StubHandler(_ =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1));
            return r;
        });
        var client = Create(handler, FastSettings, TimeProvider.System);

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None));

        Assert.Equal(ChannelFailureKind.RateLimited, ex.Kind);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task SendAsync_RepeatedServerErrors_OpensTheCircuit()
    {
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var client = Create(handler, FastSettings with { MaxRetryAttempts = 0 }, TimeProvider.System);
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<ChannelApiException>(() => client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None));
        }

        var ex = await Assert.ThrowsAsync<ChannelApiException>(() => client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None));

        Assert.Equal(ChannelFailureKind.Unavailable, ex.Kind);
        Assert.Contains("circuit is open", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task SendAsync_LongWaitForTheRateBudget_IsNotATimeout()
    {
        var time = new ManualTimeProvider();
        var handler = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK));
        var budget = new RateBudget("test", 10, 10, time);
        budget.PauseFor(TimeSpan.FromSeconds(30));
        var settings = FastSettings with { AttemptTimeout = TimeSpan.FromSeconds(1) };
        var client = new ResilientHttpClient(
            new HttpClient(handler),
            HttpResilience.Build(settings, time, budget),
            budget,
            (kind, message, status, inner) => new ChannelApiException("test", kind, message, status, inner),
            new SecretRedactor(),
            settings.AttemptTimeout,
            timeProvider: time);

        var call = client.SendAsync("op", Request, RequestPriority.Normal, CancellationToken.None);
        while (!call.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, handler.Calls);
    }

    [Theory]
    [InlineData("https://api-gateway.coupang.com", true)]
    [InlineData("http://127.0.0.1:5000/", true)]
    [InlineData("http://localhost:5000/", true)]
    [InlineData("http://api-gateway.coupang.com", false)]
    [InlineData("https://host/?a=b", false)]
    public void Validate_BaseAddress_RequiresHttpsExceptLoopback(string address, bool valid)
    {
        Assert.Equal(valid, EndpointRules.Validate(new Uri(address), "BaseAddress") is null);
    }

    private static ValueTask<HttpRequestMessage> Request(CancellationToken ct) => ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/x"));

    private static ResilientHttpClient Create(StubHandler handler, HttpResilienceSettings settings, TimeProvider time, SecretRedactor? redactor = null)
    {
        var budget = new RateBudget("test", 1000, 1000, time);
        var pipeline = HttpResilience.Build(settings, time, budget);
        return new ResilientHttpClient(
            new HttpClient(handler),
            pipeline,
            budget,
            (kind, message, status, inner) => new ChannelApiException("test", kind, message, status, inner),
            redactor ?? new SecretRedactor(),
            settings.AttemptTimeout,
            timeProvider: time);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 5000 && !condition(); i++)
        {
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }
    }
}
