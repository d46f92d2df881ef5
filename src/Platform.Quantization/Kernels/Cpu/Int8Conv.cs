using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 2-D convolution of one image and one group: x u8 [C, H, W] with zero point xZero (padding reads xZero, the
/// quantized zero), weights [M, C·kh·kw] packed as <see cref="Int8PackedWeights"/>, output [M, OH, OW] (channel-major,
/// NCHW) through the epilogue as fp32 or requantized u8. Y = Σ (x − xZero)(w − wZero) over each patch.
/// Runs as <see cref="Int8Gemm"/> over positions × patch with transposed output; a 1×1, stride-1, unpadded
/// convolution reads x in place as [positions, channels], any other goes through im2row into a reused buffer.
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
            else Int8Gemm.Run(geometry.OutSize, Im2Row(px, xZero, geometry), geometry.Depth, 1, xZero, w, e, py, geometry.OutSize, threads);
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
            else Int8Gemm.Run(geometry.OutSize, Im2Row(px, xZero, geometry), geometry.Depth, 1, xZero, w, e, py, geometry.OutSize, threads);
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

    [ThreadStatic] private static byte[]? s_rows;

    /// <summary>Im2row into the calling thread's reused buffer: whole rows of the kernel window copied at once where they lie inside the image.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte* Im2Row(byte* x, int xZero, Conv2DGeometry g)
    {
        long length = (long)g.OutSize * g.Depth;
        if (s_rows is null || s_rows.Length < length) s_rows = GC.AllocateUninitializedArray<byte>((int)Math.Max(length, 64), pinned: true);
        byte* rows = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_rows));
        byte zero = (byte)xZero;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                byte* r = rows + (long)(oh * g.OutW + ow) * g.Depth;
                int ih0 = oh * g.StrideH - g.PadTop, iw0 = ow * g.StrideW - g.PadLeft;
                bool inside = ih0 >= 0 && iw0 >= 0 && ih0 + (g.KernelH - 1) * g.DilationH < g.InH && iw0 + (g.KernelW - 1) * g.DilationW < g.InW;
                for (int c = 0; c < g.Channels; c++)
                {
                    byte* plane = x + (long)c * g.InH * g.InW;
                    for (int kh = 0; kh < g.KernelH; kh++)
                    {
                        int ih = ih0 + kh * g.DilationH;
                        if (inside && g.DilationW == 1)
                        {
                            Unsafe.CopyBlockUnaligned(r, plane + ih * g.InW + iw0, (uint)g.KernelW);
                            r += g.KernelW;
                            continue;
                        }
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            int iw = iw0 + kw * g.DilationW;
                            *r++ = (uint)ih < (uint)g.InH && (uint)iw < (uint)g.InW ? plane[ih * g.InW + iw] : zero;
                        }
                    }
                }
            }
        return rows;
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
