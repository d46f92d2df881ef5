namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Runs work units 0..count-1 on the calling thread plus up to threads-1 thread-pool workers; every thread
/// claims the next unit with one atomic increment. Unlike Parallel.For, the caller never waits for a worker
/// that has not started: on a busy machine a late worker finds the units taken and leaves, and the caller
/// only waits for units already running elsewhere. Workers are not kept spinning between calls: on this
/// oversubscribed machine a spinning helper (tried) took CPU from the caller and ran 1.3–1.5× slower.
/// </summary>
internal static class WorkQueue
{
    public static void Run(int count, int threads, Action<int> body)
    {
        if (count <= 0) return;
        threads = Math.Min(threads, count);
        if (threads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        var batch = new Batch(count, body);
        for (int t = 1; t < threads; t++) ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        batch.Work();
        batch.WaitAll();
    }

    private sealed class Batch(int count, Action<int> body) : IThreadPoolWorkItem
    {
        private readonly int _count = count;
        private int _next = -1;
        private int _remaining = count;
        private Exception? _error;
        private readonly ManualResetEventSlim _done = new(false, spinCount: 100);

        public void Execute() => Work();

        public void Work()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < _count)
            {
                try
                {
                    if (Volatile.Read(ref _error) is null) body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, e, null);
                }
                if (Interlocked.Decrement(ref _remaining) == 0) _done.Set();
            }
        }

        public void WaitAll()
        {
            // Not disposed: the thread finishing the last unit may still be inside Set() when the count reads 0.
            if (Volatile.Read(ref _remaining) != 0) _done.Wait();
            if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
    }
}
