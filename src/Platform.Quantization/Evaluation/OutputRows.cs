using Platform.Quantization.Tensors;

namespace Platform.Quantization.Evaluation;

/// <summary>Views a model output [N, ...] as N rows of doubles: the first dim is the sample, the rest is flattened.</summary>
internal static class OutputRows
{
    public static (int Samples, int RowLength) Layout(Tensor t, string what)
    {
        if (t.Rank == 0) throw new ShapeMismatchException($"{what} is a scalar; it needs a sample dim.");
        int n = t.Shape[0];
        return (n, n == 0 ? 0 : t.Length / n);
    }

    public static void Copy(Tensor t, int sample, Span<double> row)
    {
        int off = sample * row.Length;
        switch (t.Data)
        {
            case float[] f:
                for (int i = 0; i < row.Length; i++) row[i] = f[off + i];
                break;
            case double[] d:
                d.AsSpan(off, row.Length).CopyTo(row);
                break;
            case Half[] h:
                for (int i = 0; i < row.Length; i++) row[i] = (double)h[off + i];
                break;
            default:
                for (int i = 0; i < row.Length; i++) row[i] = t.GetDouble(off + i);
                break;
        }
    }

    /// <summary>Index of the largest value, first one on ties (as numpy.argmax); NaN never wins; -1 when all are NaN.</summary>
    public static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = -1;
        for (int i = 0; i < row.Length; i++)
            if (!double.IsNaN(row[i]) && (best < 0 || row[i] > row[best])) best = i;
        return best;
    }
}
