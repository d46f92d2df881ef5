namespace Platform.Quantization.Tensors;

/// <summary>Shape arithmetic shared by the reader, the runtime and the operators.</summary>
public static class TensorShape
{
    /// <summary>Largest element count a tensor may have: one managed array.</summary>
    public const long MaxElements = int.MaxValue - 64;

    /// <summary>Product of the dims; throws on a negative dim or a product too large to hold.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape [{string.Join(',', shape.ToArray())}] has a negative dimension.");
            n *= d;
            if (n > MaxElements) throw new ArgumentException($"Shape [{string.Join(',', shape.ToArray())}] holds more than {MaxElements} elements.");
        }
        return n;
    }

    /// <summary>Row-major strides, in elements.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>Numpy-style broadcast of two shapes; throws naming both shapes when they do not broadcast.</summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else throw new ShapeMismatchException($"Shapes [{string.Join(',', a.ToArray())}] and [{string.Join(',', b.ToArray())}] do not broadcast.");
        }
        return r;
    }

    /// <summary>Normalises a possibly negative axis against a rank.</summary>
    public static int Axis(long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.Max(rank, 1) && !(rank == 0 && a == 0))
            throw new ShapeMismatchException($"Axis {axis} is out of range for rank {rank}.");
        return (int)a;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(',', shape.ToArray()) + "]";
}
