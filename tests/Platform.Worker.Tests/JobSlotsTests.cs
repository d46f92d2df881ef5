using Platform.Worker.Hosting;
using Platform.Worker.Jobs;

namespace Platform.Worker.Tests;

public sealed class JobSlotsTests
{
    [Fact]
    public async Task Job_slots_are_shared_by_every_queue_the_worker_consumes()
    {
        using var slots = new JobSlots(new WorkerOptions { Concurrency = 1 });
        var first = await slots.AcquireAsync(CancellationToken.None);
        var second = slots.AcquireAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        first.Dispose();
        first.Dispose();   // a double release must not open a second slot
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        var third = await slots.AcquireAsync(CancellationToken.None);
        Assert.False(slots.AcquireAsync(CancellationToken.None).IsCompleted);
        third.Dispose();
    }
}
