using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using System.Net;
using System.Text.Json;
using Orchestrator.Dashboard.Tests.Infrastructure;
using Orchestrator.Events;

namespace Orchestrator.Dashboard.Tests;

public sealed class EventEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignedEvent_IsHandedToTheSink_As202()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(EventSigner.Request("inventory.received", EventSigner.Body("evt-1", quantity: 12), DateTimeOffset.UtcNow), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = Assert.Single(app.Sink.Accepted);
        Assert.Equal(new StockEvent("evt-1", StockEventType.InventoryReceived, "WH1", accepted.Lines, DateTimeOffset.Parse("2026-11-21T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)), accepted);
        Assert.Equal(new[] { new StockEventLine("SKU-A", 12) }, accepted.Lines);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("evt-1", json.RootElement.GetProperty("eventId").GetString());
    }

    [Fact]
    public async Task WrongSignature_Is401_AndTheSinkIsNotCalled()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-1"), DateTimeOffset.UtcNow, secret: "another-secret-0123456789abcdef0123456789"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid-signature", await ReasonAsync(response));
        Assert.Empty(app.Sink.Accepted);
    }

    [Fact]
    public async Task BodyChangedAfterSigning_Is401()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();
        using var request = EventSigner.Request("order.completed", EventSigner.Body("evt-1", quantity: 1), DateTimeOffset.UtcNow);
        request.Content = new StringContent(EventSigner.Body("evt-1", quantity: 100), System.Text.Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(app.Sink.Accepted);
    }

    [Theory]
    [InlineData(-6)]
    [InlineData(6)]
    public async Task TimestampOutsideTolerance_Is401(int minutes)
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-old"), DateTimeOffset.UtcNow.AddMinutes(minutes)), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("stale-timestamp", await ReasonAsync(response));
        Assert.Empty(app.Sink.Accepted);
    }

    [Fact]
    public async Task MissingSignature_Is401()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/orchestrator/events/order.completed", new StringContent(EventSigner.Body("evt-1")), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing-signature", await ReasonAsync(response));
    }

    [Fact]
    public async Task ReplayedRequest_Is409_AndTheSinkSeesTheEventOnce()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();
        var now = DateTimeOffset.UtcNow;

        using var first = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-9"), now), Ct);
        using var replay = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-9"), now), Ct);
        using var resigned = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-9"), now.AddSeconds(1)), Ct);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("replayed-event", await ReasonAsync(replay));
        Assert.Equal(HttpStatusCode.Conflict, resigned.StatusCode);
        Assert.Single(app.Sink.Accepted);
    }

    [Theory]
    [InlineData("not json", "malformed-json", "$")]
    [InlineData("[]", "wrong-type", "$")]
    [InlineData("""{"warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":1}]}""", "missing-field", "event_id")]
    [InlineData("""{"event_id":"e","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":1}]}""", "missing-field", "warehouse")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","lines":[{"sku":"A","quantity":1}]}""", "missing-field", "occurred_at")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00","lines":[{"sku":"A","quantity":1}]}""", "wrong-type", "occurred_at")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z"}""", "missing-field", "lines")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[]}""", "empty-lines", "lines")]
    [InlineData("""{"event_id":42,"warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":1}]}""", "wrong-type", "event_id")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":"1"}]}""", "wrong-type", "lines[0].quantity")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":1.5}]}""", "wrong-type", "lines[0].quantity")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":-1}]}""", "negative-quantity", "lines[0].quantity")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"sku":"A","quantity":1},{"sku":"A","quantity":2}]}""", "duplicate-sku", "lines[1].sku")]
    [InlineData("""{"event_id":"e","warehouse":"WH1","occurred_at":"2026-11-21T09:00:00Z","lines":[{"quantity":1}]}""", "missing-field", "lines[0].sku")]
    public async Task MalformedBody_Is400WithTypedReason_AndTheSinkIsNotCalled(string body, string reason, string field)
    {
        await using var app = await DashboardTestApp.CreateAsync();
        await using var factory = app.Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(EventSigner.Request("inventory.manual_adjust", body, DateTimeOffset.UtcNow), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(reason, json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(field, json.RootElement.GetProperty("field").GetString());
        Assert.Equal("ERR-DATA-001", json.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal("urn:orchestrator:event:" + reason, json.RootElement.GetProperty("type").GetString());
        Assert.Empty(app.Sink.Accepted);
    }

    [Fact]
    public async Task SinkRefusingTheEvent_Is422WithItsErrorCode()
    {
        await using var app = await DashboardTestApp.CreateAsync();
        var sink = Substitute.For<IStockEventSink>();
        sink.AcceptAsync(Arg.Any<StockEvent>(), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromException<StockEventReceipt>(new InvalidStockDataException("SKU-A is not in warehouse WH1's catalog.", "SKU-A")));
        await using var factory = app.Factory().WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(sink)));
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(EventSigner.Request("order.completed", EventSigner.Body("evt-x"), DateTimeOffset.UtcNow), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("invalid-stock-data", await ReasonAsync(response));
    }

    private static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("reason").GetString();
    }
}
