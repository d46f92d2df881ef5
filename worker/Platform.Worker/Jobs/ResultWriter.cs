using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Data.Jobs;
using Platform.Quantization.Pipeline;
using Platform.Worker.Hosting;

namespace Platform.Worker.Jobs;

/// <summary>
/// Stores a finished run in one transaction: the quantized model's artifact, the variant, its layers and
/// the job's Succeeded. The transaction commits only if the lease still holds (<see cref="JobLeases.CompleteAsync"/>),
/// so a job that was cancelled or reaped meanwhile leaves no variant behind.
/// </summary>
public static class ResultWriter
{
    /// <returns>The variant's id, or null when the lease was lost and everything was rolled back.</returns>
    public static async Task<Guid?> WriteAsync(IServiceProvider services, JobInputs inputs, QuantizationResult result, VariantFiles files,
        WorkerOptions options, string deviceName, CancellationToken ct)
    {
        var db = services.GetRequiredService<PlatformDbContext>();
        var store = services.GetRequiredService<ArtifactStore>();
        var report = result.Report;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var artifact = await PutAsync(store, files.PackedPath, ct);
        var onnxExport = files.OnnxExportPath is { } onnxPath ? await PutAsync(store, onnxPath, ct) : null;

        var variant = new ModelVariant
        {
            Id = Guid.NewGuid(),
            TeamId = inputs.Job.TeamId,
            JobId = inputs.Job.Id,
            ModelId = inputs.Model.Id,
            SpecJson = report.Variant.Spec.ToJson(),
            Accuracy = report.Variant.Accuracy,
            Top1Agreement = report.Variant.Top1Agreement,
            SqnrDb = report.Variant.SqnrDb,
            // The size the variant's format takes (packed weights + scales, as in the stored .qpk), not an fp32 model.
            SizeBytes = report.Variant.SizeBytes,
            // Measured by the engine on the spec's runtime (ours or onnxruntime), on this worker's device.
            LatencyMsP50 = report.Variant.LatencyMsP50,
            LatencyMsP90 = report.Variant.LatencyMsP90,
            Runtime = report.Variant.Runtime,
            Device = options.Device,
            DeviceName = deviceName,
            ArtifactSha256 = artifact.Sha256,
            OnnxExportSha256 = onnxExport?.Sha256,
            CreatedAt = DateTimeOffset.UtcNow,
            Latencies = (report.Variant.Latencies ?? []).Select(l => new VariantLatency
            {
                Runtime = l.Runtime,
                MsP50 = l.LatencyMsP50,
                MsP90 = l.LatencyMsP90,
                Fp32MsP50 = l.Fp32LatencyMsP50,
                Threads = report.Variant.Threads ?? options.Threads,
                BatchSize = report.Variant.LatencyBatchSize ?? 1,
            }).ToList(),
            Layers = report.Layers.Select((l, i) => new LayerResult
            {
                Ordinal = i,
                LayerName = l.Name,
                Op = l.Op,
                Format = l.Format,
                SqnrDb = l.SqnrDb,
                ActivationMin = l.ActivationRange?.Min,
                ActivationMax = l.ActivationRange?.Max,
                TimeMs = l.TimeMs,
            }).ToList(),
        };
        db.ModelVariants.Add(variant);
        await db.SaveChangesAsync(ct);
        if (!await JobLeases.CompleteAsync(db, inputs.Job.Id, options.Id, ct))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return null;
        }
        await tx.CommitAsync(ct);
        return variant.Id;
    }

    private static async Task<ArtifactInfo> PutAsync(ArtifactStore store, string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return await store.PutAsync(file, long.MaxValue, ct);
    }
}
