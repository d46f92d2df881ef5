namespace Platform.Quantization.Graph;

/// <summary>
/// A node with a constant weight (Conv, ConvTranspose, Gemm, MatMul): the unit of every per-layer decision.
/// </summary>
/// <param name="Name">Stable name: the node's name, or OpType_index when the node has none.</param>
/// <param name="WeightInput">Index of the weight among the node's inputs.</param>
/// <param name="OutputAxis">Axis of the weight that indexes output channels (per-channel scales run along it).</param>
/// <param name="InputAxis">Axis of the weight that the layer reduces over together with the kernel's spatial dims
/// (per-group quantization groups consecutive input elements along it).</param>
public sealed record Layer(
    string Name,
    Node Node,
    int Index,
    string WeightName,
    int WeightInput,
    int[] WeightShape,
    int OutputAxis,
    int InputAxis,
    string? BiasName)
{
    public string OpType => Node.OpType;
    public long Parameters => WeightShape.Aggregate(1L, (a, d) => a * d);
    public bool IsFirst { get; init; }
    public bool IsLast { get; init; }
}
