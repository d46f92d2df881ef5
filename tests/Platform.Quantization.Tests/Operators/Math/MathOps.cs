using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Operators.MathOperators;

/// <summary>Runs one operator through the registry, as a plan would.</summary>
internal static class MathOps
{
    public static Tensor[] Run(string opType, Tensor?[] inputs, int opset = 13, int threads = 1, params NodeAttribute[] attributes)
    {
        var node = new Node { OpType = opType, Inputs = inputs.Select((t, i) => t is null ? "" : $"in{i}").ToList(), Outputs = { "out" } };
        foreach (var a in attributes) node.Attributes[a.Name] = a;
        Assert.True(OperatorRegistry.TryGet("", opType, out var kernel), $"{opType} is not registered");
        return kernel.Execute(node, inputs, new OperatorContext { Opset = opset, Threads = threads });
    }

    public static Tensor Run1(string opType, params Tensor?[] inputs) => Run(opType, inputs)[0];

    public static Tensor F(float[] data, params int[] shape) => Tensor.FromArray(data, shape);
}
