using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using Orchestrator.Alerts;
using Orchestrator.Notifications.Internal;
using Orchestrator.TestUtilities;

namespace Orchestrator.Notifications.Tests;

public sealed class AlertDispatcherTests
{
    private readonly ManualTimeProvider _clock = new(TestAlerts.At);
    private readonly INotifier _slack = Notifier(AlertRoutes.Slack);
    private readonly INotifier _kakao = Notifier(AlertRoutes.KakaoTalk);

    private static INotifier Notifier(string target)
    {
        var notifier = Substitute.For<INotifier>();
        notifier.Target.Returns(target);
        notifier.SendAsync(Arg.Any<IReadOnlyList<Alert>>(), Arg.Any<CancellationToken>())
            .Returns(call => new NotificationResult(call.Arg<IReadOnlyList<Alert>>().Count, 0, 1));
        return notifier;
    }

    private AlertDispatcher Create(AlertDispatcherOptions? options = null, params INotifier[] notifiers) =>
        new(notifiers.Length == 0 ? [_slack, _kakao] : notifiers, Options.Create(options ?? new AlertDispatcherOptions()), _clock, NullLogger<AlertDispatcher>.Instance);

    private static List<Alert> Sent(INotifier notifier) =>
        notifier.ReceivedCalls().Where(c => c.GetMethodInfo().Name == nameof(INotifier.SendAsync)).Select(c => (IReadOnlyList<Alert>)c.GetArguments()[0]!).SelectMany(a => a).ToList();

    [Theory]
    [InlineData(AlertKind.CriticalStock, AlertSeverity.High, true, true)]
    [InlineData(AlertKind.LowStock, AlertSeverity.Medium, true, false)]
    [InlineData(AlertKind.SyncFailure, AlertSeverity.High, true, false)]
    [InlineData(AlertKind.MassMismatch, AlertSeverity.Medium, true, false)]
    public async Task DispatchAsync_Seed002Table_RoutesKindToTargetsWithSeverity(AlertKind kind, AlertSeverity severity, bool slack, bool kakao)
    {
        var dispatcher = Create();

        var result = await dispatcher.DispatchAsync([TestAlerts.Of(kind)], CancellationToken.None);

        Assert.True(result.AllDelivered);
        Assert.Equal(slack, Sent(_slack).Any(a => a.Kind == kind && a.Severity == severity));
        Assert.Equal(kakao, Sent(_kakao).Any(a => a.Kind == kind && a.Severity == severity));
        Assert.Equal(slack ? 1 : 0, result.Targets.GetValueOrDefault(AlertRoutes.Slack)?.Delivered ?? 0);
        Assert.Equal(kakao ? 1 : 0, result.Targets.GetValueOrDefault(AlertRoutes.KakaoTalk)?.Delivered ?? 0);
    }

    [Fact]
    public async Task DispatchAsync_SameSkuSameLevelWithinQuietPeriod_Suppressed()
    {
        var dispatcher = Create();
        await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(1));

        var result = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);

        Assert.Equal(1, result.Suppressed);
        Assert.Single(Sent(_slack));
    }

    [Fact]
    public async Task DispatchAsync_LevelChanged_SentAgain()
    {
        var dispatcher = Create();
        await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);

        var result = await dispatcher.DispatchAsync([TestAlerts.Low("A", 6)], CancellationToken.None);

        Assert.Equal(0, result.Suppressed);
        Assert.Equal(2, Sent(_slack).Count);
    }

    [Fact]
    public async Task DispatchAsync_AfterQuietPeriod_SentAgain()
    {
        var dispatcher = Create(new AlertDispatcherOptions { QuietPeriod = TimeSpan.FromHours(2) });
        await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(2));

        var result = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);

        Assert.Equal(0, result.Suppressed);
        Assert.Equal(2, Sent(_slack).Count);
    }

    [Fact]
    public async Task DispatchAsync_DuplicatesInOneSet_SentOnce()
    {
        var dispatcher = Create();

        var result = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7), TestAlerts.Low("A", 7), TestAlerts.Low("B", 7)], CancellationToken.None);

        Assert.Equal(1, result.Suppressed);
        Assert.Equal(2, Sent(_slack).Count);
    }

    [Fact]
    public async Task DispatchAsync_DeliveryFailed_NotRememberedSoSentAgain()
    {
        _slack.SendAsync(Arg.Any<IReadOnlyList<Alert>>(), Arg.Any<CancellationToken>())
            .Returns(new NotificationResult(0, 1, 0, "Slack answered 500"), new NotificationResult(1, 0, 1));
        var dispatcher = Create();

        var first = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);
        var second = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);

        Assert.False(first.AllDelivered);
        Assert.Equal(0, second.Suppressed);
        Assert.True(second.AllDelivered);
    }

    [Fact]
    public async Task DispatchAsync_SameAlertTwiceConcurrently_SentOnce()
    {
        var gate = new TaskCompletionSource<NotificationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _slack.SendAsync(Arg.Any<IReadOnlyList<Alert>>(), Arg.Any<CancellationToken>()).Returns(gate.Task);
        var dispatcher = Create();

        var first = dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);
        var second = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);
        gate.SetResult(new NotificationResult(1, 0, 1));
        await first;

        Assert.Equal(1, second.Suppressed);
        Assert.Single(Sent(_slack));
    }

    [Fact]
    public async Task DispatchAsync_Cancelled_NothingRememberedSoSentAgain()
    {
        using var cts = new CancellationTokenSource();
        _slack.SendAsync(Arg.Any<IReadOnlyList<Alert>>(), Arg.Any<CancellationToken>())
            .Returns(_ => Task.FromCanceled<NotificationResult>(cts.Token), _ => Task.FromResult(new NotificationResult(1, 0, 1)));
        await cts.CancelAsync();
        var dispatcher = Create();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], cts.Token));
        var again = await dispatcher.DispatchAsync([TestAlerts.Low("A", 7)], CancellationToken.None);

        Assert.Equal(0, again.Suppressed);
        Assert.Equal(1, again.Targets[AlertRoutes.Slack].Delivered);
    }

    [Fact]
    public async Task DispatchAsync_NotifierThrows_ReportedAsFailedAndOtherTargetDelivers()
    {
        _kakao.SendAsync(Arg.Any<IReadOnlyList<Alert>>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("boom"));
        var dispatcher = Create();

        var result = await dispatcher.DispatchAsync([TestAlerts.Critical("A")], CancellationToken.None);

        Assert.Equal(1, result.Targets[AlertRoutes.Slack].Delivered);
        Assert.Equal(new NotificationResult(0, 1, 0, "the notifier threw InvalidOperationException"), result.Targets[AlertRoutes.KakaoTalk]);
    }

    [Fact]
    public async Task DispatchAsync_TargetWithoutNotifier_ReportedAsFailed()
    {
        var dispatcher = Create(null, _slack);

        var result = await dispatcher.DispatchAsync([TestAlerts.Critical("A")], CancellationToken.None);

        Assert.Equal(1, result.Targets[AlertRoutes.KakaoTalk].Failed);
        Assert.Equal(1, result.Targets[AlertRoutes.Slack].Delivered);
    }

    [Fact]
    public async Task DispatchAsync_KindWithoutRoute_CountedAsUnrouted()
    {
        var dispatcher = Create(new AlertDispatcherOptions { Routes = [AlertRoutes.For(AlertKind.CriticalStock)] });

        var result = await dispatcher.DispatchAsync([TestAlerts.Low("A")], CancellationToken.None);

        Assert.Equal(1, result.Unrouted);
        Assert.Empty(result.Targets);
    }

    [Fact]
    public async Task DispatchAsync_SyncFailuresWithoutSku_DifferentTitlesBothSent()
    {
        var dispatcher = Create();

        var result = await dispatcher.DispatchAsync(
            [TestAlerts.Of(AlertKind.SyncFailure, null) with { Title = "coupang skipped" }, TestAlerts.Of(AlertKind.SyncFailure, null) with { Title = "naver skipped" }],
            CancellationToken.None);

        Assert.Equal(2, result.Targets[AlertRoutes.Slack].Delivered);
    }

    [Fact]
    public void Ctor_TwoNotifiersForOneTarget_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Create(null, _slack, Notifier(AlertRoutes.Slack)));
    }
}
