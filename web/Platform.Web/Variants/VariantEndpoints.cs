using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Api;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Web.Auth;
using Platform.Web.Jobs;

namespace Platform.Web.Variants;

/// <summary>The quantized models jobs produced: what they measured, per layer, and the ONNX file itself.</summary>
public static class VariantEndpoints
{
    public static RouteGroupBuilder MapVariants(this RouteGroupBuilder api)
    {
        var variants = api.MapGroup("/variants").WithTags("Variants");
        variants.MapGet("/", ListAsync).Produces<List<VariantResponse>>().ProducesProblem(400);
        variants.MapGet("/{id:guid}", GetAsync).Produces<VariantResponse>().ProducesProblem(404);
        variants.MapGet("/{id:guid}/artifact", DownloadAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(404);
        variants.MapGet("/{id:guid}/onnx", DownloadOnnxAsync)
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, PlatformDbContext db, JobsOptions options, Guid? modelId, int? limit, CancellationToken ct)
    {
        if (JobEndpoints.Page(limit, options) is { } pageProblem) return pageProblem;
        var teamId = user.TeamIdOf();
        var query = db.ModelVariants.AsNoTracking().Include(v => v.Layers).Include(v => v.Latencies).Where(v => v.TeamId == teamId);
        if (modelId is { } m) query = query.Where(v => v.ModelId == m);
        var rows = await query.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id)
            .Take(limit ?? options.DefaultPageSize).AsSplitQuery().ToListAsync(ct);
        return Results.Ok(rows.Select(From).ToList());
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var variant = await db.ModelVariants.AsNoTracking().Include(v => v.Layers).Include(v => v.Latencies).FirstOrDefaultAsync(v => v.Id == id && v.TeamId == teamId, ct);
        return variant is null ? NotFound(id) : Results.Ok(From(variant));
    }

    /// <summary>Streams the variant's artifact chunk by chunk from the artifact store; it never sits whole in memory.</summary>
    private static Task<IResult> DownloadAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, CancellationToken ct) =>
        StreamAsync(id, user, db, store, onnx: false, ct);

    /// <summary>The variant exported for ONNX Runtime (QDQ / MatMulNBits); 404 naming why when its formats have none.</summary>
    private static Task<IResult> DownloadOnnxAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, CancellationToken ct) =>
        StreamAsync(id, user, db, store, onnx: true, ct);

    private static async Task<IResult> StreamAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, bool onnx, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var row = await db.ModelVariants.AsNoTracking().Where(v => v.Id == id && v.TeamId == teamId)
            .Select(v => new { v.ArtifactSha256, v.OnnxExportSha256, ModelName = v.Model!.Name }).FirstOrDefaultAsync(ct);
        if (row is null) return NotFound(id);
        string? sha = onnx ? row.OnnxExportSha256 : row.ArtifactSha256;
        if (sha is null)
            return Results.Problem(statusCode: 404, title: "No ONNX export",
                detail: $"Variant {id} has no ONNX Runtime export: its formats (binary, PQ or int2 layers) run only on our runtime. Download /artifact instead.");
        ArtifactReadStream content;
        try
        {
            content = await store.OpenReadAsync(sha, ct);
        }
        catch (ArtifactNotFoundException)
        {
            return Results.Problem(statusCode: 404, title: "Variant artifact missing",
                detail: $"Variant {id} refers to artifact {sha}, which is not stored.");
        }
        // The artifact is our packed format (every layer's stored weights, loadable by our runtime); the export is ONNX.
        string suffix = onnx ? ".qdq.onnx" : ".qpk";
        return Results.Stream(content, "application/octet-stream", $"{FileSafe(row.ModelName)}-{id}{suffix}", enableRangeProcessing: true);
    }

    public static VariantResponse From(ModelVariant v) => new(
        v.Id, v.JobId, v.ModelId, Json(v.SpecJson), v.Accuracy, v.Top1Agreement, v.SqnrDb, v.SizeBytes,
        v.LatencyMsP50, v.LatencyMsP90, v.Runtime, v.Device, v.DeviceName, v.ArtifactSha256, v.OnnxExportSha256, v.CreatedAt,
        v.Latencies.OrderBy(l => l.Runtime, StringComparer.Ordinal)
            .Select(l => new VariantLatencyResponse(l.Runtime, l.MsP50, l.MsP90, l.Fp32MsP50, l.Threads, l.BatchSize)).ToList(),
        v.Layers.OrderBy(l => l.Ordinal)
            .Select(l => new LayerResultResponse(l.Ordinal, l.LayerName, l.Op, l.Format, l.SqnrDb, l.ActivationMin, l.ActivationMax, l.TimeMs))
            .ToList());

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>The model's name as a file name: path separators and other awkward characters become '_'.</summary>
    private static string FileSafe(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || char.IsControl(c) || c is '"' or '\\' or '/' or ':' ? '_' : c).ToArray()).Trim();
        return safe.Length == 0 ? "model" : safe;
    }

    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: 404, title: "Variant not found", detail: $"No variant with id {id} in your team.");
}
