using Platform.Quantization.Evaluation;
using Platform.Quantization.Export;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Specs;
using Platform.Quantization.Tensors;
using Platform.Quantization.Tests.Evaluation;
using Platform.Quantization.Tests.Pipeline;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Export;

/// <summary>
/// Issue 4's acceptance for the export: the Fashion-MNIST CNN quantized int8 (static, per-channel) and int4
/// (MatMulNBits for the Gemm, INT4 DequantizeLinear for the Conv) loads in ONNX Runtime and reproduces our
/// quantized model's accuracy within 0.1 pp.
/// </summary>
public class FashionMnistExportAcceptanceTests(FashionMnistData data, ITestOutputHelper output) : IClassFixture<FashionMnistData>
{
    private const int EvaluationSamples = 2000;
    private static readonly string Model = TestPaths.Model("fashion_cnn_bn.onnx");

    [FashionMnistFact]
    public void Int8_qdq_export_reproduces_our_accuracy_in_onnx_runtime()
    {
        var result = Quantize("int8");
        var exported = QdqExporter.Export(result.Prepared, result.Layers);
        var ops = exported.Graph.OperatorCounts();
        // every layer's input, and the outputs of the three layers that feed another (through Relu, MaxPool, Flatten)
        int outputs = result.Layers.Count - 1;
        Assert.Equal(outputs.ToString(), exported.Metadata["qplat.export.quantizedOutputs"]);
        Assert.Equal(result.Layers.Count + outputs, ops.GetValueOrDefault("QuantizeLinear"));
        Assert.Equal(2 * result.Layers.Count + outputs, ops.GetValueOrDefault("DequantizeLinear"));
        var codes = WeightCodes(exported);
        Assert.Equal(result.Layers.Count, codes.Count);
        Assert.All(codes, t => Assert.Equal(DataType.Int8, t.Type));
        AssertSmallerThanFp32(result, exported, 3);
        AssertSameAccuracy(result, exported);
    }

    [FashionMnistFact]
    public void Int4_matmulnbits_export_reproduces_our_accuracy_in_onnx_runtime()
    {
        var result = Quantize("int4");
        var exported = QdqExporter.Export(result.Prepared, result.Layers);
        var nbits = exported.Graph.Nodes.Where(n => n.OpType == "MatMulNBits").ToList();
        Assert.Single(nbits); // the middle Gemm; first and last layers are int8 in the int4 preset
        Assert.Equal(DataType.UInt8, exported.Graph.Initializers[nbits[0].Inputs[1]].Type);
        Assert.Equal(32, nbits[0].GetInt("block_size", 0));
        // the middle Conv: packed UINT4 codes read by DequantizeLinear
        Assert.Contains(exported.Graph.Initializers.Values, t => TensorProtoConverterProbe.IsFourBit(t));
        Assert.Contains(QdqExporter.Int4MetadataKey, exported.Metadata.Keys);
        AssertSmallerThanFp32(result, exported, 4);
        AssertSameAccuracy(result, exported);
    }

    private QuantizationResult Quantize(string preset) => QuantizationPipeline.Run(new QuantizationRequest
    {
        ModelPath = Model,
        CalibrationDataPath = data.Calibration,
        EvaluationDataPath = data.Test,
        Spec = QuantSpec.Preset(preset),
        EvaluationSamples = EvaluationSamples,
        Threads = 2,
    });

    private static List<Tensor> WeightCodes(OnnxModel m) =>
        m.Graph.Nodes.Where(n => n.OpType == "DequantizeLinear" && m.Graph.Initializers.ContainsKey(n.Inputs[0]))
            .Select(n => m.Graph.Initializers[n.Inputs[0]]).ToList();

    private void AssertSmallerThanFp32(QuantizationResult result, OnnxModel exported, int factor)
    {
        long fp32 = OnnxModelWriter.ToBytes(result.Prepared).Length, q = OnnxModelWriter.ToBytes(exported).Length;
        output.WriteLine($"file: {q:N0} B against fp32 {fp32:N0} B");
        Assert.True(q * factor < fp32, $"the export ({q} B) should be over {factor}x smaller than the fp32 model ({fp32} B)");
    }

    private void AssertSameAccuracy(QuantizationResult result, OnnxModel exported)
    {
        double ours = result.Report.Variant.Accuracy!.Value;
        Assert.Equal(EvaluationSamples, result.Report.EvaluationSamples);
        using var session = new OnnxRuntimeSession(exported, threads: 2);
        using var eval = NpzDataSet.Open(data.Test);
        var binding = new DataBinding(exported.Graph, eval, 64, "test");
        var accuracy = new AccuracyAccumulator();
        foreach (var batch in eval.ReadBatches(binding.BatchSize, binding.ArraysToRead, widenFloat16: true, start: 0, count: EvaluationSamples))
            accuracy.Add(session.Run(binding.Inputs(batch))[exported.Graph.Outputs[0].Name], batch[DataBinding.LabelArray]);
        double ort = accuracy.Result().Top1;
        output.WriteLine($"accuracy on {accuracy.Samples} images: ours {ours:P2}, ONNX Runtime {ort:P2} (fp32 {result.Report.Fp32.Accuracy:P2})");
        Assert.Equal(EvaluationSamples, accuracy.Samples);
        Assert.True(Math.Abs(ours - ort) <= 0.001 + 1e-9, $"ONNX Runtime's accuracy {ort:P2} differs from ours {ours:P2} by more than 0.1 pp");
    }
}
