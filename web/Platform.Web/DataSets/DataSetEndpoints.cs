using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Quantization.Evaluation;
using Platform.Web.Auth;
using Platform.Web.Uploads;

namespace Platform.Web.DataSets;

public static class DataSetEndpoints
{
    public static RouteGroupBuilder MapDataSets(this RouteGroupBuilder api)
    {
        var dataSets = api.MapGroup("/datasets").WithTags("Data sets");
        dataSets.MapPost("/", UploadAsync)
            .Accepts<UploadRequest>("multipart/form-data")
            .Produces<DataSetResponse>(StatusCodes.Status201Created)
            .ProducesProblem(400).ProducesProblem(413)
            .DisableAntiforgery();
        dataSets.MapGet("/", ListAsync);
        dataSets.MapGet("/{id:guid}", GetAsync).ProducesProblem(404);
        return api;
    }

    /// <summary>As for models: the .npz is read in full (headers, sizes, sample counts) before anything is stored.</summary>
    private static async Task<IResult> UploadAsync(HttpRequest request, ClaimsPrincipal user, PlatformDbContext db, ArtifactStore store, CancellationToken ct)
    {
        var (form, problem) = await UploadForm.ReadAsync(request, store.Options.MaxBytes, ct);
        if (form is null) return problem!;

        List<DataSetArrayResponse> arrays;
        int samples;
        try
        {
            await using var content = form.File.OpenReadStream();
            using var npz = NpzDataSet.Open(content, form.File.FileName, leaveOpen: true);
            if (npz.Arrays.Count == 0)
                throw new InvalidDataSetException($"Data set '{form.File.FileName}' holds no .npy arrays.");
            arrays = npz.Arrays.Select(a => new DataSetArrayResponse(a.Name, a.Descr, a.Shape.ToArray())).ToList();
            samples = npz.Samples;
        }
        catch (InvalidDataSetException e)
        {
            return Results.Problem(statusCode: 400, title: "Not a usable .npz data set", detail: e.Message);
        }
        catch (InvalidDataException e)
        {
            return Results.Problem(statusCode: 400, title: "Not a usable .npz data set",
                detail: $"Data set '{form.File.FileName}' is corrupt: {e.Message}");
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
        var dataSet = new DataSet
        {
            Id = Guid.NewGuid(),
            TeamId = user.TeamIdOf(),
            Name = form.Name,
            ArtifactSha256 = artifact.Sha256,
            SizeBytes = artifact.SizeBytes,
            ArraysJson = JsonSerializer.Serialize(arrays, DataSetResponse.Json),
            Samples = samples,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        db.DataSets.Add(dataSet);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Results.Created($"/api/v1/datasets/{dataSet.Id}", DataSetResponse.From(dataSet));
    }

    private static async Task<List<DataSetResponse>> ListAsync(ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var rows = await db.DataSets.AsNoTracking().Where(d => d.TeamId == teamId).OrderByDescending(d => d.CreatedAt).ToListAsync(ct);
        return rows.Select(DataSetResponse.From).ToList();
    }

    private static async Task<IResult> GetAsync(Guid id, ClaimsPrincipal user, PlatformDbContext db, CancellationToken ct)
    {
        var teamId = user.TeamIdOf();
        var dataSet = await db.DataSets.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id && d.TeamId == teamId, ct);
        return dataSet is null
            ? Results.Problem(statusCode: 404, title: "Data set not found", detail: $"No data set with id {id} in your team.")
            : Results.Ok(DataSetResponse.From(dataSet));
    }
}
