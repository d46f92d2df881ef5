using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 2-D convolution of one image and one group: x u8 [C, H, W] with zero point xZero (padding reads xZero, the
/// quantized zero), weights [M, C·kh·kw] packed as <see cref="Int8PackedWeights"/>, output [M, OH, OW] (channel-major,
/// NCHW) through the epilogue as fp32 or requantized u8. Y = Σ (x − xZero)(w − wZero) over each patch.
/// Runs as <see cref="Int8Gemm"/> over positions × patch with transposed output; a 1×1, stride-1, unpadded
/// convolution reads x in place (transposed: [channels, positions]), any other goes through im2col into a reused buffer.
/// </summary>
public static unsafe class Int8Conv
{
    public static void Run(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry geometry, Int8PackedWeights w, Int8Epilogue epilogue,
        Span<float> y, int threads = 1)
    {
        Check(x.Length, geometry, w, epilogue, y.Length);
        var e = Transposed(epilogue);
        if (geometry.OutSize == 0 || w.Columns == 0) return;
        fixed (byte* px = x)
        fixed (float* py = y)
        {
            if (IsPointwise(geometry)) Int8Gemm.Run(geometry.OutSize, px, 1, geometry.OutSize, xZero, w, e, py, geometry.OutSize, threads);
            else Int8Gemm.Run(geometry.OutSize, Im2Col(px, xZero, geometry), 1, geometry.OutSize, xZero, w, e, py, geometry.OutSize, threads);
        }
    }

    public static void Run(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry geometry, Int8PackedWeights w, Int8Epilogue epilogue,
        Span<byte> y, int threads = 1)
    {
        Check(x.Length, geometry, w, epilogue, y.Length);
        var e = Transposed(epilogue);
        if (geometry.OutSize == 0 || w.Columns == 0) return;
        fixed (byte* px = x)
        fixed (byte* py = y)
        {
            if (IsPointwise(geometry)) Int8Gemm.Run(geometry.OutSize, px, 1, geometry.OutSize, xZero, w, e, py, geometry.OutSize, threads);
            else Int8Gemm.Run(geometry.OutSize, Im2Col(px, xZero, geometry), 1, geometry.OutSize, xZero, w, e, py, geometry.OutSize, threads);
        }
    }

    private static bool IsPointwise(Conv2DGeometry g) =>
        g.KernelH == 1 && g.KernelW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0
        && g.OutH == g.InH && g.OutW == g.InW;

    private static void Check(int xLength, Conv2DGeometry g, Int8PackedWeights w, Int8Epilogue e, int yLength)
    {
        ArgumentNullException.ThrowIfNull(w);
        Int8Gemm.CheckEpilogue(e, w);
        if (g.Channels < 0 || g.InH < 0 || g.InW < 0 || g.KernelH < 1 || g.KernelW < 1 || g.StrideH < 1 || g.StrideW < 1
            || g.DilationH < 1 || g.DilationW < 1 || g.OutH < 0 || g.OutW < 0)
            throw new ArgumentException($"int8 convolution: invalid geometry {g}.");
        if (w.Depth != g.Depth)
            throw new ArgumentException($"int8 convolution: the weights hold {w.Depth} values per channel but {g.Channels}×{g.KernelH}×{g.KernelW} = {g.Depth} are needed; pack them as [M, C·kh·kw] for one group.");
        long need = (long)g.Channels * g.InH * g.InW;
        if (xLength < need) throw new ArgumentException($"int8 convolution: x holds {xLength} values but [{g.Channels}, {g.InH}, {g.InW}] needs {need}.");
        long outNeed = (long)w.Columns * g.OutSize;
        if (yLength < outNeed) throw new ArgumentException($"int8 convolution: y holds {yLength} values but [{w.Columns}, {g.OutH}, {g.OutW}] needs {outNeed}.");
    }

    private static Int8Epilogue Transposed(Int8Epilogue e) => new()
    {
        Scales = e.Scales, Bias = e.Bias, Relu = e.Relu, OutputScale = e.OutputScale, OutputZeroPoint = e.OutputZeroPoint, TransposeOutput = true,
    };

    [ThreadStatic] private static byte[]? s_columns;

    /// <summary>
    /// Im2col as [C·kh·kw, positions] into the calling thread's reused buffer: with stride 1 each output row is one
    /// copy plus padding fills, and the GEMM packs the result the way it reads a 1×1 convolution's input in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte* Im2Col(byte* x, int xZero, Conv2DGeometry g)
    {
        long length = (long)g.OutSize * g.Depth;
        if (s_columns is null || s_columns.Length < length) s_columns = GC.AllocateUninitializedArray<byte>((int)Math.Max(length, 64), pinned: true);
        byte* cols = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_columns));
        byte zero = (byte)xZero;
        byte* row = cols;
        for (int c = 0; c < g.Channels; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
                for (int kw = 0; kw < g.KernelW; kw++, row += g.OutSize)
                {
                    int off = kw * g.DilationW - g.PadLeft;
                    // Output columns whose input column off + ow·stride lies inside the image: [lo, hi).
                    int lo = Math.Clamp(off >= 0 ? 0 : (-off + g.StrideW - 1) / g.StrideW, 0, g.OutW);
                    int hi = Math.Clamp(g.InW - off <= 0 ? 0 : (g.InW - off + g.StrideW - 1) / g.StrideW, lo, g.OutW);
                    for (int oh = 0; oh < g.OutH; oh++)
                    {
                        byte* o = row + oh * g.OutW;
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        if ((uint)ih >= (uint)g.InH)
                        {
                            new Span<byte>(o, g.OutW).Fill(zero);
                            continue;
                        }
                        byte* src = x + ((long)c * g.InH + ih) * g.InW + off;
                        if (lo > 0) new Span<byte>(o, lo).Fill(zero);
                        if (g.StrideW == 1) Unsafe.CopyBlockUnaligned(o + lo, src + lo, (uint)(hi - lo));
                        else
                            for (int ow = lo; ow < hi; ow++) o[ow] = src[ow * g.StrideW];
                        if (hi < g.OutW) new Span<byte>(o + hi, g.OutW - hi).Fill(zero);
                    }
                }
        return cols;
    }

    /// <summary>The reference im2row: one row of C·kh·kw values (channel, then kernel row, then kernel column) per output position.</summary>
    internal static byte[] Im2Row(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry g)
    {
        var rows = new byte[g.OutSize * g.Depth];
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                int r = (oh * g.OutW + ow) * g.Depth, p = 0;
                for (int c = 0; c < g.Channels; c++)
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++, p++)
                        {
                            int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH, iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            rows[r + p] = (uint)ih < (uint)g.InH && (uint)iw < (uint)g.InW ? x[(c * g.InH + ih) * g.InW + iw] : (byte)xZero;
                        }
            }
        return rows;
    }

    /// <summary>The scalar definition <see cref="Run(ReadOnlySpan{byte}, int, Conv2DGeometry, Int8PackedWeights, Int8Epilogue, Span{float}, int)"/> is tested against.</summary>
    internal static void Reference(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry g, Int8PackedWeights w, Int8Epilogue e, Span<float> y) =>
        Int8GemmReference.Multiply(g.OutSize, Im2Row(x, xZero, g), g.Depth, xZero, w, Transposed(e), y, g.OutSize);

    internal static void Reference(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry g, Int8PackedWeights w, Int8Epilogue e, Span<byte> y) =>
        Int8GemmReference.Multiply(g.OutSize, Im2Row(x, xZero, g), g.Depth, xZero, w, Transposed(e), y, g.OutSize);
}
