using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Api;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Tensors;

// Not Platform.Bench.Platform, after the folder: a namespace named Platform inside Platform.Bench would
// hide the root Platform namespace from the other bench files (their Platform.Quantization.X names).
namespace Platform.Bench.PlatformLoad;

/// <summary>
/// `platform`: the issue's two platform targets, against a running platform (scripts/run.sh):
/// (a) submit → Running latency, one small job at a time on an idle worker (target p50 &lt; 100 ms);
/// (b) a burst of concurrent submissions, every one accepted (202) or refused (429), none lost.
/// </summary>
public static class PlatformBench
{
    public const string Usage =
        "platform [--url URL] [--token TOKEN] [--jobs K] [--concurrent N] [--wait] [--timeout S] [--only latency|burst]";

    private static readonly JobStatus[] Terminal = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    public static int Run(string[] args) => RunAsync(args).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] args)
    {
        var root = FindRepositoryRoot();
        var state = Path.Combine(root, ".local", "run");
        string url = Option(args, "--url") ?? ReadState(state, "url") ?? "http://127.0.0.1:5080";
        string? token = Option(args, "--token") ?? ReadState(state, "demo-token");
        if (token is null)
        {
            Console.Error.WriteLine($"platform: no token: pass --token (a team token), or start the platform with scripts/run.sh, which writes {Path.Combine(state, "demo-token")}.");
            return 2;
        }
        int jobs = BenchCommands.IntOption(args, "--jobs", 20);
        int concurrent = BenchCommands.IntOption(args, "--concurrent", 200);
        int timeoutS = BenchCommands.IntOption(args, "--timeout", 600);
        string? only = Option(args, "--only");
        bool wait = args.Contains("--wait");

        using var client = new PlatformClient(new Uri(url.TrimEnd('/') + "/"), token, Math.Max(concurrent, 16));
        Console.WriteLine($"platform benchmark against {client.BaseUrl} (digits_mlp, int8, 64 synthetic samples, device cpu)");

        var model = await client.FindOrUploadAsync("models", "bench-digits-mlp", Path.Combine(root, "tests", "fixtures", "models", "digits_mlp.onnx"));
        var data = await client.FindOrUploadAsync("datasets", "bench-digits-synthetic-64", SmallDataSet(Path.Combine(state, "bench")));
        Console.WriteLine($"  model {model.Id} ({(model.Reused ? "reused" : "uploaded")}), data set {data.Id} ({(data.Reused ? "reused" : "uploaded")})");
        var request = new SubmitJobRequest(JobKind.Quantize, model.Id, data.Id, data.Id, JsonSerializer.SerializeToElement("int8"), DeviceClass.Cpu);
        var deadline = TimeSpan.FromSeconds(timeoutS);

        int rc = 0;
        if (only is null or "latency") rc |= await LatencyAsync(client, request, jobs, deadline);
        if (only is null or "burst") rc |= await BurstAsync(client, request, concurrent, wait, deadline);
        return rc;
    }

    /// <summary>(a) K jobs one after another, each submitted once the previous one ended, so the worker is idle.</summary>
    private static async Task<int> LatencyAsync(PlatformClient client, SubmitJobRequest request, int count, TimeSpan deadline)
    {
        Console.WriteLine();
        Console.WriteLine($"(a) submit → Running, one job at a time on an idle worker: 1 warm-up + {count} measured");
        var server = new List<double>();
        var queued = new List<double>();
        var observed = new List<double>();
        var post = new List<double>();
        var run = new List<double>();
        int failed = 0;
        for (int i = 0; i <= count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var (status, submitted, body) = await client.SubmitAsync(request);
            double postMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (status != HttpStatusCode.Accepted)
            {
                Console.Error.WriteLine($"platform: POST /api/v1/jobs answered {(int)status}: {body}");
                return 1;
            }
            // The client's view: from sending the POST to the first GET that shows the job started.
            double? seenMs = null;
            JobResponse job = submitted!;
            while (!Terminal.Contains(job.Status))
            {
                if (Stopwatch.GetElapsedTime(t0) > deadline)
                {
                    Console.Error.WriteLine($"platform: job {job.Id} still {job.Status} after {deadline.TotalSeconds:F0} s; is a CPU worker running?");
                    return 1;
                }
                await Task.Delay(seenMs is null ? 5 : 50);
                job = await client.GetJobAsync(job.Id) ?? throw new InvalidOperationException($"job {submitted!.Id} was accepted but GET answers 404");
                if (seenMs is null && job.Status != JobStatus.Pending && job.Status != JobStatus.Dispatched)
                    seenMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }
            if (job.Status != JobStatus.Succeeded)
            {
                failed++;
                Console.WriteLine($"  job {job.Id} {job.Status}: {job.Error}");
            }
            if (i == 0) continue; // the warm-up: first-call costs (JIT, connection pools) in web and worker
            post.Add(postMs);
            if (seenMs is { } s) observed.Add(s);
            if (job.StartedAt is { } started)
            {
                server.Add((started - job.CreatedAt).TotalMilliseconds);
                if (job.DispatchedAt is { } dispatched) queued.Add((dispatched - job.CreatedAt).TotalMilliseconds);
                if (job.FinishedAt is { } finished) run.Add((finished - started).TotalMilliseconds);
            }
        }

        var serverP = new Percentiles(server);
        Console.WriteLine(Percentiles.Header("measure"));
        Console.WriteLine(serverP.Row("server: createdAt → startedAt"));
        Console.WriteLine(new Percentiles(queued).Row("server: createdAt → dispatchedAt"));
        Console.WriteLine(new Percentiles(observed).Row("client: POST sent → GET shows Running (5 ms polls)"));
        Console.WriteLine(new Percentiles(post).Row("client: POST /jobs round trip"));
        Console.WriteLine(new Percentiles(run).Row("server: startedAt → finishedAt (the job)"));
        bool met = serverP.Count > 0 && serverP.P50 < 100;
        Console.WriteLine($"  target submit → Running p50 < 100 ms: {(met ? "met" : "NOT met")} ({serverP.P50:F1} ms){(failed > 0 ? $"; {failed} job(s) did not succeed" : "")}");
        return met && failed == 0 ? 0 : 1;
    }

    /// <summary>(b) N POST /jobs released at once; then every accepted id must be stored and end in a terminal state.</summary>
    private static async Task<int> BurstAsync(PlatformClient client, SubmitJobRequest request, int n, bool wait, TimeSpan deadline)
    {
        Console.WriteLine();
        Console.WriteLine($"(b) {n} concurrent POST /api/v1/jobs, then each accepted job {(wait ? "run to the end" : "checked stored, then cancelled")}");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = new ConcurrentBag<double>();
        var tasks = Enumerable.Range(0, n).Select(async _ =>
        {
            await gate.Task;
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                var (status, job, body) = await client.SubmitAsync(request);
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                return (Code: (int)status, Id: job?.Id, Detail: status is HttpStatusCode.Accepted or HttpStatusCode.TooManyRequests ? null : body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return (Code: 0, Id: (Guid?)null, Detail: e.Message);
            }
        }).ToArray();
        long burst0 = Stopwatch.GetTimestamp();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);
        double burstMs = Stopwatch.GetElapsedTime(burst0).TotalMilliseconds;

        var accepted = results.Where(r => r.Code == 202 && r.Id is not null).Select(r => r.Id!.Value).ToList();
        int throttled = results.Count(r => r.Code == 429);
        var other = results.Where(r => r.Code is not (202 or 429)).ToList();
        Console.WriteLine($"  answers: 202 accepted {accepted.Count}, 429 throttled {throttled}, other {other.Count}; all {n} answered in {burstMs:F0} ms");
        foreach (var g in other.GroupBy(r => r.Code).Take(5))
            Console.WriteLine($"    {(g.Key == 0 ? "no answer" : g.Key.ToString())} ×{g.Count()}: {Truncate(g.First().Detail)}");
        Console.WriteLine(Percentiles.Header("measure"));
        Console.WriteLine(new Percentiles(latencies).Row("client: POST /jobs round trip in the burst"));

        // Stored: every accepted id answers GET.
        var missing = new ConcurrentBag<Guid>();
        var seen = new ConcurrentDictionary<Guid, JobStatus>();
        await Parallel.ForEachAsync(accepted, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
        {
            var job = await client.GetJobAsync(id, ct);
            if (job is null) missing.Add(id);
            else seen[id] = job.Status;
        });
        Console.WriteLine($"  stored: {seen.Count} of {accepted.Count} accepted jobs answer GET /api/v1/jobs/{{id}}");

        if (!wait)
        {
            var cancelAnswers = new ConcurrentDictionary<int, int>();
            await Parallel.ForEachAsync(seen.Where(kv => !Terminal.Contains(kv.Value)).Select(kv => kv.Key),
                new ParallelOptions { MaxDegreeOfParallelism = 16 },
                async (id, ct) => cancelAnswers.AddOrUpdate((int)await client.CancelAsync(id, ct), 1, (_, c) => c + 1));
            Console.WriteLine($"  cancel answers: {string.Join(", ", cancelAnswers.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} ×{kv.Value}"))}");
        }

        // Terminal: poll the ones still open until none is, or the deadline.
        var open = seen.Keys.ToHashSet();
        var final = new ConcurrentDictionary<Guid, JobStatus>();
        long t = Stopwatch.GetTimestamp();
        while (open.Count > 0 && Stopwatch.GetElapsedTime(t) < deadline)
        {
            await Parallel.ForEachAsync(open.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (id, ct) =>
            {
                var job = await client.GetJobAsync(id, ct);
                if (job is null) missing.Add(id);
                else if (Terminal.Contains(job.Status)) final[id] = job.Status;
            });
            open.ExceptWith(final.Keys);
            open.ExceptWith(missing);
            if (open.Count > 0) await Task.Delay(500);
        }
        double settleS = Stopwatch.GetElapsedTime(t).TotalSeconds;
        Console.WriteLine($"  terminal after {settleS:F1} s: {string.Join(", ", final.Values.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}" +
                          (open.Count > 0 ? $"; still open after {deadline.TotalSeconds:F0} s: {open.Count}" : ""));

        var lost = missing.Distinct().ToList();
        if (lost.Count == 0 && open.Count == 0)
            Console.WriteLine($"  none lost: all {accepted.Count} accepted jobs stored and ended");
        else
        {
            if (lost.Count > 0) Console.WriteLine($"  LOST ({lost.Count}): {string.Join(", ", lost.Take(20))}");
            if (open.Count > 0) Console.WriteLine($"  NOT ENDED ({open.Count}): {string.Join(", ", open.Take(20))}");
        }
        bool met = other.Count == 0 && lost.Count == 0 && open.Count == 0;
        Console.WriteLine($"  target {n} concurrent submissions all accepted or 429, none lost: {(met ? "met" : "NOT met")}");
        return met ? 0 : 1;
    }

    /// <summary>64 digits-like samples (x float32 [64,64] in 0..16, y int64), written once and kept, so its SHA-256 stays the same and reruns reuse the upload.</summary>
    private static string SmallDataSet(string folder)
    {
        var path = Path.Combine(folder, "digits-synthetic-64.npz");
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(folder);
        var random = new Random(64);
        var x = new float[64 * 64];
        for (int i = 0; i < x.Length; i++) x[i] = random.Next(17);
        var y = new long[64];
        for (int i = 0; i < y.Length; i++) y[i] = random.Next(10);
        var tmp = path + ".part";
        using (var npz = new NpzWriter(new FileStream(tmp, FileMode.Create), compress: false))
        {
            npz.WriteArray("x", Tensor.FromArray(x, 64, 64));
            npz.WriteArray("y", Tensor.FromArray(y, 64));
        }
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Platform.sln"))) return d.FullName;
        throw new InvalidOperationException("platform: run it from inside the repository (no Platform.sln above the current folder).");
    }

    private static string? ReadState(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() is { Length: > 0 } s ? s : null : null;
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 200 ? s : s[..200] + "…";
}
