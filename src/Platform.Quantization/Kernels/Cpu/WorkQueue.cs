using System.Diagnostics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Runs work units 0..count-1 on the calling thread plus up to threads-1 helpers; every thread claims the
/// next unit with one atomic increment, so the caller never waits for a helper that has not started.
/// The helpers are dedicated threads that spin briefly after a batch before they sleep: a network runs
/// dozens of GEMMs back to back, and waking a sleeping thread costs a scheduler round trip each time
/// (milliseconds on a busy machine). A second concurrent caller, finding the helpers taken, uses the
/// thread pool instead.
/// </summary>
internal static class WorkQueue
{
    // How long a helper (and a caller waiting for the last units) spins before blocking.
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000;
    private static readonly int MaxHelpers = Math.Max(1, Environment.ProcessorCount - 1);
    private static readonly object Gate = new();
    private static Helper[] s_helpers = [];
    private static int s_busy;

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
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) == 0)
        {
            try
            {
                var helpers = Helpers(Math.Min(threads - 1, MaxHelpers));
                for (int t = 0; t < Math.Min(threads - 1, helpers.Length); t++) helpers[t].Post(batch);
                batch.Work();
                batch.WaitAll();
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
            return;
        }
        for (int t = 1; t < threads; t++) ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
        batch.Work();
        batch.WaitAll();
    }

    private static Helper[] Helpers(int needed)
    {
        var helpers = s_helpers;
        if (helpers.Length >= needed) return helpers;
        lock (Gate)
        {
            helpers = s_helpers;
            if (helpers.Length >= needed) return helpers;
            var grown = new Helper[needed];
            helpers.CopyTo(grown, 0);
            for (int i = helpers.Length; i < needed; i++) grown[i] = new Helper(i);
            s_helpers = grown;
            return grown;
        }
    }

    private sealed class Helper
    {
        private Batch? _pending;
        private int _sleeping;
        private readonly SemaphoreSlim _wake = new(0);

        public Helper(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"GEMM helper {index + 1}" };
            thread.Start();
        }

        public void Post(Batch batch)
        {
            Volatile.Write(ref _pending, batch);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        private void Loop()
        {
            while (true)
            {
                if (Interlocked.Exchange(ref _pending, null) is { } batch)
                {
                    batch.Work();
                    continue;
                }
                long start = Stopwatch.GetTimestamp();
                var spin = new SpinWait();
                while (Volatile.Read(ref _pending) is null && Stopwatch.GetTimestamp() - start < SpinTicks) spin.SpinOnce(sleep1Threshold: -1);
                if (Volatile.Read(ref _pending) is not null) continue;
                Interlocked.Exchange(ref _sleeping, 1);
                // A post between the spin and the flag above would otherwise go unnoticed until the next one.
                if (Volatile.Read(ref _pending) is not null && Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1) continue;
                _wake.Wait();
            }
        }
    }

    private sealed class Batch(int count, Action<int> body) : IThreadPoolWorkItem
    {
        private readonly int _count = count;
        private int _next = -1;
        private int _remaining = count;
        private Exception? _error;
        private readonly ManualResetEventSlim _done = new(false, spinCount: 1);

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
            long start = Stopwatch.GetTimestamp();
            var spin = new SpinWait();
            while (Volatile.Read(ref _remaining) != 0 && Stopwatch.GetTimestamp() - start < SpinTicks) spin.SpinOnce(sleep1Threshold: -1);
            // Not disposed: the thread finishing the last unit may still be inside Set() when the count reads 0.
            if (Volatile.Read(ref _remaining) != 0) _done.Wait();
            if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
        }
    }
}
