using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Cli;
using Platform.Contracts;
using Platform.Integration.Tests.Harness;
using Platform.Quantization.Export;
using Platform.Quantization.Onnx;
using Xunit.Abstractions;

namespace Platform.Integration.Tests;

/// <summary>
/// Acceptance: the Fashion-MNIST fixture model and data sets uploaded over HTTP, an int8 job run by a real
/// worker process over RabbitMQ, and a variant whose accuracy is what `qplat quantize` computes locally.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class QuantizeJobTests(PlatformHarness platform, ITestOutputHelper output)
{
    // As the engine's own Fashion acceptance: with the first 500 images int8 calibration collapses (SQNR 3.5 dB; reported).
    private const int CalibrationSamples = 1000;
    private const int EvaluationSamples = 2000;

    [Fact]
    public async Task Int8_job_succeeds_with_one_variant_whose_accuracy_equals_local_qplat_quantize()
    {
        var calibration = FashionMnistSets.Calibration(CalibrationSamples);
        var evaluation = FashionMnistSets.Evaluation(EvaluationSamples);
        using var api = platform.Api(await platform.NewTeamTokenAsync("fashion"));
        var modelId = await api.CreateModelAsync(FashionMnistSets.Model, "fashion-cnn");
        var calibrationId = await api.CreateDataSetAsync(calibration, "fashion-calib");
        var evaluationId = await api.CreateDataSetAsync(evaluation, "fashion-eval");
        platform.EnsureWorker();

        var submitted = await api.SubmitQuantizeAsync(modelId, calibrationId, evaluationId, "int8", "cpu");
        Assert.False(PlatformHarness.IsFinal(submitted.Status), $"a job just submitted is already {submitted.Status}");
        var job = await platform.WaitForJobAsync(api, submitted.Id, JobStatus.Succeeded, TimeSpan.FromSeconds(120));
        Assert.Equal(1, job.Attempts);
        Assert.NotNull(job.VariantId);
        Assert.Equal(1.0, job.Progress);

        var variants = await api.VariantsOfAsync(modelId);
        var variant = Assert.Single(variants);
        Assert.Equal(job.VariantId, variant.Id);
        Assert.Equal(job.Id, variant.JobId);
        Assert.Equal(DeviceClass.Cpu, variant.Device);
        Assert.Equal(1L, await platform.Database.ScalarAsync<long>("SELECT count(*) FROM platform.model_variants WHERE job_id = $1", job.Id));

        var local = LocalQuantize(FashionMnistSets.Model, calibration, evaluation, "int8");
        double localAccuracy = local.GetProperty("variant").GetProperty("accuracy").GetDouble();
        output.WriteLine($"worker: accuracy {variant.Accuracy:P2}, agreement {variant.Top1Agreement:P2}, SQNR {variant.SqnrDb:F1} dB, {variant.SizeBytes} B, p50 {variant.LatencyMsP50:F3} ms; local qplat: accuracy {localAccuracy:P2}");
        Assert.True(localAccuracy > 0.8, $"local int8 accuracy {localAccuracy:P2} is far below the fixture's ~89%: the data sets are wrong");
        Assert.Equal(localAccuracy, variant.Accuracy);

        var detail = await api.GetVariantAsync(variant.Id);
        Assert.Equal(variant.ArtifactSha256, detail.ArtifactSha256);
        Assert.NotEmpty(detail.Layers);

        using var download = await api.Http.GetAsync($"/api/v1/variants/{variant.Id}/artifact");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(variant.ArtifactSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var packed = PackedArtifact.Read(new MemoryStream(bytes));
        Assert.NotEmpty(packed.Layers);
        Assert.NotEmpty(packed.Prepared.Graph.Nodes);

        // int8 runs on ONNX Runtime too: the QDQ export downloads beside the packed artifact.
        using var export = await api.Http.GetAsync($"/api/v1/variants/{variant.Id}/onnx");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        var model = OnnxModelReader.Read(await export.Content.ReadAsByteArrayAsync(), "exported variant");
        Assert.Contains(model.Graph.Nodes, n => n.OpType == "DequantizeLinear");
    }

    /// <summary>What `qplat quantize MODEL --calib --eval --spec --json` prints, run in this process.</summary>
    private static JsonElement LocalQuantize(string model, string calibration, string evaluation, string spec)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = QplatApp.Run(["quantize", model, "--calib", calibration, "--eval", evaluation, "--spec", spec, "--json"], stdout, stderr);
        Assert.True(code == 0, $"qplat quantize exited {code}: {stderr}");
        return JsonDocument.Parse(stdout.ToString()).RootElement.Clone();
    }
}
