using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>
/// MatMul with numpy semantics: 1-D operands are promoted and the promoted dim removed, batch dims
/// broadcast. When B has no batch (the weight case, e.g. BERT's [B,S,K]×[K,N]) A's batch folds into M
/// and the whole product is one GEMM against B packed once.
/// </summary>
[OnnxOperator("MatMul")]
internal sealed class MatMulOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input A is missing.");
        var b = (inputs.Length > 1 ? inputs[1] : null) ?? throw new ArgumentException($"{node.Describe()}: input B is missing.");
        if (a.Type != DataType.Float || b.Type != DataType.Float)
            throw new NotSupportedException($"{node.Describe()}: only float32 MatMul is implemented (A is {a.Type}, B is {b.Type}).");
        if (a.Rank == 0 || b.Rank == 0)
            throw new ShapeMismatchException($"{node.Describe()}: MatMul needs operands of rank ≥ 1 (A {TensorShape.Format(a.Shape)}, B {TensorShape.Format(b.Shape)}).");

        int[] ash = a.Rank == 1 ? [1, a.Shape[0]] : a.Shape;
        int[] bsh = b.Rank == 1 ? [b.Shape[0], 1] : b.Shape;
        int m = ash[^2], k = ash[^1], n = bsh[^1];
        if (bsh[^2] != k)
            throw new ShapeMismatchException($"{node.Describe()}: A {TensorShape.Format(a.Shape)} and B {TensorShape.Format(b.Shape)} disagree on the inner dimension ({k} vs {bsh[^2]}).");
        var aBatch = ash[..^2];
        var bBatch = bsh[..^2];
        var batch = TensorShape.Broadcast(aBatch, bBatch);

        var outShape = new List<int>(batch);
        if (a.Rank > 1) outShape.Add(m);
        if (b.Rank > 1) outShape.Add(n);
        var y = Tensor.Zeros(DataType.Float, [.. outShape]);
        if (y.Length == 0) return [y];
        var ys = y.Floats;
        var af = a.Floats;
        var bf = b.Floats;

        long bBatchCount = TensorShape.ElementCount(bBatch);
        long aBatchCount = TensorShape.ElementCount(aBatch);
        long batchCount = TensorShape.ElementCount(batch);
        if (bBatchCount == 1 && aBatchCount == batchCount)
        {
            int rows = checked((int)(aBatchCount * m));
            var packed = PackedWeightCache.RightOperand(b, 0, k, n, false);
            if (packed is not null) Sgemm.Multiply(false, rows, 1f, af, Math.Max(1, k), packed, 0f, ys, n, context.Threads);
            else Sgemm.Multiply(false, false, rows, n, k, 1f, af, Math.Max(1, k), bf, Math.Max(1, n), 0f, ys, n, context.Threads);
            return [y];
        }

        // General broadcast: one GEMM per output batch index.
        var aStrides = BroadcastStrides(aBatch, batch, m * k);
        var bStrides = BroadcastStrides(bBatch, batch, k * n);
        var idx = new int[batch.Length];
        for (long t = 0; t < batchCount; t++)
        {
            long ao = 0, bo = 0;
            for (int i = 0; i < batch.Length; i++) { ao += (long)idx[i] * aStrides[i]; bo += (long)idx[i] * bStrides[i]; }
            Sgemm.Multiply(false, false, m, n, k, 1f, af.AsSpan((int)ao, m * k), Math.Max(1, k), bf.AsSpan((int)bo, k * n), Math.Max(1, n),
                0f, ys.AsSpan((int)(t * m * n), m * n), n, context.Threads);
            for (int i = batch.Length - 1; i >= 0; i--) { if (++idx[i] < batch[i]) break; idx[i] = 0; }
        }
        return [y];
    }

    /// <summary>Element strides of an operand's batch dims aligned to the broadcast batch (0 where broadcast).</summary>
    private static long[] BroadcastStrides(int[] own, int[] batch, long matrix)
    {
        var s = new long[batch.Length];
        long acc = matrix;
        for (int i = batch.Length - 1, j = own.Length - 1; i >= 0; i--, j--)
        {
            int d = j >= 0 ? own[j] : 1;
            s[i] = d == 1 ? 0 : acc;
            acc *= d;
        }
        return s;
    }
}
