using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Pad (2, 11, 13, 18, 19, 21). Modes constant, reflect, edge and wrap (19). Pads are an
/// attribute before opset 11 and inputs from 11 (with constant_value, and axes from 18), laid out
/// [x1_begin, x2_begin, ..., x1_end, x2_end]. Negative pads crop; as in ONNX Runtime, cropping
/// happens first and reflect/edge/wrap then pad the cropped tensor.
/// </summary>
[OnnxOperator("Pad")]
public sealed class PadKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        string mode = node.GetString("mode", "constant");
        long[] pads;
        long[]? axes = null;
        Array fill;
        if (ShapeArgs.Optional(inputs, 1) is { } p)
        {
            pads = ShapeArgs.Ints(p, "pads");
            if (ShapeArgs.Optional(inputs, 2) is { Length: > 0 } cv)
            {
                if (cv.Type != x.Type) throw new ArgumentException($"Pad: constant_value is {cv.Type} but data is {x.Type}.");
                fill = cv.Data;
            }
            else fill = Elements.ScalarOf(x.Type, 0);
            if (ShapeArgs.Optional(inputs, 3) is { } a) axes = ShapeArgs.Ints(a, "axes");
        }
        else
        {
            pads = node.GetInts("pads") ?? throw new ArgumentException("Pad needs pads (an input from opset 11, an attribute before).");
            fill = Elements.ScalarOf(x.Type, node.GetFloat("value", 0f));
        }
        return [Apply(x, mode, pads, axes, fill)];
    }

    internal static Tensor Apply(Tensor x, string mode, long[] pads, long[]? axes, Array fill)
    {
        int rank = x.Rank;
        var ax = axes is null ? Enumerable.Range(0, rank).ToArray() : ShapeArgs.Axes(axes, rank, "Pad");
        if (pads.Length != 2 * ax.Length)
            throw new ShapeMismatchException($"Pad: {pads.Length} pads for {ax.Length} axes of input {TensorShape.Format(x.Shape)}; need {2 * ax.Length}.");
        var begin = new long[rank];
        var end = new long[rank];
        for (int k = 0; k < ax.Length; k++) { begin[ax[k]] = pads[k]; end[ax[k]] = pads[k + ax.Length]; }

        var outDims = new long[rank];
        var maps = new int[rank][];
        for (int i = 0; i < rank; i++)
        {
            long dim = x.Shape[i];
            long cropStart = Math.Max(-begin[i], 0), cropEnd = dim - Math.Max(-end[i], 0);
            long kept = cropEnd - cropStart;
            if (kept < 0)
                throw new ShapeMismatchException($"Pad: pads {begin[i]}, {end[i]} crop more than axis {i} of {TensorShape.Format(x.Shape)} holds.");
            long pb = Math.Max(begin[i], 0), pe = Math.Max(end[i], 0);
            outDims[i] = kept + pb + pe;
            if (outDims[i] > TensorShape.MaxElements)
                throw new ShapeMismatchException($"Pad: axis {i} of {TensorShape.Format(x.Shape)} padded by {pb}, {pe} is too large.");
            if (mode != "constant" && kept == 0 && pb + pe > 0)
                throw new ShapeMismatchException($"Pad: {mode} mode cannot pad axis {i}, which is empty (input {TensorShape.Format(x.Shape)}).");
            maps[i] = AxisMap((int)kept, (int)cropStart, (int)pb, (int)outDims[i], mode);
        }
        var shape = ShapeArgs.ToShape(outDims, "Pad");
        var dst = Elements.Allocate(x.Type, TensorShape.ElementCount(shape));
        if (dst.Length == 0) return new Tensor(x.Type, shape, dst);
        var action = new AxisMapGather { Src = x.Data, Dst = dst, InShape = x.Shape, OutShape = shape, Maps = maps, Fill = fill };
        Elements.Dispatch(x.Type, ref action);
        return new Tensor(x.Type, shape, dst);
    }

    /// <summary>For each output index on one axis, the input index it reads, or -1 for the constant.</summary>
    private static int[] AxisMap(int kept, int cropStart, int padBegin, int outLen, string mode)
    {
        var map = new int[outLen];
        for (int o = 0; o < outLen; o++)
        {
            int i = o - padBegin;
            if (i < 0 || i >= kept)
            {
                switch (mode)
                {
                    case "constant": map[o] = -1; continue;
                    case "edge": i = Math.Clamp(i, 0, kept - 1); break;
                    case "wrap": i = ((i % kept) + kept) % kept; break;
                    case "reflect":
                        if (kept == 1) { i = 0; break; }
                        int period = 2 * (kept - 1);
                        i = ((i % period) + period) % period;
                        if (i >= kept) i = period - i;
                        break;
                    default: throw new NotSupportedException($"Pad: mode '{mode}' is not supported (constant, reflect, edge, wrap).");
                }
            }
            map[o] = cropStart + i;
        }
        return map;
    }
}
