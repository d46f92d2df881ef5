using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Bus.Telemetry;
using Platform.Contracts;
using Platform.Contracts.Messages;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Jobs;
using Platform.Quantization.Evaluation;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Worker.Devices;
using Platform.Worker.Hosting;
using Platform.Worker.Telemetry;

namespace Platform.Worker.Jobs;

/// <summary>
/// One delivery of a quantize command, start to end: claim → heartbeat the lease → stage inputs → run the
/// engine off the consumer's thread → store results and Succeeded in one transaction → publish the event.
/// Every way out leaves the job row consistent: Succeeded with its variant, Failed with a message,
/// untouched (not ours, cancelled, lease lost), or back to Pending without an attempt (worker stopping).
/// </summary>
public sealed class QuantizeJobRunner(
    IServiceScopeFactory scopes, WorkerOptions options, IQuantizationEngine engine, CpuCapabilities cpu,
    JobOutcomeLog outcomes, PlatformMetrics metrics, IHostApplicationLifetime lifetime, ILogger<QuantizeJobRunner> log)
{
    // Share of the job's progress each phase takes.
    private const double EngineStart = 0.05, EngineEnd = 0.90, StoreAt = 0.97;

    public async Task<JobOutcome> RunAsync(Guid jobId, IPublishEndpoint publisher, CancellationToken messageToken)
    {
        // A child of MassTransit's consume span, so a trace follows the job from the HTTP request to here and back.
        using var activity = PlatformTelemetry.Source.StartActivity("quantize job");
        activity?.SetTag("job.id", jobId);
        activity?.SetTag("worker.id", options.Id);
        long started = Stopwatch.GetTimestamp();
        var outcome = await RunCoreAsync(jobId, publisher, messageToken);
        var tag = new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant());
        activity?.SetTag("job.outcome", tag.Value);
        if (outcome == JobOutcome.Failed) activity?.SetStatus(ActivityStatusCode.Error);
        WorkerTelemetry.Jobs.Add(1, tag);
        if (outcome != JobOutcome.NotClaimed) WorkerTelemetry.JobDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
        outcomes.Record(jobId, outcome);
        return outcome;
    }

    private async Task<JobOutcome> RunCoreAsync(Guid jobId, IPublishEndpoint publisher, CancellationToken messageToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(messageToken, lifetime.ApplicationStopping);
        int? claimed;
        await using (var scope = scopes.CreateAsyncScope())
            claimed = await JobLeases.TryClaimAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), jobId, options.Id, options.Lease, stopping.Token);
        if (claimed is not { } attempt)
        {
            log.LogInformation("Job {JobId}: not claimable (finished, running elsewhere, cancelled or unknown); message ignored", jobId);
            return JobOutcome.NotClaimed;
        }
        log.LogInformation("Job {JobId}: claimed by {WorkerId}, attempt {Attempt}", jobId, options.Id, attempt);

        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        await using var keeper = new LeaseKeeper(scopes, jobId, options.Id, options.Lease, options.Heartbeat, run, log);
        keeper.Start();
        var pump = new ProgressPump(p => SendProgressAsync(jobId, attempt, p, publisher), options.ProgressInterval, log,
            stageEnded: (stage, duration) => metrics.RecordStage(stage, duration, options.Device));
        JobInputs? inputs = null;
        JobScratch? scratch = null;
        try
        {
            pump.Report(new("staging", 0));
            inputs = await LoadAsync(jobId, run.Token);
            scratch = JobScratch.Create(JobScratch.WorkerRoot(options.ScratchDirectory, options.Id), jobId);
            var request = await StageAsync(inputs, scratch, run.Token);
            var engineProgress = new ScaledProgress(pump, EngineStart, EngineEnd);
            string outDir = scratch.PathOf("out");
            // The engine is CPU-bound for seconds to hours: a thread of its own, not a pool thread the bus needs.
            // It measures the variant's latency itself, on the spec's runtime, after evaluation.
            var (result, files) = await Task.Factory.StartNew(() =>
            {
                var r = engine.Run(request, engineProgress, run.Token);
                return (r, VariantFiles.Write(r, outDir));
            }, run.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            pump.Report(new("store", StoreAt));
            await pump.CompleteAsync();
            Guid? variantId;
            await using (var scope = scopes.CreateAsyncScope())
                variantId = await ResultWriter.WriteAsync(scope.ServiceProvider, inputs, result, files,
                    options, cpu.Model, CancellationToken.None);
            if (variantId is null)
            {
                log.LogWarning("Job {JobId}: lease lost before the results committed; rolled back, nothing stored", jobId);
                return JobOutcome.LeaseLost;
            }
            log.LogInformation("Job {JobId}: succeeded, variant {VariantId}, accuracy {Accuracy}, {Seconds:F2} s in the engine",
                jobId, variantId, result.Report.Variant.Accuracy, result.Report.ElapsedSeconds);
            await publisher.Publish(new JobSucceeded(jobId, variantId.Value, options.Id, attempt, DateTimeOffset.UtcNow), CancellationToken.None);
            return JobOutcome.Succeeded;
        }
        catch (Exception e) when (run.IsCancellationRequested)
        {
            // Whatever the engine threw once its token fired is a consequence of the stop, not the input's fault.
            await pump.CompleteAsync();
            await keeper.DisposeAsync();
            return await StoppedAsync(jobId, attempt, publisher, keeper.Lost, stopping.IsCancellationRequested, e);
        }
        catch (Exception e) when (JobErrors.IsTransient(e))
        {
            await pump.CompleteAsync();
            await keeper.DisposeAsync();
            log.LogWarning(e, "Job {JobId}: transient database error; giving the job back and retrying the message", jobId);
            await TryReleaseAsync(jobId);
            throw;
        }
        catch (Exception e)
        {
            await pump.CompleteAsync();
            await keeper.DisposeAsync();
            return await FailAsync(jobId, attempt, publisher, JobErrors.Describe(e, inputs, scratch, jobId), e);
        }
        finally
        {
            await pump.CompleteAsync();
            scratch?.Dispose();
        }
    }

    private async Task<JobOutcome> StoppedAsync(Guid jobId, int attempt, IPublishEndpoint publisher, bool leaseLost, bool workerStopping, Exception e)
    {
        if (workerStopping && !leaseLost)
        {
            bool released = await TryReleaseAsync(jobId);
            log.LogInformation("Job {JobId}: worker stopping; {Result}", jobId, released ? "released back to Pending (attempt not counted)" : "already taken back");
            return released ? JobOutcome.Released : JobOutcome.LeaseLost;
        }
        JobStatus? status;
        await using (var scope = scopes.CreateAsyncScope())
            status = await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Jobs.AsNoTracking()
                .Where(j => j.Id == jobId).Select(j => (JobStatus?)j.Status).FirstOrDefaultAsync(CancellationToken.None);
        if (status == JobStatus.Cancelled)
        {
            log.LogInformation("Job {JobId}: cancelled while running; stopped, nothing stored", jobId);
            await publisher.Publish(new JobFailed(jobId, options.Id, attempt, "Cancelled while running; no variant was stored.", Cancelled: true,
                DateTimeOffset.UtcNow), CancellationToken.None);
            return JobOutcome.Cancelled;
        }
        log.LogWarning(e, "Job {JobId}: lease lost while running (now {Status}); stopped, nothing stored", jobId, status);
        return JobOutcome.LeaseLost;
    }

    private async Task<JobOutcome> FailAsync(Guid jobId, int attempt, IPublishEndpoint publisher, string message, Exception e)
    {
        if (JobErrors.IsBadInput(e)) log.LogWarning("Job {JobId}: failed on its input: {Error}", jobId, message);
        else log.LogError(e, "Job {JobId}: failed unexpectedly: {Error}", jobId, message);
        bool failed;
        await using (var scope = scopes.CreateAsyncScope())
            failed = await JobLeases.FailAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), jobId, options.Id, message, CancellationToken.None);
        if (!failed) return JobOutcome.LeaseLost;
        await publisher.Publish(new JobFailed(jobId, options.Id, attempt, message, Cancelled: false, DateTimeOffset.UtcNow), CancellationToken.None);
        return JobOutcome.Failed;
    }

    private async Task<bool> TryReleaseAsync(Guid jobId)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await JobLeases.ReleaseAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), jobId, options.Id, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease runs out on its own and the reaper puts the job back.
            log.LogWarning(e, "Job {JobId}: could not release it; the lease reaper will", jobId);
            return false;
        }
    }

    private async Task<JobInputs> LoadAsync(Guid jobId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var job = await db.Jobs.AsNoTracking()
            .Include(j => j.Model).Include(j => j.CalibrationDataSet).Include(j => j.EvaluationDataSet)
            .FirstAsync(j => j.Id == jobId, ct);
        if (job.Kind != JobKind.Quantize)
            throw new JobInputException($"Job {jobId} is a {job.Kind} job, but it was sent to a quantize queue; only quantize jobs run there.");
        if (job.Model is null) throw new JobInputException($"Job {jobId} names model {job.ModelId}, which no longer exists; submit the job again with a current model.");
        if (job.EvaluationDataSet is null)
            throw new JobInputException($"Job {jobId} has no evaluation data set: every quantize job needs one (evaluationDatasetId) to measure the variant.");
        if (job.StartedAt is { } started) metrics.RecordQueueWait(started - job.CreatedAt, options.Device);
        return new JobInputs(job, job.Model, job.CalibrationDataSet, job.EvaluationDataSet);
    }

    private async Task<QuantizationRequest> StageAsync(JobInputs inputs, JobScratch scratch, CancellationToken ct)
    {
        var spec = QuantSpec.Parse(inputs.Job.SpecJson);
        if (inputs.Calibration is null && NeedsCalibration(spec))
            throw new JobInputException("The spec quantizes activations statically, so the job needs a calibration data set (calibrationDatasetId); " +
                                        "submit it with one, or use a weight-only or dynamic spec.");
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ArtifactStore>();
        string model = await scratch.StageAsync(store, inputs.Model.ArtifactSha256, inputs.Model.Name, ".onnx", ct);
        string evaluation = await scratch.StageAsync(store, inputs.Evaluation.ArtifactSha256, inputs.Evaluation.Name, ".npz", ct);
        string? calibration = inputs.Calibration is null ? null
            : inputs.Calibration.Id == inputs.Evaluation.Id ? evaluation
            : await scratch.StageAsync(store, inputs.Calibration.ArtifactSha256, inputs.Calibration.Name, ".npz", ct);
        return new QuantizationRequest
        {
            ModelPath = model,
            CalibrationDataPath = calibration,
            EvaluationDataPath = evaluation,
            Spec = spec,
            Threads = options.Threads,
            LatencyRuns = options.LatencyRuns,
        };
    }

    private static bool NeedsCalibration(QuantSpec spec) =>
        spec.Overrides.Values.Append(spec.Default).Any(s => s is { Activations: ActivationMode.Static, ActivationBits: > 1 });

    private async Task SendProgressAsync(Guid jobId, int attempt, PipelineProgress p, IPublishEndpoint publisher)
    {
        await using (var scope = scopes.CreateAsyncScope())
            if (!await JobLeases.ReportProgressAsync(scope.ServiceProvider.GetRequiredService<PlatformDbContext>(), jobId, options.Id, p.Fraction, p.Stage))
                return;
        await publisher.Publish(new JobProgressed(jobId, options.Id, attempt, p.Fraction, p.Stage, DateTimeOffset.UtcNow));
    }
}
