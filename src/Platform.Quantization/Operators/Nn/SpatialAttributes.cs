using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Nn;

/// <summary>Kernel/stride/dilation/pad attributes of Conv and the pools, resolved against an input shape.</summary>
internal sealed class SpatialAttributes
{
    public required int[] Kernel { get; init; }
    public required int[] Strides { get; init; }
    public required int[] Dilations { get; init; }
    public required int[] PadBegin { get; init; }
    public required int[] PadEnd { get; init; }
    public required int[] Output { get; init; }

    public int Rank => Kernel.Length;

    /// <summary>
    /// Resolves the attributes for spatial input sizes <paramref name="input"/>. <paramref name="kernel"/> comes from the
    /// weight shape (Conv) when the node has no kernel_shape. ceil_mode follows the pools' rule: a last
    /// window that would start in the end padding is dropped.
    /// </summary>
    public static SpatialAttributes Resolve(Node node, ReadOnlySpan<int> input, int[]? kernel, bool ceilMode = false)
    {
        int r = input.Length;
        var k = node.GetInts("kernel_shape") is { Length: > 0 } ks ? ToInts(ks) : kernel
            ?? throw new ArgumentException($"{node.Describe()} has no kernel_shape.");
        if (k.Length != r)
            throw new ShapeMismatchException($"{node.Describe()}: kernel_shape has {k.Length} dims but the input has {r} spatial dims ({TensorShape.Format(input)}).");
        var s = Dims(node, "strides", r, 1);
        var d = Dims(node, "dilations", r, 1);
        var pads = node.GetInts("pads");
        if (pads is { Length: > 0 } && pads.Length != 2 * r)
            throw new ShapeMismatchException($"{node.Describe()}: pads has {pads.Length} values but {2 * r} are needed for {r} spatial dims.");
        var pb = new int[r];
        var pe = new int[r];
        var o = new int[r];
        string autoPad = node.GetString("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++)
        {
            if (s[i] <= 0 || d[i] <= 0 || k[i] <= 0)
                throw new ArgumentException($"{node.Describe()}: kernel_shape, strides and dilations must be positive.");
            int eff = (k[i] - 1) * d[i] + 1;
            switch (autoPad)
            {
                case "SAME_UPPER" or "SAME_LOWER":
                    {
                        o[i] = (input[i] + s[i] - 1) / s[i];
                        int total = Math.Max(0, (o[i] - 1) * s[i] + eff - input[i]);
                        pb[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
                        pe[i] = total - pb[i];
                        break;
                    }
                case "VALID":
                    o[i] = input[i] >= eff ? (input[i] - eff) / s[i] + 1 : 0;
                    break;
                case "NOTSET" or "":
                    {
                        if (pads is { Length: > 0 }) { pb[i] = (int)pads[i]; pe[i] = (int)pads[i + r]; }
                        long span = (long)input[i] + pb[i] + pe[i] - eff;
                        if (span < 0) { o[i] = 0; break; }
                        o[i] = (int)(ceilMode ? (span + s[i] - 1) / s[i] + 1 : span / s[i] + 1);
                        if (ceilMode && (o[i] - 1) * (long)s[i] >= input[i] + pb[i]) o[i]--;
                        break;
                    }
                default:
                    throw new ArgumentException($"{node.Describe()}: unknown auto_pad '{autoPad}'.");
            }
        }
        return new SpatialAttributes { Kernel = k, Strides = s, Dilations = d, PadBegin = pb, PadEnd = pe, Output = o };
    }

    public static int[] Dims(Node node, string name, int rank, int fallback)
    {
        var v = node.GetInts(name);
        if (v is null || v.Length == 0) return Enumerable.Repeat(fallback, rank).ToArray();
        if (v.Length != rank)
            throw new ShapeMismatchException($"{node.Describe()}: {name} has {v.Length} values but the input has {rank} spatial dims.");
        return ToInts(v);
    }

    public static int[] ToInts(long[] v) => v.Select(x => checked((int)x)).ToArray();
}
