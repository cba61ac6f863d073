using Orchestrator.Hosting.Internal;

namespace Orchestrator.Hosting.Tests;

public sealed class RequestQueueTests
{
    [Fact]
    public void Subset_requests_made_while_one_is_queued_merge_into_one_with_the_union_of_their_SKUs()
    {
        var queue = new RequestQueue();

        queue.Add("order.completed", ["A", "B"]);
        queue.Add("order.completed", ["B", "C"]);
        queue.Add("inventory.received", ["D"]);
        var request = queue.Take();

        Assert.NotNull(request);
        Assert.Equal("inventory.received+order.completed", request.Trigger);
        Assert.Equal(["A", "B", "C", "D"], request.SkuCodes!.Order(StringComparer.Ordinal));
        Assert.Null(queue.Take());
    }

    [Fact]
    public void A_full_request_absorbs_subset_requests_before_and_after_it()
    {
        var queue = new RequestQueue();

        queue.Add("order.completed", ["A"]);
        queue.Add("manual", null);
        queue.Add("order.completed", ["B"]);

        Assert.Null(queue.Take()!.SkuCodes);
    }

    [Fact]
    public async Task Wait_completes_when_a_request_is_queued_and_rearms_after_take()
    {
        var queue = new RequestQueue();
        var waiting = queue.WaitAsync();

        Assert.False(waiting.IsCompleted);
        queue.Add("manual", null);
        await waiting;
        queue.Take();

        Assert.False(queue.WaitAsync().IsCompleted);
    }
}
