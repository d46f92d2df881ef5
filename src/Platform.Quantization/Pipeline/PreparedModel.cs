using Platform.Quantization.Graph;
using Platform.Quantization.Graph.Passes;
using Platform.Quantization.Onnx;

namespace Platform.Quantization.Pipeline;

/// <summary>
/// A model made ready to quantize: constants as initializers, constant subgraphs folded, BatchNormalization
/// folded into its Conv, nodes named, layers found. The original model is left as it was.
/// </summary>
public sealed class PreparedModel
{
    public OnnxModel Original { get; }
    public OnnxModel Model { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public int FoldedBatchNorms { get; }

    private PreparedModel(OnnxModel original, OnnxModel model, IReadOnlyList<Layer> layers, int foldedBatchNorms)
    {
        Original = original; Model = model; Layers = layers; FoldedBatchNorms = foldedBatchNorms;
    }

    public static PreparedModel Load(string path) => Prepare(OnnxModelReader.Read(path));

    public static PreparedModel Prepare(OnnxModel original)
    {
        var graph = original.Graph.Clone();
        ConstantsToInitializers.Apply(graph);
        ConstantFolding.Apply(graph, original.Opset);
        int folded = BatchNormFolding.Apply(graph);
        var layers = LayerDiscovery.Find(graph);
        var model = new OnnxModel
        {
            Graph = graph,
            Opsets = new Dictionary<string, long>(original.Opsets, StringComparer.Ordinal),
            IrVersion = original.IrVersion,
            ProducerName = "qplat",
            ProducerVersion = typeof(PreparedModel).Assembly.GetName().Version?.ToString() ?? "",
        };
        return new PreparedModel(original, model, layers, folded);
    }
}
