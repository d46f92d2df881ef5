namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 2-D convolution of one image and one group: x u8 [C, H, W] with zero point xZero (padding reads xZero, the
/// quantized zero), weights [M, C·kh·kw] packed as <see cref="Int8PackedWeights"/>, output [M, OH, OW] (channel-major,
/// NCHW) through the epilogue as fp32 or requantized u8. Y = Σ (x − xZero)(w − wZero) over each patch.
/// </summary>
public static class Int8Conv
{
    public static void Run(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry geometry, Int8PackedWeights w, Int8Epilogue epilogue,
        Span<float> y, int threads = 1)
    {
        var rows = Im2Row(x, xZero, geometry);
        Int8GemmReference.Multiply(geometry.OutSize, rows, geometry.Depth, xZero, w, Transposed(epilogue), y, geometry.OutSize);
    }

    public static void Run(ReadOnlySpan<byte> x, int xZero, Conv2DGeometry geometry, Int8PackedWeights w, Int8Epilogue epilogue,
        Span<byte> y, int threads = 1)
    {
        var rows = Im2Row(x, xZero, geometry);
        Int8GemmReference.Multiply(geometry.OutSize, rows, geometry.Depth, xZero, w, Transposed(epilogue), y, geometry.OutSize);
    }

    private static Int8Epilogue Transposed(Int8Epilogue e) => new()
    {
        Scales = e.Scales, Bias = e.Bias, Relu = e.Relu, OutputScale = e.OutputScale, OutputZeroPoint = e.OutputZeroPoint, TransposeOutput = true,
    };

    /// <summary>One row of C·kh·kw values (channel, then kernel row, then kernel column) per output position.</summary>
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
}
