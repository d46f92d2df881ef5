using System.Text.Json;
using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// The quantized model: the prepared graph whose layer weights are replaced by their dequantized images
/// (so any ONNX runtime reproduces the weight quantization), the packed weights per layer, and the report.
/// </summary>
public sealed class QuantizationResult
{
    public required OnnxModel Model { get; init; }
    public required IReadOnlyDictionary<string, QuantizedWeight> Weights { get; init; }
    /// <summary>The prepared fp32 model (folded, layers found) the quantized layers refer to.</summary>
    public required OnnxModel Prepared { get; init; }
    /// <summary>Every layer in graph order with its spec, stored weight and input parameters.</summary>
    public required IReadOnlyList<QuantizedLayer> Layers { get; init; }
    public required QuantizationReport Report { get; init; }
    /// <summary>The QDQ / MatMulNBits export, when the run built one to time it on ONNX Runtime; null otherwise.</summary>
    public OnnxModel? OnnxExport { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>Writes model.onnx, report.json and spec.json into a folder.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        OnnxModelWriter.Write(Model, Path.Combine(directory, "model.onnx"));
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(Report, JsonOptions));
        File.WriteAllText(Path.Combine(directory, "spec.json"), Report.Variant.Spec.ToJson());
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions(Specs.QuantSpec.JsonOptions) { WriteIndented = true };
        return o;
    }
}
