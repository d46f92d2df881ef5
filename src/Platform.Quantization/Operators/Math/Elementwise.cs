using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// The loops behind every elementwise operator: broadcast runs, a vector body (Vector512, then
/// Vector256) with a scalar tail, and chunked parallelism for large outputs.
/// </summary>
internal static class Elementwise
{
    /// <summary>
    /// Below this many output elements a parallel split costs more than it saves (a Parallel.For
    /// dispatch is a few microseconds; 64K floats take ~5-10 µs to add on one core).
    /// </summary>
    public const int ParallelThreshold = 1 << 16;

    /// <summary>
    /// Runs body(start, end) over [0, length), in parallel chunks when it is worth it.
    /// <paramref name="itemCost"/> is the elements one item stands for (a row of a softmax).
    /// </summary>
    public static void For(int length, OperatorContext context, Action<int, int> body, int itemCost = 1)
    {
        int threads = System.Math.Min(context.Threads, Environment.ProcessorCount);
        long work = (long)length * System.Math.Max(itemCost, 1);
        if (threads <= 1 || work < ParallelThreshold || length < 2)
        {
            if (length > 0) body(0, length);
            return;
        }
        int chunks = (int)System.Math.Min(System.Math.Min(threads * 4, length), work / (ParallelThreshold / 4));
        // Element chunks end on multiples of 64 so vector bodies stay aligned to cache lines.
        int align = itemCost <= 1 ? 64 : 1;
        int chunk = ((length + chunks - 1) / chunks + align - 1) / align * align;
        chunks = (length + chunk - 1) / chunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = context.CancellationToken },
            c => body(c * chunk, System.Math.Min(length, (c + 1) * chunk)));
    }

    public static Tensor Binary<T, TResult, TOp>(Tensor a, Tensor b, OperatorContext context) where TOp : IBinaryOp<T, TResult>
    {
        var x = (T[])a.Data;
        var y = (T[])b.Data;
        var layout = new BroadcastLayout(a.Shape, b.Shape);
        var r = new TResult[layout.Length];
        if (layout.Length > 0)
        {
            int sx = layout.InnerStride(0), sy = layout.InnerStride(1);
            For(layout.Length, context, (start, end) =>
            {
                Span<int> offsets = stackalloc int[2];
                layout.ForEachRun(start, end, offsets, (o, offs, len) =>
                {
                    var dst = r.AsSpan(o, len);
                    if (sx == 1 && sy == 1) BinaryVV<T, TResult, TOp>(x.AsSpan(offs[0], len), y.AsSpan(offs[1], len), dst);
                    else if (sx == 1) BinaryVS<T, TResult, TOp>(x.AsSpan(offs[0], len), y[offs[1]], dst);
                    else if (sy == 1) BinarySV<T, TResult, TOp>(x[offs[0]], y.AsSpan(offs[1], len), dst);
                    else dst.Fill(TOp.Invoke(x[offs[0]], y[offs[1]]));
                });
            });
        }
        return new Tensor(Tensor.DataTypeOf<TResult>(), layout.OutputShape, r);
    }

    public static void BinaryVV<T, TResult, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TResult> r) where TOp : IBinaryOp<T, TResult>
    {
        int n = r.Length, i = 0;
        if (typeof(T) == typeof(TResult) && TOp.Vectorizable)
        {
            ref T pa = ref MemoryMarshal.GetReference(a);
            ref T pb = ref MemoryMarshal.GetReference(b);
            ref T pr = ref Unsafe.As<TResult, T>(ref MemoryMarshal.GetReference(r));
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    TOp.Invoke(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    TOp.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
        }
        for (; i < n; i++) r[i] = TOp.Invoke(a[i], b[i]);
    }

    public static void BinaryVS<T, TResult, TOp>(ReadOnlySpan<T> a, T b, Span<TResult> r) where TOp : IBinaryOp<T, TResult>
    {
        int n = r.Length, i = 0;
        if (typeof(T) == typeof(TResult) && TOp.Vectorizable)
        {
            ref T pa = ref MemoryMarshal.GetReference(a);
            ref T pr = ref Unsafe.As<TResult, T>(ref MemoryMarshal.GetReference(r));
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                var vb = Vector512.Create(b);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    TOp.Invoke(Vector512.LoadUnsafe(ref pa, (nuint)i), vb).StoreUnsafe(ref pr, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                var vb = Vector256.Create(b);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    TOp.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), vb).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < n; i++) r[i] = TOp.Invoke(a[i], b);
    }

    public static void BinarySV<T, TResult, TOp>(T a, ReadOnlySpan<T> b, Span<TResult> r) where TOp : IBinaryOp<T, TResult>
    {
        int n = r.Length, i = 0;
        if (typeof(T) == typeof(TResult) && TOp.Vectorizable)
        {
            ref T pb = ref MemoryMarshal.GetReference(b);
            ref T pr = ref Unsafe.As<TResult, T>(ref MemoryMarshal.GetReference(r));
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
            {
                var va = Vector512.Create(a);
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    TOp.Invoke(va, Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            }
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
            {
                var va = Vector256.Create(a);
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    TOp.Invoke(va, Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            }
        }
        for (; i < n; i++) r[i] = TOp.Invoke(a, b[i]);
    }

    public static Tensor Unary<T, TResult, TOp>(Tensor x, OperatorContext context) where TOp : IUnaryOp<T, TResult>
    {
        var src = (T[])x.Data;
        var r = new TResult[src.Length];
        For(src.Length, context, (start, end) => UnarySpan<T, TResult, TOp>(src.AsSpan(start, end - start), r.AsSpan(start, end - start)));
        return new Tensor(Tensor.DataTypeOf<TResult>(), (int[])x.Shape.Clone(), r);
    }

    public static void UnarySpan<T, TResult, TOp>(ReadOnlySpan<T> x, Span<TResult> r) where TOp : IUnaryOp<T, TResult>
    {
        int n = r.Length, i = 0;
        if (typeof(T) == typeof(TResult) && TOp.Vectorizable)
        {
            ref T px = ref MemoryMarshal.GetReference(x);
            ref T pr = ref Unsafe.As<TResult, T>(ref MemoryMarshal.GetReference(r));
            if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
                for (; i <= n - Vector512<T>.Count; i += Vector512<T>.Count)
                    TOp.Invoke(Vector512.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
            if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
                for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
                    TOp.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref pr, (nuint)i);
        }
        for (; i < n; i++) r[i] = TOp.Invoke(x[i]);
    }

    /// <summary>The same function without vectors: the reference the vector paths are tested against.</summary>
    public static void UnaryScalar<T, TResult, TOp>(ReadOnlySpan<T> x, Span<TResult> r) where TOp : IUnaryOp<T, TResult>
    {
        for (int i = 0; i < r.Length; i++) r[i] = TOp.Invoke(x[i]);
    }

    public static void BinaryScalar<T, TResult, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TResult> r) where TOp : IBinaryOp<T, TResult>
    {
        for (int i = 0; i < r.Length; i++) r[i] = TOp.Invoke(a[i], b[i]);
    }

    /// <summary>Generic three-input broadcast (Where): f(condition, x, y) per element, no vectors.</summary>
    public static Tensor Where<T>(Tensor condition, Tensor x, Tensor y, OperatorContext context)
    {
        var c = (bool[])condition.Data;
        var a = (T[])x.Data;
        var b = (T[])y.Data;
        var layout = new BroadcastLayout(condition.Shape, x.Shape, y.Shape);
        var r = new T[layout.Length];
        if (layout.Length > 0)
        {
            int sc = layout.InnerStride(0), sa = layout.InnerStride(1), sb = layout.InnerStride(2);
            For(layout.Length, context, (start, end) =>
            {
                Span<int> offsets = stackalloc int[3];
                layout.ForEachRun(start, end, offsets, (o, offs, len) =>
                {
                    int ic = offs[0], ia = offs[1], ib = offs[2];
                    for (int i = 0; i < len; i++, ic += sc, ia += sa, ib += sb)
                        r[o + i] = c[ic] ? a[ia] : b[ib];
                });
            });
        }
        return new Tensor(x.Type, layout.OutputShape, r);
    }
}
