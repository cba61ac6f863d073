namespace Orchestrator.Channels.Coupang.Tests.Http;

/// <summary>An HttpMessageHandler that answers from a list of scripted responses, one per call.</summary>
internal sealed class StubHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] answers) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _calls) - 1;
        var answer = answers[Math.Min(index, answers.Length - 1)];
        return Task.FromResult(answer(request));
    }
}
