using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Tests.Operators.Nn;

internal static class NnTestHelpers
{
    public static Tensor[] Run(string op, Tensor?[] inputs, int threads = 1, params NodeAttribute[] attributes)
    {
        var node = new Node { OpType = op, Outputs = { "y" } };
        foreach (var a in attributes) node.Attributes[a.Name] = a;
        for (int i = 0; i < inputs.Length; i++) node.Inputs.Add(inputs[i] is null ? "" : $"in{i}");
        Assert.True(OperatorRegistry.TryGet("", op, out var kernel));
        return kernel.Execute(node, inputs, new OperatorContext { Threads = threads, Opset = 17 });
    }

    public static NodeAttribute Ints(string name, params long[] v) => NodeAttribute.Of(name, v);
    public static NodeAttribute Int(string name, long v) => NodeAttribute.Of(name, v);
    public static NodeAttribute Str(string name, string v) => NodeAttribute.Of(name, v);

    public static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    public static void AssertClose(float[] expected, float[] actual, float tol = 1e-4f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
