using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>Gemm: Y = alpha·op(A)·op(B) + beta·C, C unidirectionally broadcast to [M, N].</summary>
[OnnxOperator("Gemm")]
internal sealed class GemmOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input A is missing.");
        var b = (inputs.Length > 1 ? inputs[1] : null) ?? throw new ArgumentException($"{node.Describe()}: input B is missing.");
        var c = inputs.Length > 2 ? inputs[2] : null;
        if (a.Type != DataType.Float || b.Type != DataType.Float || c is { Type: not DataType.Float })
            throw new NotSupportedException($"{node.Describe()}: only float32 Gemm is implemented (A is {a.Type}, B is {b.Type}).");
        if (a.Rank != 2 || b.Rank != 2)
            throw new ShapeMismatchException($"{node.Describe()}: A {TensorShape.Format(a.Shape)} and B {TensorShape.Format(b.Shape)} must be 2-D.");
        bool ta = node.GetInt("transA", 0) != 0, tb = node.GetInt("transB", 0) != 0;
        float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        int m = ta ? a.Shape[1] : a.Shape[0], k = ta ? a.Shape[0] : a.Shape[1];
        int kb = tb ? b.Shape[1] : b.Shape[0], n = tb ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ShapeMismatchException($"{node.Describe()}: op(A) is {m}×{k} but op(B) is {kb}×{n} (A {TensorShape.Format(a.Shape)}, B {TensorShape.Format(b.Shape)}, transA={ta}, transB={tb}).");

        var y = Tensor.Zeros(DataType.Float, m, n);
        var ys = y.Floats;
        float cBeta = 0f;
        if (c is not null && beta != 0f)
        {
            BroadcastInto(node, c, ys, m, n);
            cBeta = beta;
        }
        var packed = PackedWeightCache.RightOperand(b, 0, k, n, tb);
        if (packed is not null)
            Sgemm.Multiply(ta, m, alpha, a.Floats, Math.Max(1, a.Shape[1]), packed, cBeta, ys, Math.Max(1, n), context.Threads);
        else
            Sgemm.Multiply(ta, tb, m, n, k, alpha, a.Floats, Math.Max(1, a.Shape[1]), b.Floats, Math.Max(1, b.Shape[1]), cBeta, ys, Math.Max(1, n), context.Threads);
        return [y];
    }

    private static void BroadcastInto(Node node, Tensor c, float[] y, int m, int n)
    {
        var s = c.Shape;
        if (s.Length > 2 || !TensorShape.Broadcast(s, [m, n]).SequenceEqual(new[] { m, n }))
            throw new ShapeMismatchException($"{node.Describe()}: C {TensorShape.Format(s)} does not broadcast to [{m},{n}].");
        int cm = s.Length == 2 ? s[0] : 1, cn = s.Length >= 1 ? s[^1] : 1;
        var cs = c.Floats;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                y[i * n + j] = cs[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
    }
}
