using Platform.Worker.Hosting;

namespace Platform.Worker.Jobs;

/// <summary>
/// One limit for the whole worker: it consumes two queues (its device's and quantize-any), and each
/// endpoint's own concurrency limit would otherwise let it run twice as many jobs as configured.
/// </summary>
public sealed class JobSlots(WorkerOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Concurrency, options.Concurrency);

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
