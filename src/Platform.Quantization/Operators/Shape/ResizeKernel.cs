using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Resize (10, 11, 13, 18, 19): nearest, linear (any rank, separable) and cubic. Opset 10
/// takes (X, scales) and behaves as Upsample (asymmetric coordinates). From 11: (X, roi, scales,
/// sizes) with coordinate_transformation_mode, nearest_mode, cubic_coeff_a, exclude_outside and
/// extrapolation_value; from 18: axes and keep_aspect_ratio_policy. Antialiasing is not supported.
/// </summary>
[OnnxOperator("Resize")]
public sealed class ResizeKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "X");
        int rank = x.Rank;
        string mode = node.GetString("mode", "nearest");
        if (context.Opset < 11)
        {
            var sc = ShapeArgs.Required(node, inputs, 1, "scales").ToFloatArray();
            var settings10 = new ResizeSettings { Mode = mode, CoordinateMode = "asymmetric", NearestMode = "simple" };
            return [FromScales(x, sc, settings10, "Resize")];
        }

        var s = new ResizeSettings
        {
            Mode = mode,
            CoordinateMode = node.GetString("coordinate_transformation_mode", "half_pixel"),
            NearestMode = node.GetString("nearest_mode", "round_prefer_floor"),
            CubicA = node.GetFloat("cubic_coeff_a", -0.75f),
            ExcludeOutside = node.GetInt("exclude_outside", 0) != 0,
            ExtrapolationValue = node.GetFloat("extrapolation_value", 0f),
        };
        if (node.GetInt("antialias", 0) != 0 && mode != "nearest")
            throw new NotSupportedException("Resize: antialias=1 is not supported.");
        var axesAttr = node.GetInts("axes");
        int[] axes = axesAttr is { Length: > 0 } ? ShapeArgs.Axes(axesAttr, rank, "Resize") : Enumerable.Range(0, rank).ToArray();

        var roiT = ShapeArgs.Optional(inputs, 1);
        var scalesT = ShapeArgs.Optional(inputs, 2);
        var sizesT = ShapeArgs.Optional(inputs, 3);
        if (scalesT is { Length: 0 }) scalesT = null;
        if (sizesT is { Length: 0 }) sizesT = null;
        if ((scalesT is null) == (sizesT is null))
            throw new ArgumentException("Resize: give exactly one of scales and sizes.");

        double[]? roi = null;
        if (s.CoordinateMode == "tf_crop_and_resize")
        {
            if (roiT is not { Length: > 0 }) throw new ArgumentException("Resize: tf_crop_and_resize needs the roi input.");
            var r = Array.ConvertAll(roiT.ToFloatArray(), v => (double)v);
            if (r.Length != 2 * axes.Length)
                throw new ShapeMismatchException($"Resize: roi has {r.Length} values; {axes.Length} axes need {2 * axes.Length}.");
            roi = new double[2 * rank];
            for (int a = 0; a < rank; a++) roi[rank + a] = 1;
            for (int k = 0; k < axes.Length; k++) { roi[axes[k]] = r[k]; roi[rank + axes[k]] = r[axes.Length + k]; }
        }

        var scales = new double[rank];
        var outShape = (int[])x.Shape.Clone();
        Array.Fill(scales, 1.0);
        if (scalesT is not null)
        {
            var sc = scalesT.ToFloatArray();
            if (sc.Length != axes.Length)
                throw new ShapeMismatchException($"Resize: {sc.Length} scales for {axes.Length} axes of input {TensorShape.Format(x.Shape)}.");
            var dims = Array.ConvertAll(x.Shape, d => (long)d);
            for (int k = 0; k < axes.Length; k++)
            {
                int a = axes[k];
                if (!(sc[k] > 0)) throw new ArgumentException($"Resize: scale {sc[k]} on axis {a} must be positive.");
                scales[a] = sc[k];
                double len = x.Shape[a] * (double)sc[k];
                if (roi is not null) len *= roi[rank + a] - roi[a];
                dims[a] = len > TensorShape.MaxElements ? long.MaxValue : (long)Math.Floor(len);
            }
            outShape = ShapeArgs.ToShape(dims, "Resize");
        }
        else
        {
            var sz = ShapeArgs.Ints(sizesT!, "sizes");
            if (sz.Length != axes.Length)
                throw new ShapeMismatchException($"Resize: {sz.Length} sizes for {axes.Length} axes of input {TensorShape.Format(x.Shape)}.");
            string policy = node.GetString("keep_aspect_ratio_policy", "stretch");
            var dims = Array.ConvertAll(x.Shape, d => (long)d);
            if (policy == "stretch")
            {
                for (int k = 0; k < axes.Length; k++)
                {
                    dims[axes[k]] = sz[k];
                    scales[axes[k]] = x.Shape[axes[k]] == 0 ? 1 : (double)sz[k] / x.Shape[axes[k]];
                }
            }
            else
            {
                if (policy is not ("not_larger" or "not_smaller"))
                    throw new NotSupportedException($"Resize: keep_aspect_ratio_policy '{policy}' is not supported.");
                double scale = policy == "not_larger" ? double.MaxValue : 0;
                for (int k = 0; k < axes.Length; k++)
                {
                    double r = (double)sz[k] / x.Shape[axes[k]];
                    scale = policy == "not_larger" ? Math.Min(scale, r) : Math.Max(scale, r);
                }
                foreach (var a in axes)
                {
                    scales[a] = scale;
                    dims[a] = (long)Math.Round(scale * x.Shape[a], MidpointRounding.AwayFromZero);
                }
            }
            outShape = ShapeArgs.ToShape(dims, "Resize");
        }
        return [Interpolation.Resize(x, outShape, scales, roi, s)];
    }

    /// <summary>Opset 10 Resize and Upsample: one scale per axis, output floor(dim * scale).</summary>
    internal static Tensor FromScales(Tensor x, float[] sc, ResizeSettings s, string op)
    {
        if (sc.Length != x.Rank)
            throw new ShapeMismatchException($"{op}: {sc.Length} scales for input {TensorShape.Format(x.Shape)}.");
        var dims = new long[x.Rank];
        var scales = new double[x.Rank];
        for (int a = 0; a < x.Rank; a++)
        {
            if (!(sc[a] > 0)) throw new ArgumentException($"{op}: scale {sc[a]} on axis {a} must be positive.");
            scales[a] = sc[a];
            double len = x.Shape[a] * (double)sc[a];
            dims[a] = len > TensorShape.MaxElements ? long.MaxValue : (long)Math.Floor(len);
        }
        var mode = s.Mode == "bilinear" ? s with { Mode = "linear" } : s;
        return Interpolation.Resize(x, ShapeArgs.ToShape(dims, op), scales, null, mode);
    }
}
