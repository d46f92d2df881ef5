using System.Runtime.InteropServices;

namespace Platform.Quantization.Tensors;

/// <summary>
/// A dense, row-major (C order) tensor. Elements live in a managed array whose element type
/// matches <see cref="Type"/>: float[], double[], Half[], BFloat16[], sbyte[], byte[], short[],
/// ushort[], int[], uint[], long[], ulong[], bool[] or string[].
/// </summary>
public sealed class Tensor
{
    public DataType Type { get; }
    public int[] Shape { get; }
    public Array Data { get; }

    public Tensor(DataType type, int[] shape, Array data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = TensorShape.ElementCount(shape);
        if (data.Length != count)
            throw new ArgumentException($"Tensor data holds {data.Length} elements but shape [{string.Join(',', shape)}] needs {count}.");
        if (ElementTypeOf(type) != data.GetType().GetElementType())
            throw new ArgumentException($"A {type} tensor cannot be backed by {data.GetType().Name}.");
        Type = type;
        Shape = shape;
        Data = data;
    }

    public int Rank => Shape.Length;
    public int Length => Data.Length;

    public Span<T> AsSpan<T>() => ((T[])Data).AsSpan();
    public T[] As<T>() => (T[])Data;
    public float[] Floats => (float[])Data;
    public long[] Int64s => (long[])Data;
    public int[] Int32s => (int[])Data;

    public static Tensor FromArray<T>(T[] data, params int[] shape) => new(DataTypeOf<T>(), shape, data);
    public static Tensor Scalar<T>(T value) => new(DataTypeOf<T>(), [], new[] { value });
    public static Tensor Zeros(DataType type, params int[] shape)
    {
        long count = TensorShape.ElementCount(shape);
        return new Tensor(type, shape, Array.CreateInstance(ElementTypeOf(type), count));
    }

    /// <summary>A tensor sharing this one's data with another shape of the same element count.</summary>
    public Tensor Reshape(params int[] shape) => new(Type, shape, Data);

    public Tensor Clone() => new(Type, (int[])Shape.Clone(), (Array)Data.Clone());

    public static DataType DataTypeOf<T>() => DataTypeOf(typeof(T));

    public static DataType DataTypeOf(Type t) =>
        t == typeof(float) ? DataType.Float :
        t == typeof(double) ? DataType.Double :
        t == typeof(Half) ? DataType.Float16 :
        t == typeof(BFloat16) ? DataType.BFloat16 :
        t == typeof(sbyte) ? DataType.Int8 :
        t == typeof(byte) ? DataType.UInt8 :
        t == typeof(short) ? DataType.Int16 :
        t == typeof(ushort) ? DataType.UInt16 :
        t == typeof(int) ? DataType.Int32 :
        t == typeof(uint) ? DataType.UInt32 :
        t == typeof(long) ? DataType.Int64 :
        t == typeof(ulong) ? DataType.UInt64 :
        t == typeof(bool) ? DataType.Bool :
        t == typeof(string) ? DataType.String :
        throw new NotSupportedException($"No tensor element type for {t.Name}.");

    public static Type ElementTypeOf(DataType type) => type switch
    {
        DataType.Float => typeof(float),
        DataType.Double => typeof(double),
        DataType.Float16 => typeof(Half),
        DataType.BFloat16 => typeof(BFloat16),
        DataType.Int8 => typeof(sbyte),
        DataType.UInt8 => typeof(byte),
        DataType.Int16 => typeof(short),
        DataType.UInt16 => typeof(ushort),
        DataType.Int32 => typeof(int),
        DataType.UInt32 => typeof(uint),
        DataType.Int64 => typeof(long),
        DataType.UInt64 => typeof(ulong),
        DataType.Bool => typeof(bool),
        DataType.String => typeof(string),
        _ => throw new NotSupportedException($"Tensor element type {type} is not supported."),
    };

    /// <summary>Bytes one element takes in memory (strings: 0, they have no fixed size).</summary>
    public static int ElementSize(DataType type) => type switch
    {
        DataType.Float or DataType.Int32 or DataType.UInt32 => 4,
        DataType.Double or DataType.Int64 or DataType.UInt64 => 8,
        DataType.Float16 or DataType.BFloat16 or DataType.Int16 or DataType.UInt16 => 2,
        DataType.Int8 or DataType.UInt8 or DataType.Bool => 1,
        DataType.String => 0,
        _ => throw new NotSupportedException($"Tensor element type {type} is not supported."),
    };

    /// <summary>The elements as raw little-endian bytes (not for strings).</summary>
    public ReadOnlySpan<byte> AsBytes() => Type == DataType.String
        ? throw new InvalidOperationException("String tensors have no raw byte form.")
        : MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(Data), Data.Length * ElementSize(Type));

    /// <summary>Element i converted to double (numeric types and bool).</summary>
    /// <remarks>Dispatches on <see cref="Type"/>, not on the array's runtime type: the CLR lets a byte[] pass as
    /// sbyte[] (and ushort[]/short[], uint[]/int[], ulong[]/long[]), so a type pattern would misread unsigned data.</remarks>
    public double GetDouble(int i) => Type switch
    {
        DataType.Float => ((float[])Data)[i],
        DataType.Double => ((double[])Data)[i],
        DataType.Float16 => (double)((Half[])Data)[i],
        DataType.BFloat16 => ((BFloat16[])Data)[i].ToSingle(),
        DataType.Int8 => ((sbyte[])Data)[i],
        DataType.UInt8 => ((byte[])Data)[i],
        DataType.Int16 => ((short[])Data)[i],
        DataType.UInt16 => ((ushort[])Data)[i],
        DataType.Int32 => ((int[])Data)[i],
        DataType.UInt32 => ((uint[])Data)[i],
        DataType.Int64 => ((long[])Data)[i],
        DataType.UInt64 => ((ulong[])Data)[i],
        DataType.Bool => ((bool[])Data)[i] ? 1 : 0,
        _ => throw new NotSupportedException($"{Type} elements are not numeric."),
    };

    /// <summary>Element i as an int64 (integer types; floats truncate).</summary>
    public long GetInt64(int i) => Type switch
    {
        DataType.Int64 => ((long[])Data)[i],
        DataType.Int32 => ((int[])Data)[i],
        DataType.UInt64 => (long)((ulong[])Data)[i],
        _ => (long)GetDouble(i),
    };

    /// <summary>All elements as int64 (for shape, axes and index inputs).</summary>
    public long[] ToInt64Array()
    {
        if (Type == DataType.Int64) return (long[])Data.Clone();
        var r = new long[Length];
        for (int i = 0; i < r.Length; i++) r[i] = GetInt64(i);
        return r;
    }

    /// <summary>All elements converted to float32.</summary>
    public float[] ToFloatArray()
    {
        if (Type == DataType.Float) return (float[])Data.Clone();
        var r = GC.AllocateUninitializedArray<float>(Length);
        // The 8-bit and half types get typed loops: the quantized runtime widens u8 activations (e.g. to pool them), and
        // GetDouble's per-element type switch cost as much as the pooling itself.
        switch (Data)
        {
            case byte[] b: for (int i = 0; i < b.Length; i++) r[i] = b[i]; break;
            case sbyte[] sb: for (int i = 0; i < sb.Length; i++) r[i] = sb[i]; break;
            case Half[] h: for (int i = 0; i < h.Length; i++) r[i] = (float)h[i]; break;
            default: for (int i = 0; i < r.Length; i++) r[i] = (float)GetDouble(i); break;
        }
        return r;
    }

    public override string ToString() => $"{Type}[{string.Join(',', Shape)}]";
}
