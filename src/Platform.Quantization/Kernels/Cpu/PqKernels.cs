using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// The two halves of the product-quantization GEMM: the per-row table and the look-ups. Each output is a sum over
/// sub-vectors in the reference's order; table entries are fused multiply-adds on the vector paths, so results agree
/// with <see cref="PqGemmReference"/> to rounding (the scalar path to the bit).
/// <para>
/// Look-ups, best first. Avx512Vbmi: the table row is stored as 4 byte planes (byte p of every entry's float), and
/// vpermi2b looks up 64 codes in 128 entries at once: 2 permutes and a blend on the code's top bit per plane, then
/// byte/word unpacks put the floats back together (in an order that differs from the channels' and is undone when
/// the sums are written). About 34 instructions per 64 look-ups, where an 8-lane vgatherdps per 8 look-ups measured
/// no faster here than scalar loads. Then Avx2 gathers (.NET 10 has no 512-bit gather), then scalar.
/// </para>
/// </summary>
internal static unsafe class PqKernels
{
    /// <summary>Output channels per code block: one plane look-up.</summary>
    public const int Block = 64;

    /// <summary>Bytes per table row in the plane layout: 4 planes × 256 entries.</summary>
    private const int PlaneRowBytes = 1024;

    /// <summary>0: the best path this CPU has; 1: Avx2 gathers; 2: scalar. Set by the bench to compare paths in one run.</summary>
    internal static int ForcePath;

    public static bool UsePlanes => ForcePath == 0 && Avx512Vbmi.IsSupported && Vector512.IsHardwareAccelerated;

    private static bool UseGather => ForcePath != 2 && Avx2.IsSupported;

    /// <summary>Floats a table row takes: 256 (1 KiB of planes) on the plane path, else <paramref name="stride"/>.</summary>
    public static int RowFloats(int stride) => UsePlanes ? PlaneRowBytes / 4 : stride;

    /// <summary>Where the sum at position <paramref name="position"/> of a block's sums belongs: channel offset within the block.</summary>
    public static int ChannelOf(int position) =>
        UsePlanes ? 16 * (position % 16 / 4) + 4 * (position / 16) + position % 4 : position;

    /// <summary>
    /// Table rows j0..j1: T[j][c] = ⟨a[jD, jD+D), codeword c⟩ for every codeword slot c &lt; stride, each row at
    /// <see cref="RowFloats"/>·j floats from <paramref name="table"/>.
    /// </summary>
    // Straight to optimized code: a kernel's first calls (a short benchmark, a one-off layer) otherwise run in
    // tier-0/OSR code, measured 10× slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BuildTable(float* a, int d, float* codebookByElement, int stride, float* table, int j0, int j1)
    {
        bool planes = UsePlanes;
        int rowFloats = RowFloats(stride);
        for (int j = j0; j < j1; j++)
        {
            float* x = a + (long)j * d;
            float* t = table + (long)j * rowFloats;
            int c = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; c + 64 <= stride; c += 64)
                {
                    Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int e = 0; e < d; e++)
                    {
                        var xe = Vector512.Create(x[e]);
                        float* cb = codebookByElement + e * stride + c;
                        s0 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb), s0);
                        s1 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 16), s1);
                        s2 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 32), s2);
                        s3 = Vector512.FusedMultiplyAdd(xe, Vector512.Load(cb + 48), s3);
                    }
                    if (planes)
                    {
                        StorePlanes(s0, (byte*)t, c); StorePlanes(s1, (byte*)t, c + 16); StorePlanes(s2, (byte*)t, c + 32); StorePlanes(s3, (byte*)t, c + 48);
                    }
                    else { s0.Store(t + c); s1.Store(t + c + 16); s2.Store(t + c + 32); s3.Store(t + c + 48); }
                }
                for (; c + 16 <= stride; c += 16)
                {
                    Vector512<float> s0 = default;
                    for (int e = 0; e < d; e++) s0 = Vector512.FusedMultiplyAdd(Vector512.Create(x[e]), Vector512.Load(codebookByElement + e * stride + c), s0);
                    if (planes) StorePlanes(s0, (byte*)t, c);
                    else s0.Store(t + c);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                for (; c + 32 <= stride; c += 32)
                {
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int e = 0; e < d; e++)
                    {
                        var xe = Vector256.Create(x[e]);
                        float* cb = codebookByElement + e * stride + c;
                        s0 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb), s0);
                        s1 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 8), s1);
                        s2 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 16), s2);
                        s3 = Vector256.FusedMultiplyAdd(xe, Vector256.Load(cb + 24), s3);
                    }
                    s0.Store(t + c); s1.Store(t + c + 8); s2.Store(t + c + 16); s3.Store(t + c + 24);
                }
            }
            for (; c < stride; c++)
            {
                float s = 0f;
                for (int e = 0; e < d; e++) s += x[e] * codebookByElement[e * stride + c];
                t[c] = s;
            }
        }
    }

    /// <summary>Entries c..c+15 of a plane row: byte p of each float into plane p (vpmovdb truncates each lane to its low byte).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePlanes(Vector512<float> v, byte* row, int c)
    {
        var u = v.AsUInt32();
        Avx512F.ConvertToVector128Byte(u).Store(row + c);
        Avx512F.ConvertToVector128Byte(u >>> 8).Store(row + 256 + c);
        Avx512F.ConvertToVector128Byte(u >>> 16).Store(row + 512 + c);
        Avx512F.ConvertToVector128Byte(u >>> 24).Store(row + 768 + c);
    }

    /// <summary>
    /// sums (+)= Σ_{j0 ≤ j &lt; j1} T[j][code(64·block + t, j)] for the 64 channels of one code block (<paramref name="codes"/>
    /// at the block's start); adds to <paramref name="sums"/> unless j0 = 0. Position t of the sums holds channel
    /// <see cref="ChannelOf"/>(t).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Lookup(float* table, int stride, byte* codes, float* sums, int j0, int j1)
    {
        if (UsePlanes)
        {
            LookupPlanes((byte*)table, codes, sums, j0, j1);
            return;
        }
        if (UseGather)
        {
            for (int g = 0; g < Block; g += 8)
            {
                var acc = j0 == 0 ? default : Vector256.Load(sums + g);
                for (int j = j0; j < j1; j++)
                    acc += Avx2.GatherVector256(table + (long)j * stride, Avx2.ConvertToVector256Int32(codes + j * Block + g), 4);
                acc.Store(sums + g);
            }
            return;
        }
        if (j0 == 0)
            for (int q = 0; q < Block; q++) sums[q] = 0f;
        for (int j = j0; j < j1; j++)
        {
            float* t = table + (long)j * stride;
            byte* cj = codes + j * Block;
            for (int q = 0; q < Block; q++) sums[q] += t[cj[q]];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LookupPlanes(byte* table, byte* codes, float* sums, int j0, int j1)
    {
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default;
        if (j0 != 0)
        {
            r0 = Vector512.Load(sums); r1 = Vector512.Load(sums + 16); r2 = Vector512.Load(sums + 32); r3 = Vector512.Load(sums + 48);
        }
        var top = Vector512.Create((byte)0x80);
        for (int j = j0; j < j1; j++)
        {
            var index = Vector512.Load(codes + j * Block);
            var upper = Vector512.GreaterThanOrEqual(index, top);
            byte* row = table + (long)j * PlaneRowBytes;
            var p0 = Plane(row, index, upper);
            var p1 = Plane(row + 256, index, upper);
            var p2 = Plane(row + 512, index, upper);
            var p3 = Plane(row + 768, index, upper);
            var low01 = Avx512BW.UnpackLow(p0, p1).AsInt16();
            var high01 = Avx512BW.UnpackHigh(p0, p1).AsInt16();
            var low23 = Avx512BW.UnpackLow(p2, p3).AsInt16();
            var high23 = Avx512BW.UnpackHigh(p2, p3).AsInt16();
            r0 += Avx512BW.UnpackLow(low01, low23).AsSingle();
            r1 += Avx512BW.UnpackHigh(low01, low23).AsSingle();
            r2 += Avx512BW.UnpackLow(high01, high23).AsSingle();
            r3 += Avx512BW.UnpackHigh(high01, high23).AsSingle();
        }
        r0.Store(sums); r1.Store(sums + 16); r2.Store(sums + 32); r3.Store(sums + 48);
    }

    /// <summary>One byte plane of 256 entries looked up by 64 codes: vpermi2b over entries 0–127 and 128–255, picked by the top bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Plane(byte* plane, Vector512<byte> index, Vector512<byte> upper) =>
        Vector512.ConditionalSelect(upper,
            Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(plane + 128), index, Vector512.Load(plane + 192)),
            Avx512Vbmi.PermuteVar64x8x2(Vector512.Load(plane), index, Vector512.Load(plane + 64)));
}
