using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>
/// ONNX Conv (opsets 1–22) on float32. 1-D and 2-D run as GEMM against weights packed once per
/// tensor, with im2col fused into the activation packing; 3-D and up build an explicit column buffer.
/// Also ONNX Runtime's com.microsoft.FusedConv: activation(conv(X, W) + B + Z) with activation Relu,
/// done in the GEMM's epilogue so a fused Conv→Add→Relu writes its output once.
/// </summary>
[OnnxOperator("Conv")]
[OnnxOperator("FusedConv", Domain = "com.microsoft")]
internal sealed unsafe class ConvOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        var w = inputs.Length > 1 ? inputs[1] : null;
        if (w is null) throw new ArgumentException($"{node.Describe()}: input W is missing.");
        var bias = inputs.Length > 2 ? inputs[2] : null;
        if (x.Type != DataType.Float || w.Type != DataType.Float || bias is { Type: not DataType.Float })
            throw new NotSupportedException($"{node.Describe()}: only float32 Conv is implemented (X is {x.Type}, W is {w.Type}).");
        if (x.Rank < 3) throw new ShapeMismatchException($"{node.Describe()}: X must be [N, C, spatial...], got {TensorShape.Format(x.Shape)}.");
        if (w.Rank != x.Rank) throw new ShapeMismatchException($"{node.Describe()}: W {TensorShape.Format(w.Shape)} and X {TensorShape.Format(x.Shape)} differ in rank.");

        int group = checked((int)node.GetInt("group", 1));
        int n = x.Shape[0], c = x.Shape[1], m = w.Shape[0];
        if (group <= 0 || c % group != 0 || m % group != 0 || w.Shape[1] * group != c)
            throw new ShapeMismatchException($"{node.Describe()}: X has {c} channels and W is {TensorShape.Format(w.Shape)}, which does not fit group={group}.");
        if (bias is not null && bias.Length != m)
            throw new ShapeMismatchException($"{node.Describe()}: B has {bias.Length} values but W has {m} output channels.");

        bool relu = false;
        Tensor? z = null;
        if (node.OpType == "FusedConv")
        {
            string activation = node.GetString("activation", "");
            if (activation is not ("" or "Relu"))
                throw new NotSupportedException($"{node.Describe()}: FusedConv activation '{activation}' is not implemented (only Relu).");
            relu = activation == "Relu";
            z = inputs.Length > 3 ? inputs[3] : null;
        }

        var spatial = x.Shape.AsSpan(2);
        var a = SpatialAttributes.Resolve(node, spatial, w.Shape[2..]);
        for (int i = 0; i < a.Rank; i++)
            if (a.Kernel[i] != w.Shape[2 + i])
                throw new ShapeMismatchException($"{node.Describe()}: kernel_shape [{string.Join(',', a.Kernel)}] disagrees with W {TensorShape.Format(w.Shape)}.");

        var yShape = new int[x.Rank];
        yShape[0] = n;
        yShape[1] = m;
        a.Output.CopyTo(yShape, 2);
        // Every element is written by the GEMM (or its K = 0 path), so the buffer needs no clearing.
        var y = new Tensor(DataType.Float, yShape, GC.AllocateUninitializedArray<float>(checked((int)TensorShape.ElementCount(yShape))));
        int outSize = (int)TensorShape.ElementCount(a.Output);
        int inSize = (int)TensorShape.ElementCount(spatial);
        if (y.Length == 0) return [y];
        if (z is not null)
        {
            if (z.Type != DataType.Float || !z.Shape.SequenceEqual(yShape))
                throw new ShapeMismatchException($"{node.Describe()}: Z is {z.Type}{TensorShape.Format(z.Shape)} but the output is Float{TensorShape.Format(yShape)}.");
            z.Floats.CopyTo(y.Floats, 0);
        }

        int cg = c / group, mg = m / group;
        int kg = cg * (int)TensorShape.ElementCount(a.Kernel);
        // Output positions go on the 32-wide side normally; when few (deep layers: 7×7, 14×14) they waste less
        // of the 8-row side, so the product is done transposed there.
        bool transposed = a.Rank <= 2 && Utilisation(outSize, 8) * Utilisation(mg, Sgemm.NR) > 1.05 * Utilisation(outSize, Sgemm.NR) * Utilisation(mg, 8);
        var packs = transposed ? PackedWeightCache.ConvWeightsTransposed(w, group) : PackedWeightCache.ConvWeights(w, group);
        Conv2DGeometry? geometry = a.Rank switch
        {
            1 => new Conv2DGeometry(cg, 1, spatial[0], 1, a.Kernel[0], 1, a.Strides[0], 0, a.PadBegin[0], 1, a.Dilations[0], 1, a.Output[0]),
            2 => new Conv2DGeometry(cg, spatial[0], spatial[1], a.Kernel[0], a.Kernel[1], a.Strides[0], a.Strides[1],
                a.PadBegin[0], a.PadBegin[1], a.Dilations[0], a.Dilations[1], a.Output[0], a.Output[1]),
            _ => null,
        };
        bool pointwise = a.Kernel.All(k => k == 1) && a.Strides.All(s => s == 1) && a.PadBegin.All(p => p == 0) && a.PadEnd.All(p => p == 0);
        float[]? columns = geometry is null && !pointwise ? new float[(long)kg * outSize] : null;

        fixed (float* px = x.Floats, py = y.Floats, pcol = columns)
        fixed (float* pb = bias is null ? null : bias.Floats)
        {
            for (int img = 0; img < n; img++)
                for (int g = 0; g < group; g++)
                {
                    float* image = px + ((long)img * c + (long)g * cg) * inSize;
                    float* output = py + ((long)img * m + (long)g * mg) * outSize;
                    if (transposed)
                    {
                        RunTransposed(image, geometry!.Value, packs[g], output, z is not null, pb == null ? null : pb + g * mg, relu, mg, outSize, kg, context.Threads);
                        continue;
                    }
                    PanelSource source;
                    if (pointwise) source = new StridedPanelSource(image, 1, inSize);
                    else if (geometry is { } geo) source = new PaddedIm2ColPanelSource(PaddedImage(image, geo), geo);
                    else
                    {
                        Im2ColND(image, cg, spatial, a, pcol, outSize);
                        source = new StridedPanelSource(pcol, 1, outSize);
                    }
                    Sgemm.Run(new PackedPanelSource(packs[g]), source, mg, outSize, kg, 1f, z is null ? 0f : 1f, output, outSize,
                        pb == null ? null : pb + g * mg, null, relu, context.Threads);
                }
        }
        return [y];
    }

    private static double Utilisation(int n, int tile) => n == 0 ? 1 : n / (double)((n + tile - 1) / tile * tile);

    [ThreadStatic] private static float[]? s_transposed;
    [ThreadStatic] private static float[]? s_padded;

    /// <summary>Yᵀ[outSize, mg] = columnsᵀ·Wᵀ (+ Zᵀ), bias per column, then transposed into Y.</summary>
    private static void RunTransposed(float* image, Conv2DGeometry geo, PackedMatrix wt, float* output, bool residual, float* bias, bool relu,
        int mg, int outSize, int kg, int threads)
    {
        int len = mg * outSize;
        if (s_transposed is null || s_transposed.Length < len) s_transposed = GC.AllocateUninitializedArray<float>(len, pinned: true);
        float* padded = PaddedImage(image, geo);
        fixed (float* t = s_transposed)
        {
            if (residual) Transposition.Transpose(new ReadOnlySpan<float>(output, len), new Span<float>(t, len), mg, outSize);
            Sgemm.Run(new PaddedIm2ColPanelSource(padded, geo), new PackedPanelSource(wt), outSize, mg, kg, 1f, residual ? 1f : 0f, t, mg,
                null, bias, relu, threads);
            Transposition.Transpose(new ReadOnlySpan<float>(t, len), new Span<float>(output, len), outSize, mg);
        }
    }

    /// <summary>The image with its padding written out, in a pinned per-thread buffer valid until the next call.</summary>
    private static float* PaddedImage(float* image, in Conv2DGeometry geo)
    {
        // Nothing to pad (1×1 and unpadded kernels): the image is its own padded copy.
        if (PaddedIm2ColPanelSource.PaddedHeight(geo) == geo.InH && PaddedIm2ColPanelSource.PaddedWidth(geo) == geo.InW) return image;
        int length = checked((int)PaddedIm2ColPanelSource.PaddedLength(geo));
        if (s_padded is null || s_padded.Length < length) s_padded = GC.AllocateUninitializedArray<float>(length, pinned: true);
        float* padded = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(s_padded));
        PaddedIm2ColPanelSource.PadImage(image, geo, padded);
        return padded;
    }

    /// <summary>Column buffer [cg·∏k, ∏out] for any number of spatial dims.</summary>
    private static void Im2ColND(float* image, int channels, ReadOnlySpan<int> input, SpatialAttributes a, float* col, int outSize)
    {
        int r = a.Rank;
        int kprod = (int)TensorShape.ElementCount(a.Kernel);
        var inStrides = TensorShape.Strides(input);
        int inSize = (int)TensorShape.ElementCount(input);
        Span<int> kIdx = stackalloc int[r];
        Span<int> oIdx = stackalloc int[r];
        for (int ch = 0; ch < channels; ch++)
            for (int kk = 0; kk < kprod; kk++)
            {
                for (int i = r - 1, rem = kk; i >= 0; i--) { kIdx[i] = rem % a.Kernel[i]; rem /= a.Kernel[i]; }
                float* dst = col + ((long)ch * kprod + kk) * outSize;
                float* plane = image + (long)ch * inSize;
                oIdx.Clear();
                for (int o = 0; o < outSize; o++)
                {
                    long offset = 0;
                    bool inside = true;
                    for (int i = 0; i < r; i++)
                    {
                        int pos = oIdx[i] * a.Strides[i] - a.PadBegin[i] + kIdx[i] * a.Dilations[i];
                        if ((uint)pos >= (uint)input[i]) { inside = false; break; }
                        offset += (long)pos * inStrides[i];
                    }
                    dst[o] = inside ? plane[offset] : 0f;
                    for (int i = r - 1; i >= 0; i--)
                    {
                        if (++oIdx[i] < a.Output[i]) break;
                        oIdx[i] = 0;
                    }
                }
            }
    }
}
