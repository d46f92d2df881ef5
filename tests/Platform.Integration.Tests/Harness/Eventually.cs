using System.Diagnostics;

namespace Platform.Integration.Tests.Harness;

/// <summary>Polling with a deadline: the tests wait for a state, never for a fixed time.</summary>
public static class Eventually
{
    /// <summary>
    /// Calls <paramref name="probe"/> until <paramref name="done"/> holds for its value, and returns that value;
    /// past <paramref name="timeout"/> fails with the last value seen and <paramref name="diagnostics"/>.
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        Func<T?, string>? describe = null,
        Func<string>? diagnostics = null,
        TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        var pause = interval ?? TimeSpan.FromMilliseconds(100);
        T? last = default;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await probe();
                lastError = null;
                if (done(last)) return last;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or Npgsql.NpgsqlException)
            {
                lastError = e;
            }
            if (clock.Elapsed > timeout)
            {
                var state = lastError is not null ? $"last probe failed: {lastError.Message}" : $"last seen: {(describe ?? (v => v?.ToString() ?? "null"))(last)}";
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F0} s waiting for {what}; {state}\n{diagnostics?.Invoke()}");
            }
            await Task.Delay(pause);
        }
    }
}
