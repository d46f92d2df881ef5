using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// Micro-kernels: an MR×NR (8×32) tile of C from a packed A panel (kc×8) and a packed B panel (kc×32).
/// C = alpha·acc + beta·C (beta 0: C is not read), then + rowBias[i] + colBias[j], then max(0, ·) when relu.
/// </summary>
internal static unsafe class SgemmKernels
{
    public static void Tile(int kc, float* a, float* b, float* c, long ldc, float alpha, float beta, float* rowBias, float* colBias, bool relu)
    {
        if (Vector512.IsHardwareAccelerated) Tile512(kc, a, b, c, ldc, alpha, beta, rowBias, colBias, relu);
        else if (Vector256.IsHardwareAccelerated) Tile256(kc, a, b, c, ldc, alpha, beta, rowBias, colBias, relu);
        else TileScalar(kc, a, b, c, ldc, alpha, beta, rowBias, colBias, relu);
    }

    // 16 accumulators + 2 B vectors + 1 broadcast fit AVX-512's 32 registers; two FMA pipes with
    // 4-cycle latency need at least 8 independent chains.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile512(int kc, float* a, float* b, float* c, long ldc, float alpha, float beta, float* rowBias, float* colBias, bool relu)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            a += 8;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        var vb = Vector512.Create(beta);
        Vector512<float> cb0 = colBias == null ? default : Vector512.Load(colBias);
        Vector512<float> cb1 = colBias == null ? default : Vector512.Load(colBias + 16);
        Store512(c, c00, c01, va, vb, alpha, beta, rowBias, 0, cb0, cb1, relu); c += ldc;
        Store512(c, c10, c11, va, vb, alpha, beta, rowBias, 1, cb0, cb1, relu); c += ldc;
        Store512(c, c20, c21, va, vb, alpha, beta, rowBias, 2, cb0, cb1, relu); c += ldc;
        Store512(c, c30, c31, va, vb, alpha, beta, rowBias, 3, cb0, cb1, relu); c += ldc;
        Store512(c, c40, c41, va, vb, alpha, beta, rowBias, 4, cb0, cb1, relu); c += ldc;
        Store512(c, c50, c51, va, vb, alpha, beta, rowBias, 5, cb0, cb1, relu); c += ldc;
        Store512(c, c60, c61, va, vb, alpha, beta, rowBias, 6, cb0, cb1, relu); c += ldc;
        Store512(c, c70, c71, va, vb, alpha, beta, rowBias, 7, cb0, cb1, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, Vector512<float> va, Vector512<float> vb,
        float alpha, float beta, float* rowBias, int row, Vector512<float> cb0, Vector512<float> cb1, bool relu)
    {
        if (alpha != 1f) { v0 *= va; v1 *= va; }
        if (beta != 0f)
        {
            v0 = Vector512.FusedMultiplyAdd(vb, Vector512.Load(c), v0);
            v1 = Vector512.FusedMultiplyAdd(vb, Vector512.Load(c + 16), v1);
        }
        if (rowBias != null) { var r = Vector512.Create(rowBias[row]); v0 += r; v1 += r; }
        v0 += cb0;
        v1 += cb1;
        if (relu) { v0 = Vector512.Max(v0, Vector512<float>.Zero); v1 = Vector512.Max(v1, Vector512<float>.Zero); }
        Vector512.Store(v0, c);
        Vector512.Store(v1, c + 16);
    }

    /// <summary>The AVX2 path: four column strips of 8, 8 accumulators each (16 ymm registers only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile256(int kc, float* a, float* b, float* c, long ldc, float alpha, float beta, float* rowBias, float* colBias, bool relu)
    {
        var va = Vector256.Create(alpha);
        var vb = Vector256.Create(beta);
        for (int s = 0; s < Sgemm.NR; s += 8)
        {
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            float* pa = a, pb = b + s;
            for (int k = 0; k < kc; k++)
            {
                var bv = Vector256.Load(pb);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[0]), bv, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[1]), bv, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[2]), bv, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[3]), bv, c3);
                c4 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[4]), bv, c4);
                c5 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[5]), bv, c5);
                c6 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[6]), bv, c6);
                c7 = Vector256.FusedMultiplyAdd(Vector256.Create(pa[7]), bv, c7);
                pa += 8;
                pb += 32;
            }
            var cb = colBias == null ? default : Vector256.Load(colBias + s);
            float* pc = c + s;
            Store256(pc, c0, va, vb, alpha, beta, rowBias, 0, cb, relu); pc += ldc;
            Store256(pc, c1, va, vb, alpha, beta, rowBias, 1, cb, relu); pc += ldc;
            Store256(pc, c2, va, vb, alpha, beta, rowBias, 2, cb, relu); pc += ldc;
            Store256(pc, c3, va, vb, alpha, beta, rowBias, 3, cb, relu); pc += ldc;
            Store256(pc, c4, va, vb, alpha, beta, rowBias, 4, cb, relu); pc += ldc;
            Store256(pc, c5, va, vb, alpha, beta, rowBias, 5, cb, relu); pc += ldc;
            Store256(pc, c6, va, vb, alpha, beta, rowBias, 6, cb, relu); pc += ldc;
            Store256(pc, c7, va, vb, alpha, beta, rowBias, 7, cb, relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(float* c, Vector256<float> v, Vector256<float> va, Vector256<float> vb,
        float alpha, float beta, float* rowBias, int row, Vector256<float> cb, bool relu)
    {
        if (alpha != 1f) v *= va;
        if (beta != 0f) v = Vector256.FusedMultiplyAdd(vb, Vector256.Load(c), v);
        if (rowBias != null) v += Vector256.Create(rowBias[row]);
        v += cb;
        if (relu) v = Vector256.Max(v, Vector256<float>.Zero);
        Vector256.Store(v, c);
    }

    public static void TileScalar(int kc, float* a, float* b, float* c, long ldc, float alpha, float beta, float* rowBias, float* colBias, bool relu)
    {
        const int mr = Sgemm.MR, nr = Sgemm.NR;
        float* acc = stackalloc float[mr * nr];
        new Span<float>(acc, mr * nr).Clear();
        for (int k = 0; k < kc; k++)
            for (int i = 0; i < mr; i++)
            {
                float x = a[k * mr + i];
                for (int j = 0; j < nr; j++) acc[i * nr + j] += x * b[k * nr + j];
            }
        for (int i = 0; i < mr; i++)
            for (int j = 0; j < nr; j++)
            {
                float v = alpha * acc[i * nr + j];
                if (beta != 0f) v += beta * c[i * ldc + j];
                if (rowBias != null) v += rowBias[i];
                if (colBias != null) v += colBias[j];
                if (relu) v = Math.Max(v, 0f);
                c[i * ldc + j] = v;
            }
    }
}
