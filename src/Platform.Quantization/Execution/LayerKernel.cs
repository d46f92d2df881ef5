using Platform.Quantization.Formats;
using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Operators.Nn;
using Platform.Quantization.Pipeline;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Execution;

/// <summary>
/// What every quantized layer kernel shares: the layer's operator (Conv and FusedConv in 1-D and 2-D with groups,
/// Gemm with transA = 0, MatMul with a constant weight) brought down to C[M, N] = A[M, K]·Wᵀ products on the
/// format's kernel. Convolutions go through im2row into a per-thread buffer, one product per image and group.
/// Subclasses hold the weights, packed once per group when the plan is built.
/// </summary>
internal abstract class LayerKernel : IOperatorKernel
{
    protected LayerKernel(QuantizedLayer layer, int groups)
    {
        Layer = layer;
        Groups = groups;
    }

    public QuantizedLayer Layer { get; }

    protected int Groups { get; }

    /// <summary>Set by the plan builder when the output is carried to int8 consumers as u8 codes with these parameters.</summary>
    public Formats.QuantParams? OutputParams { get; set; }

    /// <summary>The format family, as the plan reports it (int8, int4, binary, xnor, pq, fp16…).</summary>
    public abstract string Kind { get; }

    /// <summary>True when the kernel takes u8 codes (quantized activations), false for fp32 activations.</summary>
    protected abstract bool TakesCodes { get; }

    /// <summary>C[m, N] (row-major, ldc) for group <paramref name="group"/> from fp32 rows, with bias per column and ReLU.</summary>
    protected virtual void MultiplyFloat(int group, int m, ReadOnlySpan<float> a, int lda, Span<float> c, int ldc, ReadOnlySpan<float> bias,
        bool relu, int threads) => throw new NotSupportedException($"{Kind} layer '{Layer.Layer.Name}' takes quantized activations.");

    /// <summary>
    /// The same from u8 codes. When <paramref name="transposed"/> the kernel writes element (m, n) at c[n·ldc + m]
    /// (NCHW output); only kernels with <see cref="WritesTransposed"/> are asked to.
    /// </summary>
    protected virtual void MultiplyCodes(int group, int m, ReadOnlySpan<byte> a, int lda, float aScale, int aZero, Span<float> c, int ldc,
        bool transposed, ReadOnlySpan<float> bias, float alpha, bool relu, int threads) =>
        throw new NotSupportedException($"{Kind} layer '{Layer.Layer.Name}' takes fp32 activations.");

    /// <summary>Requantized u8 output (int8 only).</summary>
    protected virtual void MultiplyCodesToU8(int group, int m, ReadOnlySpan<byte> a, int lda, float aScale, int aZero, Span<byte> c, int ldc,
        bool transposed, ReadOnlySpan<float> bias, float alpha, bool relu, Formats.QuantParams output, int threads) =>
        throw new NotSupportedException($"{Kind} layer '{Layer.Layer.Name}' cannot write u8 activations.");

    /// <summary>A 2-D convolution of one image and group straight from codes (int8 has its own conv); false when not.</summary>
    protected virtual bool TryConvCodes(int group, ReadOnlySpan<byte> image, float aScale, int aZero, Conv2DGeometry geometry,
        Span<float> y, Span<byte> yCodes, ReadOnlySpan<float> bias, bool relu, int threads) => false;

    /// <summary>Conv rows through the fp32-activation product; XNOR overrides it to correct for padding.</summary>
    protected virtual void MultiplyConvRows(int group, int m, ReadOnlySpan<float> rows, int k, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool relu, in Conv2DGeometry geometry, int threads) =>
        MultiplyFloat(group, m, rows, k, c, ldc, bias, relu, threads);

    protected virtual bool WritesTransposed => false;

    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        return node.OpType switch
        {
            "Conv" or "FusedConv" => [Conv(node, x, inputs, context)],
            "Gemm" => [Gemm(node, x, inputs, context)],
            "MatMul" => [MatMul(node, x, context)],
            _ => throw new NotSupportedException($"{node.Describe()}: no quantized kernel for {node.OpType}."),
        };
    }

    private LayerInput Prepare(Tensor x)
    {
        if (TakesCodes) return ActivationCodes.From(x, Layer.Spec, Layer.InputParams, Layer.Layer.Name);
        if (x.Type != DataType.Float) throw new NotSupportedException($"Layer '{Layer.Layer.Name}': the input is {x.Type}; {Kind} layers take float32.");
        return new LayerInput(x.Floats, null, 1f, 0);
    }

    [ThreadStatic] private static float[]? s_rows;
    [ThreadStatic] private static byte[]? s_codeRows;
    [ThreadStatic] private static float[]? s_product;

    private static T[] Buffer<T>(ref T[]? b, long length)
    {
        if (b is null || b.Length < length) b = GC.AllocateUninitializedArray<T>(checked((int)length));
        return b;
    }

    private Tensor Conv(Node node, Tensor x, Tensor?[] inputs, OperatorContext context)
    {
        var ws = Layer.Layer.WeightShape;
        int group = checked((int)node.GetInt("group", 1));
        if (x.Rank != ws.Length || x.Rank is not (3 or 4))
            throw new ShapeMismatchException($"{node.Describe()}: X {TensorShape.Format(x.Shape)} does not fit the 1-D/2-D weight {TensorShape.Format(ws)}.");
        int n = x.Shape[0], c = x.Shape[1], m = ws[0];
        if (group != Groups || c != ws[1] * group)
            throw new ShapeMismatchException($"{node.Describe()}: X has {c} channels and W is {TensorShape.Format(ws)}, which does not fit group={group}.");
        var bias = inputs.Length > 2 ? inputs[2] : null;
        bool relu = false;
        Tensor? z = null;
        if (node.OpType == "FusedConv")
        {
            string activation = node.GetString("activation", "");
            if (activation is not ("" or "Relu")) throw new NotSupportedException($"{node.Describe()}: FusedConv activation '{activation}' is not implemented (only Relu).");
            relu = activation == "Relu";
            z = inputs.Length > 3 ? inputs[3] : null;
        }
        var spatial = x.Shape.AsSpan(2);
        var a = SpatialAttributes.Resolve(node, spatial, ws[2..]);
        var geo = a.Rank == 1
            ? new Conv2DGeometry(c / group, 1, spatial[0], 1, a.Kernel[0], 1, a.Strides[0], 0, a.PadBegin[0], 1, a.Dilations[0], 1, a.Output[0])
            : new Conv2DGeometry(c / group, spatial[0], spatial[1], a.Kernel[0], a.Kernel[1], a.Strides[0], a.Strides[1],
                a.PadBegin[0], a.PadBegin[1], a.Dilations[0], a.Dilations[1], a.Output[0], a.Output[1]);
        var yShape = new int[x.Rank];
        yShape[0] = n;
        yShape[1] = m;
        a.Output.CopyTo(yShape, 2);
        int outSize = geo.OutSize, inSize = geo.InH * geo.InW, cg = geo.Channels, mg = m / group, kg = geo.Depth;
        long total = TensorShape.ElementCount(yShape);
        var input = Prepare(x);
        var biasValues = bias?.Floats;
        bool u8Out = OutputParams is not null && z is null;
        var y = u8Out ? null : GC.AllocateUninitializedArray<float>(checked((int)total));
        var yCodes = u8Out ? GC.AllocateUninitializedArray<byte>(checked((int)total)) : null;
        bool reluInKernel = relu && z is null;

        for (int img = 0; img < n; img++)
            for (int g = 0; g < group; g++)
            {
                long inOffset = ((long)img * c + (long)g * cg) * inSize, outOffset = ((long)img * m + (long)g * mg) * outSize;
                var b = biasValues is null ? default : biasValues.AsSpan(g * mg, mg);
                if (input.Codes is { } codes)
                {
                    var image = codes.AsSpan((int)inOffset, cg * inSize);
                    var ySlice = y is null ? default : y.AsSpan((int)outOffset, mg * outSize);
                    var yCodeSlice = yCodes is null ? default : yCodes.AsSpan((int)outOffset, mg * outSize);
                    if (TryConvCodes(g, image, input.Scale, input.Zero, geo, ySlice, yCodeSlice, b, reluInKernel, context.Threads)) continue;
                    var rows = Buffer(ref s_codeRows, (long)outSize * kg);
                    Im2Row(image, geo, rows, (byte)input.Zero);
                    if (u8Out)
                        MultiplyCodesToU8(g, outSize, rows, kg, input.Scale, input.Zero, yCodeSlice, outSize, true, b, 1f, reluInKernel, OutputParams!.Value, context.Threads);
                    else if (WritesTransposed)
                        MultiplyCodes(g, outSize, rows, kg, input.Scale, input.Zero, ySlice, outSize, true, b, 1f, reluInKernel, context.Threads);
                    else
                    {
                        var product = Buffer(ref s_product, (long)outSize * mg);
                        MultiplyCodes(g, outSize, rows, kg, input.Scale, input.Zero, product, mg, false, b, 1f, reluInKernel, context.Threads);
                        Transposition.Transpose(product, ySlice, outSize, mg);
                    }
                }
                else
                {
                    var image = input.Floats.AsSpan((int)inOffset, cg * inSize);
                    var rows = Buffer(ref s_rows, (long)outSize * kg);
                    Im2Row(image, geo, rows, 0f);
                    var product = Buffer(ref s_product, (long)outSize * mg);
                    MultiplyConvRows(g, outSize, rows, kg, product, mg, b, reluInKernel, geo, context.Threads);
                    Transposition.Transpose(product, y.AsSpan((int)outOffset, mg * outSize), outSize, mg);
                }
            }

        if (u8Out) return new Tensor(DataType.UInt8, yShape, yCodes!);
        if (z is not null)
        {
            if (z.Type != DataType.Float || !z.Shape.SequenceEqual(yShape))
                throw new ShapeMismatchException($"{node.Describe()}: Z is {z.Type}{TensorShape.Format(z.Shape)} but the output is Float{TensorShape.Format(yShape)}.");
            var zs = z.Floats;
            for (int i = 0; i < y!.Length; i++)
            {
                float v = y[i] + zs[i];
                y[i] = relu && v < 0f ? 0f : v;
            }
        }
        return new Tensor(DataType.Float, yShape, y!);
    }

    private Tensor Gemm(Node node, Tensor x, Tensor?[] inputs, OperatorContext context)
    {
        if (node.GetInt("transA", 0) != 0) throw new NotSupportedException($"{node.Describe()}: quantized Gemm takes transA = 0.");
        if (x.Rank != 2) throw new ShapeMismatchException($"{node.Describe()}: A {TensorShape.Format(x.Shape)} must be 2-D.");
        float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
        var cInput = inputs.Length > 2 ? inputs[2] : null;
        if (beta == 0f) cInput = null;
        int m = x.Shape[0];
        int n = Layer.Weight.Channels;
        var vectorBias = GemmBias(cInput, n, beta);
        var y = Product(node, x, m, [m, n], alpha, vectorBias, context);
        if (cInput is not null && vectorBias is null)
        {
            if (y.Type != DataType.Float) throw new InvalidOperationException($"{node.Describe()}: a u8 output needs a per-column bias.");
            AddBroadcast(node, y.Floats, cInput, beta, m, n);
        }
        return y;
    }

    /// <summary>β·C as a per-column bias when C is [N] or [1, N]; null otherwise (added after the product).</summary>
    internal static float[]? GemmBias(Tensor? c, int n, float beta)
    {
        if (c is null) return null;
        bool row = (c.Rank == 1 && c.Shape[0] == n) || (c.Rank == 2 && c.Shape[0] == 1 && c.Shape[1] == n);
        if (!row || c.Type != DataType.Float) return null;
        var b = new float[n];
        var cs = c.Floats;
        for (int i = 0; i < n; i++) b[i] = beta * cs[i];
        return b;
    }

    private Tensor MatMul(Node node, Tensor x, OperatorContext context)
    {
        int k = Layer.Weight.RowLength, n = Layer.Weight.Channels;
        if (x.Rank < 1 || x.Shape[^1] != k)
            throw new ShapeMismatchException($"{node.Describe()}: A {TensorShape.Format(x.Shape)} does not end in K = {k}.");
        int m = checked((int)(x.Length / Math.Max(1, k)));
        if (k == 0) m = (int)TensorShape.ElementCount(x.Shape.AsSpan(0, x.Rank - 1));
        var shape = x.Shape.ToArray();
        shape[^1] = n;
        return Product(node, x, m, shape, 1f, null, context);
    }

    /// <summary>Y[m, N] = alpha·A·Wᵀ + bias (u8 when carried), A being the input viewed as M rows of K.</summary>
    private Tensor Product(Node node, Tensor x, int m, int[] yShape, float alpha, float[]? bias, OperatorContext context)
    {
        int n = Layer.Weight.Channels, k = Layer.Weight.RowLength;
        var input = Prepare(x);
        var b = bias is null ? default : bias.AsSpan();
        if (input.Codes is { } codes)
        {
            if (OutputParams is { } op)
            {
                var yc = GC.AllocateUninitializedArray<byte>(m * n);
                MultiplyCodesToU8(0, m, codes, k, input.Scale, input.Zero, yc, n, false, b, alpha, false, op, context.Threads);
                return new Tensor(DataType.UInt8, yShape, yc);
            }
            var y = GC.AllocateUninitializedArray<float>(m * n);
            MultiplyCodes(0, m, codes, k, input.Scale, input.Zero, y, n, false, b, alpha, false, context.Threads);
            return new Tensor(DataType.Float, yShape, y);
        }
        var yf = GC.AllocateUninitializedArray<float>(m * n);
        if (alpha == 1f) MultiplyFloat(0, m, input.Floats, k, yf, n, b, false, context.Threads);
        else
        {
            MultiplyFloat(0, m, input.Floats, k, yf, n, default, false, context.Threads);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) yf[i * n + j] = alpha * yf[i * n + j] + (bias is null ? 0f : bias[j]);
        }
        return new Tensor(DataType.Float, yShape, yf);
    }

    private static void AddBroadcast(Node node, float[] y, Tensor c, float beta, int m, int n)
    {
        var s = c.Shape;
        if (c.Type != DataType.Float || s.Length > 2 || !TensorShape.Broadcast(s, [m, n]).SequenceEqual(new[] { m, n }))
            throw new ShapeMismatchException($"{node.Describe()}: C {TensorShape.Format(s)} does not broadcast to [{m},{n}].");
        int cm = s.Length == 2 ? s[0] : 1, cn = s.Length >= 1 ? s[^1] : 1;
        var cs = c.Floats;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                y[i * n + j] += beta * cs[(cm == 1 ? 0 : i) * cn + (cn == 1 ? 0 : j)];
    }

    /// <summary>One row of C·kh·kw values (channel, kernel row, kernel column) per output position; padding reads <paramref name="pad"/>.</summary>
    internal static void Im2Row<T>(ReadOnlySpan<T> x, in Conv2DGeometry g, Span<T> rows, T pad)
    {
        int depth = g.Depth;
        for (int oh = 0; oh < g.OutH; oh++)
            for (int ow = 0; ow < g.OutW; ow++)
            {
                var row = rows.Slice((oh * g.OutW + ow) * depth, depth);
                int p = 0;
                for (int c = 0; c < g.Channels; c++)
                {
                    int plane = c * g.InH * g.InW;
                    for (int kh = 0; kh < g.KernelH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        bool rowInside = (uint)ih < (uint)g.InH;
                        int iw = ow * g.StrideW - g.PadLeft;
                        for (int kw = 0; kw < g.KernelW; kw++, p++, iw += g.DilationW)
                            row[p] = rowInside && (uint)iw < (uint)g.InW ? x[plane + ih * g.InW + iw] : pad;
                    }
                }
            }
    }
}
