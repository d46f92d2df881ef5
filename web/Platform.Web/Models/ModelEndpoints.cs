using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Quantization.Graph;
using Platform.Quantization.Inspection;
using Platform.Quantization.Onnx;
using Platform.Web.Auth;
using Platform.Web.Uploads;

namespace Platform.Web.Models;

public static class ModelEndpoints
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder api)
    {
        var models = api.MapGroup("/models").WithTags("Models");
        models.MapPost("/", UploadAsync)
            .Accepts<UploadRequest>("multipart/form-data")
            .Produces<ModelResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(422)
            .DisableAntiforgery();
        models.MapGet("/", ListAsync);
        models.MapGet("/{id:guid}", GetAsync).ProducesProblem(404);
        models.MapDelete("/{id:guid}", DeleteAsync).ProducesProblem(404);
        return api;
    }

    /// <summary>
    /// Everything is checked before anything is stored; the artifact and the row are then written in
    /// one transaction, so a failure at any point leaves neither.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, CancellationToken ct)
    {
        var (form, problem) = await UploadForm.ReadAsync(request, store.Options.MaxBytes, ct);
        if (form is null) return problem!;

        ModelSummary summary;
        try
        {
            await using var content = form.File.OpenReadStream();
            summary = ModelInspector.Inspect(OnnxModelReader.Read(content, baseDirectory: null, displayName: form.File.FileName));
        }
        catch (InvalidModelException e)
        {
            return Results.Problem(statusCode: 400, title: "Not a usable ONNX model", detail: e.Message);
        }
        if (summary.UnsupportedOperators.Count > 0)
        {
            var names = string.Join(", ", summary.UnsupportedOperators.Select(kv => $"{kv.Key} ×{kv.Value}"));
            return Results.Problem(statusCode: 422, title: "Unsupported operators",
                detail: $"Model '{form.File.FileName}' uses operators the engine does not run: {names}.",
                extensions: new Dictionary<string, object?> { ["unsupportedOperators"] = summary.UnsupportedOperators });
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        ArtifactInfo artifact;
        try
        {
            await using var content = form.File.OpenReadStream();
            artifact = await store.PutAsync(content, ct);
        }
        catch (ArtifactTooLargeException)
        {
            return UploadForm.TooLarge(store.Options.MaxBytes);
        }
        var model = new Model
        {
            Id = Guid.NewGuid(),
            TeamId = user.TeamIdOf(),
            Name = form.Name,
            ArtifactSha256 = artifact.Sha256,
            SizeBytes = artifact.SizeBytes,
            InputsJson = JsonSerializer.Serialize(summary.Inputs, ModelResponse.Json),
            LayersJson = JsonSerializer.Serialize(summary.Layers, ModelResponse.Json),
            OperatorsJson = JsonSerializer.Serialize(summary.Operators, ModelResponse.Json),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Models.Add(model);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Results.Created($"/api/v1/models/{model.Id}", ModelResponse.From(model));
    }

    private static async Task<List<ModelResponse>> ListAsync(ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var rows = await db.Models.AsNoTracking().Where(m => m.TeamId == teamId).OrderByDescending(m => m.CreatedAt).ToListAsync(ct);
        return rows.Select(ModelResponse.From).ToList();
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var model = await db.Models.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.TeamId == teamId, ct);
        return model is null ? NotFound(id) : Results.Ok(ModelResponse.From(model));
    }

    /// <summary>The artifact goes too, unless something else (another model, a variant) still uses the same bytes.</summary>
    private static async Task<IResult> DeleteAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var model = await db.Models.FirstOrDefaultAsync(m => m.Id == id && m.TeamId == teamId, ct);
        if (model is null) return NotFound(id);
        db.Models.Remove(model);
        await db.SaveChangesAsync(ct);
        await store.DeleteIfUnreferencedAsync(model.ArtifactSha256, ct);
        await tx.CommitAsync(ct);
        return Results.NoContent();
    }

    // Another team's model answers exactly like a missing one, so ids reveal nothing.
    private static IResult NotFound(Guid id) =>
        Results.Problem(statusCode: 404, title: "Model not found", detail: $"No model with id {id} in your team.");
}
