using MassTransit;
using Microsoft.EntityFrameworkCore;
using Platform.Bus;
using Platform.Contracts;
using Platform.Contracts.Api;
using Platform.Contracts.Messages;
using Platform.Data;
using Platform.Data.Entities;
using Platform.Data.Jobs;
using Platform.Quantization.Inspection;
using Platform.Quantization.Specs;
using System.Text.Json;

namespace Platform.Web.Jobs;

/// <summary>
/// Turns job requests into committed Pending rows, then sends their commands. The row is the truth: it is
/// committed before anything is sent, and a send that fails (broker down) leaves the job Pending for the
/// dispatch sweep, which sends it again. Sending twice is harmless (the worker's claim).
/// </summary>
public sealed class JobSubmission(
    PlatformDbContext db,
    ISendEndpointProvider sender,
    JobEvents events,
    JobsOptions options,
    ILogger<JobSubmission> log)
{
    /// <summary>Commands of a batch in flight at once: enough to hide the broker's round trips.</summary>
    private const int SendParallelism = 16;

    /// <summary>Validates, stores and dispatches one job (the outcome's rows are as inserted: read them back for the current state). Nothing is stored when it returns a problem.</summary>
    public async Task<SubmissionOutcome> SubmitAsync(Guid teamId, SubmitJobRequest request, CancellationToken ct = default)
    {
        var (jobs, problem) = await ValidateAsync(teamId, [request], _ => null, ct);
        if (problem is not null) return SubmissionOutcome.Refused(problem);
        return await StoreAndDispatchAsync(jobs, batch: null, ct);
    }

    /// <summary>
    /// Validates every request first (the first problem refuses the whole batch, naming the request), then
    /// stores the batch and all its jobs in one transaction, then dispatches them.
    /// </summary>
    public async Task<SubmissionOutcome> SubmitBatchAsync(Guid teamId, string? name, IReadOnlyList<SubmitJobRequest> requests,
        Func<int, string> describe, CancellationToken ct = default)
    {
        if (BatchSizeProblem(requests.Count) is { } sizeProblem) return SubmissionOutcome.Refused(sizeProblem);
        if (name is { Length: > 200 })
            return SubmissionOutcome.Refused(new(400, "Invalid batch", $"The batch name is {name.Length} characters long; at most 200 are allowed."));

        var (jobs, problem) = await ValidateAsync(teamId, requests, describe, ct);
        if (problem is not null) return SubmissionOutcome.Refused(problem);
        var batch = new Batch { Id = Guid.NewGuid(), TeamId = teamId, Name = name, CreatedAt = jobs[0].CreatedAt };
        return await StoreAndDispatchAsync(jobs, batch, ct);
    }

    /// <summary>A 400 when a batch of <paramref name="jobCount"/> jobs is empty or over <see cref="JobsOptions.MaxBatchJobs"/>.</summary>
    public SubmissionProblem? BatchSizeProblem(long jobCount) => jobCount switch
    {
        0 => new(400, "Invalid batch", "The batch holds no jobs."),
        _ when jobCount > options.MaxBatchJobs => new(400, "Batch too large",
            $"The batch holds {jobCount} jobs; at most {options.MaxBatchJobs} are allowed in one batch ({JobsOptions.Section}:MaxBatchJobs). Split it into several batches."),
        _ => null,
    };

    /// <summary>Whether the command went out within the timeout; a failure is logged, not thrown.</summary>
    private async Task<bool> SendAsync(Guid jobId, DeviceClass device, CancellationToken ct)
    {
        try
        {
            await sender.SendQuantizeAsync(jobId, device, options.DispatchTimeout, ct);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            string why = e is OperationCanceledException ? $"no answer from the bus within {options.DispatchTimeout.TotalSeconds:0.#} s" : e.Message;
            log.LogWarning(e, "Job {JobId} stays Pending: its command could not be sent to {Queue} ({Reason}); the dispatch sweep will send it again.",
                jobId, Queues.Quantize(device), why);
            return false;
        }
    }

    /// <summary>The jobs of a matrix, every model × every spec in that order, sharing data sets and device.</summary>
    public static IReadOnlyList<SubmitJobRequest> Expand(BatchMatrix matrix) =>
        [.. from modelId in matrix.ModelIds ?? []
            from spec in matrix.Specs ?? []
            select new SubmitJobRequest(JobKind.Quantize, modelId, matrix.CalibrationDatasetId, matrix.EvaluationDatasetId, spec, matrix.Device)];

    private async Task<SubmissionOutcome> StoreAndDispatchAsync(List<Job> jobs, Batch? batch, CancellationToken ct)
    {
        if (batch is not null)
        {
            db.Batches.Add(batch);
            foreach (var j in jobs) j.BatchId = batch.Id;
        }
        db.Jobs.AddRange(jobs);
        // One SaveChanges is one transaction: the batch and all its jobs, or nothing.
        await db.SaveChangesAsync(ct);
        // From here the rows change only through conditional UPDATEs; these objects are just what was inserted.
        db.ChangeTracker.Clear();
        foreach (var j in jobs) events.Publish(Event(j));

        // The rows are committed: a client that hangs up now must not stop them from being sent.
        var sent = await SendAllAsync(jobs);
        if (sent.Count > 0)
        {
            var marked = (await JobLeases.MarkDispatchedAsync(db, sent.Select(j => j.Id).ToArray(), CancellationToken.None)).ToHashSet();
            foreach (var j in sent.Where(j => marked.Contains(j.Id)))
            {
                j.Status = JobStatus.Dispatched;
                events.Publish(Event(j));
            }
        }
        return new SubmissionOutcome(jobs, batch, null);
    }

    /// <summary>
    /// Sends the jobs' commands a few at a time. At the first failure (the broker is not answering) the rest are
    /// not tried, since each would wait out the timeout too: they stay Pending for the dispatch sweep.
    /// </summary>
    private async Task<List<Job>> SendAllAsync(List<Job> jobs)
    {
        if (jobs.Count == 1) return await SendAsync(jobs[0].Id, jobs[0].Device, CancellationToken.None) ? jobs : [];
        var sent = new bool[jobs.Count];
        using var brokerDown = new CancellationTokenSource();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count),
                new ParallelOptions { MaxDegreeOfParallelism = SendParallelism, CancellationToken = brokerDown.Token },
                async (i, _) =>
                {
                    if (await SendAsync(jobs[i].Id, jobs[i].Device, CancellationToken.None)) sent[i] = true;
                    else await brokerDown.CancelAsync();
                });
        }
        catch (OperationCanceledException) when (brokerDown.IsCancellationRequested)
        {
            log.LogWarning("{Count} of {Total} job(s) left Pending for the dispatch sweep", sent.Count(s => !s), jobs.Count);
        }
        return [.. jobs.Where((_, i) => sent[i])];
    }

    private async Task<(List<Job> Jobs, SubmissionProblem? Problem)> ValidateAsync(
        Guid teamId, IReadOnlyList<SubmitJobRequest> requests, Func<int, string?> describe, CancellationToken ct)
    {
        // Everything the requests refer to, in two queries however many jobs there are.
        var modelIds = requests.Where(r => r is not null).Select(r => r.ModelId).Distinct().ToList();
        var dataSetIds = requests.Where(r => r is not null)
            .SelectMany(r => new[] { r.CalibrationDatasetId, r.EvaluationDatasetId }).OfType<Guid>().Distinct().ToList();
        var models = await db.Models.AsNoTracking().Where(m => m.TeamId == teamId && modelIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, ct);
        var dataSets = await db.DataSets.AsNoTracking().Where(d => d.TeamId == teamId && dataSetIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct);

        var now = DateTimeOffset.UtcNow;
        var jobs = new List<Job>(requests.Count);
        var specs = new Dictionary<string, QuantSpec>(StringComparer.Ordinal);
        for (int i = 0; i < requests.Count; i++)
        {
            var problem = Validate(teamId, requests[i], models, dataSets, specs, out var job);
            if (problem is not null) return ([], describe(i) is { } where ? problem.At(where) : problem);
            // A microsecond apart (PostgreSQL's resolution), so listing by creation time keeps the request order.
            job!.CreatedAt = now.AddTicks(i * 10L);
            jobs.Add(job);
        }
        return (jobs, null);
    }

    private static SubmissionProblem? Validate(Guid teamId, SubmitJobRequest? r, Dictionary<Guid, Model> models,
        Dictionary<Guid, DataSet> dataSets, Dictionary<string, QuantSpec> specCache, out Job? job)
    {
        job = null;
        if (r is null) return SubmissionProblem.BadRequest("The job request is null; send an object with kind, modelId, evaluationDatasetId and spec.");
        if (!Enum.IsDefined(r.Kind))
            return SubmissionProblem.BadRequest($"kind {(int)r.Kind} is not a job kind; use \"quantize\" or \"search\".");
        var device = r.Device ?? DeviceClass.Any;
        if (!Enum.IsDefined(device))
            return SubmissionProblem.BadRequest($"device {(int)device} is not a device class; use \"cpu\", \"cuda\" or \"any\".");
        if (r.ModelId == Guid.Empty) return SubmissionProblem.BadRequest("modelId is missing: give the id of one of your team's models.");
        if (r.EvaluationDatasetId is null || r.EvaluationDatasetId == Guid.Empty)
            return SubmissionProblem.BadRequest("evaluationDatasetId is missing: the worker measures the variant's accuracy and fidelity on it.");
        if (r.Kind == JobKind.Search)
            return new(422, "Search jobs are not available yet",
                "search jobs are not available yet: submit quantize jobs (kind \"quantize\") with the specs to compare, for example as a batch matrix.");

        var (spec, specProblem) = ResolveSpec(r.Spec, specCache);
        if (specProblem is not null) return SubmissionProblem.BadRequest(specProblem);

        if (!models.TryGetValue(r.ModelId, out var model))
            return new(404, "Model not found", $"No model with id {r.ModelId} in your team.");
        DataSet? calibration = null;
        if (r.CalibrationDatasetId is { } calibrationId && !dataSets.TryGetValue(calibrationId, out calibration))
            return new(404, "Data set not found", $"No data set with id {calibrationId} (calibrationDatasetId) in your team.");
        if (!dataSets.TryGetValue(r.EvaluationDatasetId!.Value, out var evaluation))
            return new(404, "Data set not found", $"No data set with id {r.EvaluationDatasetId} (evaluationDatasetId) in your team.");

        if (calibration is not null && DataFit.Problem(model, calibration, "calibration") is { } calibrationMisfit)
            return new(422, "Data set does not fit the model", calibrationMisfit);
        if (DataFit.Problem(model, evaluation, "evaluation") is { } evaluationMisfit)
            return new(422, "Data set does not fit the model", evaluationMisfit);
        if (calibration is null && StaticLayer(spec!, model) is { } staticLayer)
            return new(422, "Calibration data set needed",
                $"The spec quantizes activations statically ({staticLayer}), so their ranges must be calibrated: " +
                "give a calibrationDatasetId, or use a spec with dynamic or no activation quantization (e.g. \"int8-dynamic\").");

        job = new Job
        {
            Id = Guid.NewGuid(),
            TeamId = teamId,
            Kind = r.Kind,
            Status = JobStatus.Pending,
            ModelId = model.Id,
            CalibrationDataSetId = calibration?.Id,
            EvaluationDataSetId = evaluation.Id,
            SpecJson = spec!.ToJson(),
            Device = device,
        };
        return null;
    }

    /// <summary>A preset name (a JSON string) or a QuantSpec object, resolved and validated by the engine.</summary>
    private static (QuantSpec? Spec, string? Problem) ResolveSpec(JsonElement spec, Dictionary<string, QuantSpec> cache)
    {
        string presets = string.Join(", ", QuantSpec.PresetNames);
        if (spec.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return (null, $"spec is missing: give a preset name ({presets}) or a QuantSpec object.");
        if (spec.ValueKind is not (JsonValueKind.String or JsonValueKind.Object))
            return (null, $"spec is a JSON {spec.ValueKind.ToString().ToLowerInvariant()}; give a preset name ({presets}) or a QuantSpec object.");
        string text = spec.ValueKind == JsonValueKind.String ? spec.GetString()! : spec.GetRawText();
        if (cache.TryGetValue(text, out var cached)) return (cached, null);
        try
        {
            var parsed = spec.ValueKind == JsonValueKind.String ? QuantSpec.Preset(text) : QuantSpec.FromJson(text);
            cache[text] = parsed;
            return (parsed, null);
        }
        catch (FormatException e)
        {
            return (null, $"spec: {e.Message}");
        }
    }

    /// <summary>The first layer whose activations need calibrated ranges, as the engine resolves the spec per layer.</summary>
    private static string? StaticLayer(QuantSpec spec, Model model)
    {
        static bool NeedsCalibration(LayerSpec s) => s is { Activations: ActivationMode.Static, ActivationBits: > 1 };
        var layers = JsonSerializer.Deserialize<List<LayerSummary>>(model.LayersJson, JsonSerializerOptions.Web) ?? [];
        for (int i = 0; i < layers.Count; i++)
            if (NeedsCalibration(spec.Resolve(layers[i].Name, i == 0, i == layers.Count - 1))) return $"layer '{layers[i].Name}'";
        if (layers.Count == 0 && (NeedsCalibration(spec.Default) || spec.Overrides.Values.Any(NeedsCalibration))) return "its default";
        return null;
    }

    private static JobEvent Event(Job j) => new(j.Id, j.TeamId, j.Status, j.Progress, j.Stage, null, j.Error, DateTimeOffset.UtcNow);
}
