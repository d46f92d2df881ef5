using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Operators.Shape;

/// <summary>Runs one operator through the registry, as a plan would.</summary>
internal static class Op
{
    public static Tensor[] RunAll(string opType, int opset, Dictionary<string, NodeAttribute>? attrs, int outputs, params Tensor?[] inputs)
    {
        Assert.True(OperatorRegistry.TryGet("", opType, out var kernel), $"{opType} is not registered");
        var node = new Node
        {
            OpType = opType,
            Inputs = inputs.Select((t, i) => t is null ? "" : $"in{i}").ToList(),
            Outputs = Enumerable.Range(0, outputs).Select(i => $"out{i}").ToList(),
            Attributes = attrs ?? new Dictionary<string, NodeAttribute>(StringComparer.Ordinal),
        };
        return kernel.Execute(node, inputs, new OperatorContext { Opset = opset, Threads = 1 });
    }

    public static Tensor Run(string opType, int opset, Dictionary<string, NodeAttribute>? attrs, params Tensor?[] inputs) =>
        RunAll(opType, opset, attrs, 1, inputs)[0];

    public static Dictionary<string, NodeAttribute> Attrs(params NodeAttribute[] a) =>
        a.ToDictionary(x => x.Name, StringComparer.Ordinal);

    public static Tensor F(float[] data, params int[] shape) => Tensor.FromArray(data, shape);
    public static Tensor L(params long[] data) => Tensor.FromArray(data, data.Length);
    public static Tensor Iota(int n, params int[] shape) => Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), shape);

    public static void Equal(Tensor t, int[] shape, float[] expected)
    {
        Assert.Equal(shape, t.Shape);
        Assert.Equal(expected, t.ToFloatArray());
    }
}
