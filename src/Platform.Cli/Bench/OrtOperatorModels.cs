using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Cli.Bench;

/// <summary>
/// One-operator models our ONNX writer builds for ONNX Runtime: MatMul (fp32), MatMulInteger (u8 × s8 → s32) and
/// com.microsoft MatMulNBits (4-bit blocks), each with A a graph input [M, K] and B a constant.
/// </summary>
internal static class OrtOperatorModels
{
    /// <param name="b">B [K, N] row-major.</param>
    public static OnnxModel MatMul(int m, int n, int k, float[] b) =>
        Model("MatMul", "", DataType.Float, DataType.Float, m, n, k, [], ("B", Tensor.FromArray(b, k, n)));

    /// <param name="b">B [K, N] row-major, signed.</param>
    public static OnnxModel MatMulInteger(int m, int n, int k, sbyte[] b) =>
        Model("MatMulInteger", "", DataType.UInt8, DataType.Int32, m, n, k, [], ("B", Tensor.FromArray(b, k, n)));

    /// <param name="blocks">B as MatMulNBits stores it: [N, K/blockSize, blockSize/2] bytes of unsigned nibbles (low first).</param>
    /// <param name="scales">[N · K/blockSize].</param>
    public static OnnxModel MatMulNBits(int m, int n, int k, int blockSize, byte[] blocks, float[] scales, int accuracyLevel) =>
        Model("MatMulNBits", "com.microsoft", DataType.Float, DataType.Float, m, n, k,
            [NodeAttribute.Of("K", (long)k), NodeAttribute.Of("N", (long)n), NodeAttribute.Of("bits", 4L),
             NodeAttribute.Of("block_size", (long)blockSize), NodeAttribute.Of("accuracy_level", (long)accuracyLevel)],
            ("B", Tensor.FromArray(blocks, n, k / blockSize, blockSize / 2)), ("scales", Tensor.FromArray(scales, scales.Length)));

    private static OnnxModel Model(string op, string domain, DataType inType, DataType outType, int m, int n, int k,
        NodeAttribute[] attributes, params (string Name, Tensor Value)[] constants)
    {
        var node = new Node { OpType = op, Domain = domain, Inputs = { "A" }, Outputs = { "Y" } };
        foreach (var a in attributes) node.Attributes[a.Name] = a;
        var graph = new ModelGraph
        {
            Name = op,
            Inputs = { new ValueInfo { Name = "A", ElementType = inType, Shape = [Dim.Fixed(m), Dim.Fixed(k)] } },
            Outputs = { new ValueInfo { Name = "Y", ElementType = outType, Shape = [Dim.Fixed(m), Dim.Fixed(n)] } },
            Nodes = { node },
        };
        foreach (var (name, value) in constants)
        {
            node.Inputs.Add(name);
            graph.Initializers[name] = value;
        }
        var model = new OnnxModel { Graph = graph };
        if (domain.Length > 0) model.Opsets[domain] = 1;
        return model;
    }
}
