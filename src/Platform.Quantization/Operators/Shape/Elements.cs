using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>Type-erased access to tensor element arrays for operators that only move elements.</summary>
internal static class Elements
{
    /// <summary>Calls action.Invoke&lt;T&gt;() with the same-width stand-in type for <paramref name="type"/>.</summary>
    public static void Dispatch<TAction>(DataType type, ref TAction action) where TAction : struct, IElementAction
    {
        switch (type)
        {
            case DataType.String: action.Invoke<string>(); return;
            default:
                switch (Tensor.ElementSize(type))
                {
                    case 1: action.Invoke<byte>(); return;
                    case 2: action.Invoke<ushort>(); return;
                    case 4: action.Invoke<uint>(); return;
                    case 8: action.Invoke<ulong>(); return;
                }
                break;
        }
        throw new NotSupportedException($"Tensor element type {type} is not supported.");
    }

    /// <summary>
    /// The array's elements as a span of T, where T is the stand-in chosen by <see cref="Dispatch{TAction}"/>:
    /// string[] as itself, any unmanaged array reinterpreted as same-width unsigned integers.
    /// </summary>
    public static Span<T> Span<T>(Array array)
    {
        if (array is T[] exact) return exact;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>() || array is string[])
            throw new InvalidCastException($"{array.GetType().Name} cannot be viewed as {typeof(T).Name}[].");
        int width = Tensor.ElementSize(Tensor.DataTypeOf(array.GetType().GetElementType()!));
        if (width != Unsafe.SizeOf<T>())
            throw new InvalidCastException($"{array.GetType().Name} elements are {width} bytes, not {Unsafe.SizeOf<T>()}.");
        return MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);
    }

    /// <summary>A new element array for a tensor of this type; strings start as "" (not null) so outputs are well-formed.</summary>
    public static Array Allocate(DataType type, long count)
    {
        if (count > TensorShape.MaxElements)
            throw new ArgumentException($"A {type} tensor of {count} elements is larger than one array can hold.");
        var a = Array.CreateInstance(Tensor.ElementTypeOf(type), (int)count);
        if (a is string[] s) Array.Fill(s, "");
        return a;
    }

    /// <summary>One element of the given type holding <paramref name="value"/> (for fills: pads, ones, zeros).</summary>
    public static Array ScalarOf(DataType type, double value)
    {
        Array a = type switch
        {
            DataType.Float => new[] { (float)value },
            DataType.Double => new[] { value },
            DataType.Float16 => new[] { (Half)value },
            DataType.BFloat16 => new[] { BFloat16.FromSingle((float)value) },
            DataType.Int8 => new[] { (sbyte)value },
            DataType.UInt8 => new[] { (byte)value },
            DataType.Int16 => new[] { (short)value },
            DataType.UInt16 => new[] { (ushort)value },
            DataType.Int32 => new[] { (int)value },
            DataType.UInt32 => new[] { (uint)value },
            DataType.Int64 => new[] { (long)value },
            DataType.UInt64 => new[] { (ulong)value },
            DataType.Bool => new[] { value != 0 },
            DataType.String => new[] { "" },
            _ => throw new NotSupportedException($"Tensor element type {type} is not supported."),
        };
        return a;
    }

    /// <summary>Whether element i is non-zero (strings: non-empty; NaN counts as non-zero).</summary>
    public static bool IsNonZero(Array data, int i) => data switch
    {
        float[] a => a[i] != 0,
        double[] a => a[i] != 0,
        Half[] a => (float)a[i] != 0,
        BFloat16[] a => a[i].ToSingle() != 0,
        sbyte[] a => a[i] != 0,
        byte[] a => a[i] != 0,
        short[] a => a[i] != 0,
        ushort[] a => a[i] != 0,
        int[] a => a[i] != 0,
        uint[] a => a[i] != 0,
        long[] a => a[i] != 0,
        ulong[] a => a[i] != 0,
        bool[] a => a[i],
        string[] a => !string.IsNullOrEmpty(a[i]),
        _ => throw new NotSupportedException($"{data.GetType().Name} is not a tensor element array."),
    };
}
