using Platform.Quantization.Export;
using Platform.Quantization.Pipeline;

namespace Platform.Worker.Jobs;

/// <summary>
/// What a variant stores: our packed artifact (every format; what our runtime loads back) and, where ONNX Runtime runs
/// the variant's formats, the QDQ / MatMulNBits export. report.json and spec.json go beside them in the scratch folder.
/// </summary>
public sealed record VariantFiles(string PackedPath, string? OnnxExportPath)
{
    public static VariantFiles Write(QuantizationResult result, string directory)
    {
        result.Save(directory);
        string packed = Path.Combine(directory, "model.qpk");
        PackedArtifact.Write(packed, result.Prepared, result.Layers, result.Report.Variant.Spec);
        if (!result.Layers.All(QdqExporter.RunsOnOnnxRuntime)) return new VariantFiles(packed, null);
        string onnx = Path.Combine(directory, "model.qdq.onnx");
        try
        {
            // The pipeline keeps the export it timed on ONNX Runtime; build one only where it did not.
            Platform.Quantization.Onnx.OnnxModelWriter.Write(result.OnnxExport ?? QdqExporter.Export(result.Prepared, result.Layers), onnx);
        }
        catch (NotSupportedException)
        {
            // A layer whose activation quantization has no ONNX form (e.g. dynamic symmetric): the packed artifact stands alone.
            return new VariantFiles(packed, null);
        }
        return new VariantFiles(packed, onnx);
    }
}
