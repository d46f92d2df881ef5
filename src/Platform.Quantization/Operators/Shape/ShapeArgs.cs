using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>Reading and checking the inputs and attributes shape operators share.</summary>
internal static class ShapeArgs
{
    public static Tensor Required(Node node, Tensor?[] inputs, int index, string name) =>
        index < inputs.Length && inputs[index] is { } t
            ? t
            : throw new ArgumentException($"{node.OpType} needs input {index} ({name}), which is missing.");

    public static Tensor? Optional(Tensor?[] inputs, int index) => index < inputs.Length ? inputs[index] : null;

    /// <summary>An integer input (shape, axes, pads, ...) as int64; rejects non-integer element types.</summary>
    public static long[] Ints(Tensor t, string name)
    {
        if (t.Type is not (DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8 or DataType.UInt8
            or DataType.UInt16 or DataType.UInt32 or DataType.UInt64))
            throw new ArgumentException($"Input '{name}' must be an integer tensor, not {t.Type}{TensorShape.Format(t.Shape)}.");
        if (t.Rank > 1)
            throw new ShapeMismatchException($"Input '{name}' must be a 1-D tensor, not {TensorShape.Format(t.Shape)}.");
        return t.ToInt64Array();
    }

    /// <summary>A scalar (or one-element) input as int64.</summary>
    public static long ScalarInt(Tensor t, string name)
    {
        if (t.Length != 1)
            throw new ShapeMismatchException($"Input '{name}' must hold one value, not shape {TensorShape.Format(t.Shape)}.");
        return t.GetInt64(0);
    }

    /// <summary>Normalises axes against a rank; rejects out-of-range and repeated axes.</summary>
    public static int[] Axes(ReadOnlySpan<long> axes, int rank, string what)
    {
        var r = new int[axes.Length];
        var seen = new bool[rank];
        for (int i = 0; i < axes.Length; i++)
        {
            long a = axes[i] < 0 ? axes[i] + rank : axes[i];
            if (a < 0 || a >= rank)
                throw new ShapeMismatchException($"{what}: axis {axes[i]} is out of range for rank {rank}.");
            if (seen[a]) throw new ArgumentException($"{what}: axis {axes[i]} is given twice.");
            seen[a] = true;
            r[i] = (int)a;
        }
        return r;
    }

    /// <summary>Converts int64 dims to an int[] shape, rejecting negative dims and element counts no array can hold.</summary>
    public static int[] ToShape(ReadOnlySpan<long> dims, string what)
    {
        var r = new int[dims.Length];
        double count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0 || dims[i] > int.MaxValue)
                throw new ShapeMismatchException($"{what}: dimension {dims[i]} in [{string.Join(',', dims.ToArray())}] is not a valid size.");
            r[i] = (int)dims[i];
            count *= dims[i];
        }
        if (count > TensorShape.MaxElements)
            throw new ShapeMismatchException($"{what}: shape [{string.Join(',', dims.ToArray())}] holds {count:g4} elements, more than one tensor can hold ({TensorShape.MaxElements}).");
        return r;
    }

    /// <summary>Product of dims in [from, to).</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        long p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return checked((int)p);
    }

    public static string Format(ReadOnlySpan<int> shape) => TensorShape.Format(shape);
}
