using Platform.Quantization.Graph;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>
/// ConvTranspose on float32, any number of spatial dims: per image and group, columns = Wᵀ·X by GEMM,
/// then col2im scatters them into the output. Pads follow the ONNX text: explicit pads, or derived from
/// output_shape / auto_pad (SAME_UPPER puts the odd padding at the end).
/// </summary>
[OnnxOperator("ConvTranspose")]
internal sealed class ConvTransposeOperator : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        var w = (inputs.Length > 1 ? inputs[1] : null) ?? throw new ArgumentException($"{node.Describe()}: input W is missing.");
        var bias = inputs.Length > 2 ? inputs[2] : null;
        if (x.Type != DataType.Float || w.Type != DataType.Float || bias is { Type: not DataType.Float })
            throw new NotSupportedException($"{node.Describe()}: only float32 ConvTranspose is implemented (X is {x.Type}, W is {w.Type}).");
        if (x.Rank < 3 || w.Rank != x.Rank)
            throw new ShapeMismatchException($"{node.Describe()}: X {TensorShape.Format(x.Shape)} and W {TensorShape.Format(w.Shape)} must both be [N, C, spatial...].");
        int group = checked((int)node.GetInt("group", 1));
        int n = x.Shape[0], c = x.Shape[1], r = x.Rank - 2;
        if (group <= 0 || w.Shape[0] != c || c % group != 0)
            throw new ShapeMismatchException($"{node.Describe()}: X has {c} channels but W is {TensorShape.Format(w.Shape)} (group={group}).");
        int mg = w.Shape[1], m = mg * group, cg = c / group;
        if (bias is not null && bias.Length != m)
            throw new ShapeMismatchException($"{node.Describe()}: B has {bias.Length} values but the output has {m} channels.");

        var input = x.Shape[2..];
        var kernel = node.GetInts("kernel_shape") is { Length: > 0 } ks ? SpatialAttributes.ToInts(ks) : w.Shape[2..];
        var s = SpatialAttributes.Dims(node, "strides", r, 1);
        var d = SpatialAttributes.Dims(node, "dilations", r, 1);
        var outPad = SpatialAttributes.Dims(node, "output_padding", r, 0);
        var pb = new int[r];
        var pe = new int[r];
        var output = new int[r];
        var pads = node.GetInts("pads");
        var outputShape = node.GetInts("output_shape");
        string autoPad = node.GetString("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++)
        {
            int eff = (kernel[i] - 1) * d[i] + 1;
            int full = s[i] * (input[i] - 1) + outPad[i] + eff;
            if (outputShape is { Length: > 0 } || autoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                output[i] = outputShape is { Length: > 0 } ? (int)outputShape[outputShape.Length - r + i] : input[i] * s[i];
                int total = full - output[i];
                // Floor division: a negative total (output_shape past the natural size) grows the end, as ONNX's reference does.
                int half = (int)Math.Floor(total / 2.0);
                if (autoPad == "SAME_UPPER") { pb[i] = half; pe[i] = total - half; }
                else { pe[i] = half; pb[i] = total - half; }
            }
            else
            {
                if (pads is { Length: > 0 })
                {
                    if (pads.Length != 2 * r) throw new ShapeMismatchException($"{node.Describe()}: pads has {pads.Length} values, {2 * r} needed.");
                    pb[i] = (int)pads[i];
                    pe[i] = (int)pads[i + r];
                }
                output[i] = full - pb[i] - pe[i];
            }
            if (output[i] < 0) throw new ShapeMismatchException($"{node.Describe()}: output dim {i} would be {output[i]}.");
        }

        var yShape = new int[x.Rank];
        yShape[0] = n;
        yShape[1] = m;
        output.CopyTo(yShape, 2);
        var y = Tensor.Zeros(DataType.Float, yShape);
        if (y.Length == 0) return [y];
        int inSize = (int)TensorShape.ElementCount(input), outSize = (int)TensorShape.ElementCount(output);
        int kprod = (int)TensorShape.ElementCount(kernel);
        int rows = mg * kprod;
        var col = new float[(long)rows * inSize];
        var xs = x.Floats;
        var ws = w.Floats;
        var ys = y.Floats;
        var outStrides = TensorShape.Strides(output);
        for (int img = 0; img < n; img++)
            for (int g = 0; g < group; g++)
            {
                // W_g is [cg, mg·∏k] row-major; columns [mg·∏k, inSize] = W_gᵀ · X_g.
                Sgemm.Multiply(true, false, rows, inSize, cg, 1f, ws.AsSpan(g * cg * rows, cg * rows), Math.Max(1, rows),
                    xs.AsSpan((img * c + g * cg) * inSize, cg * inSize), Math.Max(1, inSize), 0f, col, Math.Max(1, inSize), context.Threads);
                var outBase = ((long)img * m + (long)g * mg) * outSize;
                Col2Im(col, ys, outBase, mg, kernel, input, output, outStrides, s, d, pb, kprod, inSize, outSize);
            }
        if (bias is not null)
        {
            var bs = bias.Floats;
            for (int img = 0; img < n; img++)
                for (int ch = 0; ch < m; ch++)
                {
                    var span = ys.AsSpan((img * m + ch) * outSize, outSize);
                    float v = bs[ch];
                    for (int i = 0; i < span.Length; i++) span[i] += v;
                }
        }
        return [y];
    }

    private static void Col2Im(float[] col, float[] y, long outBase, int channels, int[] kernel, int[] input, int[] output, int[] outStrides,
        int[] s, int[] d, int[] padBegin, int kprod, int inSize, int outSize)
    {
        int r = kernel.Length;
        Span<int> k = stackalloc int[r];
        Span<int> p = stackalloc int[r];
        for (int ch = 0; ch < channels; ch++)
        {
            k.Clear();
            for (int kk = 0; kk < kprod; kk++)
            {
                var src = col.AsSpan((ch * kprod + kk) * inSize, inSize);
                long dstBase = outBase + (long)ch * outSize;
                p.Clear();
                for (int i = 0; i < inSize; i++)
                {
                    long off = 0;
                    bool inside = true;
                    for (int q = 0; q < r; q++)
                    {
                        int pos = p[q] * s[q] - padBegin[q] + k[q] * d[q];
                        if ((uint)pos >= (uint)output[q]) { inside = false; break; }
                        off += (long)pos * outStrides[q];
                    }
                    if (inside) y[dstBase + off] += src[i];
                    for (int q = r - 1; q >= 0; q--) { if (++p[q] < input[q]) break; p[q] = 0; }
                }
                for (int q = r - 1; q >= 0; q--) { if (++k[q] < kernel[q]) break; k[q] = 0; }
            }
        }
    }
}
