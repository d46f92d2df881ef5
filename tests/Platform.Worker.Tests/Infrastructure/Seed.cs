using Microsoft.EntityFrameworkCore;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Quantization.Specs;

namespace Platform.Worker.Tests.Infrastructure;

/// <summary>Rows the web API would write on upload and submit, written directly (the API is not under test here).</summary>
public sealed class Seed(PostgresDatabase database)
{
    private Guid? _teamId;

    public async Task<Guid> TeamAsync()
    {
        if (_teamId is { } id) return id;
        await using var db = database.NewContext();
        var team = new Team { Id = Guid.NewGuid(), Name = "team-" + Guid.NewGuid().ToString("N")[..6], CreatedAt = DateTimeOffset.UtcNow };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        _teamId = team.Id;
        return team.Id;
    }

    public async Task<Guid> ModelAsync(string name, byte[] bytes)
    {
        var teamId = await TeamAsync();
        await using var db = database.NewContext();
        var artifact = await new ArtifactStore(db, new ArtifactStoreOptions()).PutAsync(new MemoryStream(bytes));
        var model = new Model { Id = Guid.NewGuid(), TeamId = teamId, Name = name, ArtifactSha256 = artifact.Sha256, SizeBytes = artifact.SizeBytes, CreatedAt = DateTimeOffset.UtcNow };
        db.Models.Add(model);
        await db.SaveChangesAsync();
        return model.Id;
    }

    public async Task<Guid> DataSetAsync(string name, byte[] bytes, int samples)
    {
        var teamId = await TeamAsync();
        await using var db = database.NewContext();
        var artifact = await new ArtifactStore(db, new ArtifactStoreOptions()).PutAsync(new MemoryStream(bytes));
        var set = new DataSet { Id = Guid.NewGuid(), TeamId = teamId, Name = name, ArtifactSha256 = artifact.Sha256, SizeBytes = artifact.SizeBytes, Samples = samples, CreatedAt = DateTimeOffset.UtcNow };
        db.DataSets.Add(set);
        await db.SaveChangesAsync();
        return set.Id;
    }

    /// <summary>A Pending quantize job; <paramref name="spec"/> is a preset name, stored resolved as the engine serializes it.</summary>
    public async Task<Guid> JobAsync(Guid modelId, Guid? calibrationId, Guid evaluationId, string spec = "int8", DeviceClass device = DeviceClass.Cpu)
    {
        var teamId = await TeamAsync();
        await using var db = database.NewContext();
        var job = new Job
        {
            Id = Guid.NewGuid(), TeamId = teamId, Kind = JobKind.Quantize, Status = JobStatus.Pending, ModelId = modelId,
            CalibrationDataSetId = calibrationId, EvaluationDataSetId = evaluationId, SpecJson = QuantSpec.Preset(spec).ToJson(),
            Device = device, CreatedAt = DateTimeOffset.UtcNow,
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return job.Id;
    }

    /// <summary>digits_mlp.onnx with a 64-sample calibration set and a 128-sample evaluation set.</summary>
    public async Task<Guid> DigitsJobAsync(string spec = "int8")
    {
        var model = await ModelAsync("digits_mlp", await File.ReadAllBytesAsync(Fixtures.Model("digits_mlp.onnx")));
        var calib = await DataSetAsync("digits-calib", Fixtures.DigitsNpz(64, seed: 1), 64);
        var eval = await DataSetAsync("digits-eval", Fixtures.DigitsNpz(128, seed: 2), 128);
        return await JobAsync(model, calib, eval, spec);
    }

    public async Task<Job> JobRowAsync(Guid jobId)
    {
        await using var db = database.NewContext();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
    }

    public async Task<List<ModelVariant>> VariantsAsync(Guid jobId)
    {
        await using var db = database.NewContext();
        return await db.ModelVariants.AsNoTracking().Include(v => v.Layers).Include(v => v.Latencies).Where(v => v.JobId == jobId).ToListAsync();
    }
}
