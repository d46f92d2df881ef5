using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Data;
using Platform.Data.Artifacts;
using Platform.Data.Entities;
using Platform.Web.Tests.Jobs;

namespace Platform.Web.Tests.Variants;

/// <summary>Variants as a worker stores them (rows and artifact written directly here), read through the API.</summary>
public sealed class VariantTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task A_variant_is_listed_read_with_ordered_layers_and_downloaded_by_its_team_only()
    {
        var data = await JobTestData.CreateAsync(app, "variant-team");
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        var (jobId, variantId) = await StoreVariantAsync(data.ModelId, data.DataSetId, bytes);

        var list = await (await data.Client.GetAsync($"/api/v1/variants?modelId={data.ModelId}")).JsonAsync();
        Assert.Equal(variantId, Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(0, (await (await data.Client.GetAsync($"/api/v1/variants?modelId={Guid.NewGuid()}")).JsonAsync()).GetArrayLength());

        var variant = await (await data.Client.GetAsync($"/api/v1/variants/{variantId}")).JsonAsync();
        Assert.Equal(jobId, variant.GetProperty("jobId").GetGuid());
        Assert.Equal(0.91, variant.GetProperty("accuracy").GetDouble());
        Assert.Equal(1.25, variant.GetProperty("latencyMsP50").GetDouble());
        Assert.Equal("cpu", variant.GetProperty("device").GetString());
        Assert.Equal("int4", variant.GetProperty("spec").GetProperty("default").GetProperty("weights").GetString());
        Assert.Equal(["fc1", "fc2", "fc3"], variant.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()));
        Assert.Equal([0, 1, 2], variant.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("ordinal").GetInt32()));
        var latencies = variant.GetProperty("latencies").EnumerateArray().ToList();
        Assert.Equal(["onnxruntime", "ours"], latencies.Select(l => l.GetProperty("runtime").GetString()));
        Assert.Equal(0.9, latencies[0].GetProperty("msP50").GetDouble());
        Assert.Equal(2.5, latencies[1].GetProperty("fp32MsP50").GetDouble());

        var job = await (await data.Client.GetAsync($"/api/v1/jobs/{jobId}")).JsonAsync();
        Assert.Equal(variantId, job.GetProperty("variantId").GetGuid());

        var download = await data.Client.GetAsync($"/api/v1/variants/{variantId}/artifact");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"digits-{variantId}.qpk", download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());

        var export = await data.Client.GetAsync($"/api/v1/variants/{variantId}/onnx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal($"digits-{variantId}.qdq.onnx", export.Content.Headers.ContentDisposition!.FileNameStar ?? export.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(bytes.AsEnumerable().Reverse(), await export.Content.ReadAsByteArrayAsync());

        using var stranger = app.Client(await app.NewTeamTokenAsync("variant-stranger"));
        Assert.Equal(0, (await (await stranger.GetAsync("/api/v1/variants")).JsonAsync()).GetArrayLength());
        foreach (var path in new[] { $"/api/v1/variants/{variantId}", $"/api/v1/variants/{variantId}/artifact", $"/api/v1/variants/{Guid.NewGuid()}" })
        {
            var response = await stranger.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("No variant with id", (await response.JsonAsync()).GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task A_variant_without_an_onnx_export_says_why_and_which_download_to_use()
    {
        var data = await JobTestData.CreateAsync(app, "variant-no-export");
        var (_, variantId) = await StoreVariantAsync(data.ModelId, data.DataSetId, [1, 2, 3], withExport: false);

        var response = await data.Client.GetAsync($"/api/v1/variants/{variantId}/onnx");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString();
        Assert.Contains("no ONNX Runtime export", detail);
        Assert.Contains("/artifact", detail);
        var variant = await (await data.Client.GetAsync($"/api/v1/variants/{variantId}")).JsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, variant.GetProperty("onnxExportSha256").ValueKind);
    }

    private async Task<(Guid JobId, Guid VariantId)> StoreVariantAsync(Guid modelId, Guid dataSetId, byte[] artifact, bool withExport = true)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ArtifactStore>();
        var model = await db.Models.AsNoTracking().SingleAsync(m => m.Id == modelId);
        var stored = await store.PutAsync(new MemoryStream(artifact));
        var export = withExport ? await store.PutAsync(new MemoryStream(artifact.AsEnumerable().Reverse().ToArray())) : null;
        var now = DateTimeOffset.UtcNow;
        var job = new Job
        {
            Id = Guid.NewGuid(), TeamId = model.TeamId, Kind = JobKind.Quantize, Status = JobStatus.Succeeded, ModelId = modelId,
            EvaluationDataSetId = dataSetId, SpecJson = """{"default": {"weights": "int4"}}""", Device = DeviceClass.Cpu,
            Progress = 1, Stage = "done", Attempt = 1, CreatedAt = now, FinishedAt = now,
        };
        var variant = new ModelVariant
        {
            Id = Guid.NewGuid(), TeamId = model.TeamId, JobId = job.Id, ModelId = modelId, SpecJson = job.SpecJson, Accuracy = 0.91,
            Top1Agreement = 0.98, SqnrDb = 31.5, SizeBytes = stored.SizeBytes, LatencyMsP50 = 1.25, LatencyMsP90 = 1.5, Runtime = "ours",
            Device = DeviceClass.Cpu, DeviceName = "test cpu", ArtifactSha256 = stored.Sha256, OnnxExportSha256 = export?.Sha256, CreatedAt = now,
            Latencies =
            [
                new VariantLatency { Runtime = "ours", MsP50 = 1.25, MsP90 = 1.5, Fp32MsP50 = 2.5, Threads = 2, BatchSize = 1 },
                new VariantLatency { Runtime = "onnxruntime", MsP50 = 0.9, MsP90 = 1.1, Fp32MsP50 = 1.8, Threads = 2, BatchSize = 1 },
            ],
            // Stored out of order: the API orders by ordinal.
            Layers =
            [
                new LayerResult { Ordinal = 2, LayerName = "fc3", Op = "Gemm", Format = "int8 per-channel sym" },
                new LayerResult { Ordinal = 0, LayerName = "fc1", Op = "Gemm", Format = "int8 per-channel sym", SqnrDb = 40 },
                new LayerResult { Ordinal = 1, LayerName = "fc2", Op = "Gemm", Format = "int4 per-group:32 asym", SqnrDb = 25 },
            ],
        };
        db.Jobs.Add(job);
        db.ModelVariants.Add(variant);
        await db.SaveChangesAsync();
        return (job.Id, variant.Id);
    }
}
