using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Dropout (7, 10, 12, 13) at inference: the output is the input. The optional mask is all
/// true (bool from opset 10; before that the input's type, all ones). Training mode (opset 12+
/// inputs) drops elements with numpy's MT19937 seeded by <c>seed</c>, as the ONNX reference does,
/// and scales the kept ones by 1 / (1 - ratio).
/// </summary>
[OnnxOperator("Dropout")]
public sealed class DropoutKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        bool training = ShapeArgs.Optional(inputs, 2) is { } tm && tm.Length > 0 && Elements.IsNonZero(tm.Data, 0);
        double ratio = ShapeArgs.Optional(inputs, 1) is { } r && r.Length > 0 ? r.GetDouble(0) : node.GetFloat("ratio", 0.5f);
        if (training && ratio != 0) return Train(node, x, ratio);
        if (node.Outputs.Count < 2 || node.Outputs[1].Length == 0) return [x];
        Tensor mask;
        if (context.Opset >= 10)
        {
            var m = new bool[x.Length];
            Array.Fill(m, true);
            mask = new Tensor(DataType.Bool, (int[])x.Shape.Clone(), m);
        }
        else
        {
            var m = Elements.Allocate(x.Type, x.Length);
            Fill.Run(m, Elements.ScalarOf(x.Type, 1));
            mask = new Tensor(x.Type, (int[])x.Shape.Clone(), m);
        }
        return [x, mask];
    }

    private static Tensor[] Train(Node node, Tensor x, double ratio)
    {
        if (!(ratio >= 0 && ratio < 1)) throw new ArgumentException($"Dropout: ratio {ratio} must be in [0, 1).");
        if (x.Type is not (DataType.Float or DataType.Double or DataType.Float16 or DataType.BFloat16))
            throw new NotSupportedException($"Dropout: training mode needs a floating-point input, not {x.Type}.");
        uint seed = node.HasAttribute("seed") ? (uint)node.GetInt("seed", 0) : (uint)Random.Shared.Next();
        var rng = new MersenneTwister(seed);
        var keep = new bool[x.Length];
        for (int i = 0; i < keep.Length; i++) keep[i] = rng.NextDouble() >= ratio;
        var shape = (int[])x.Shape.Clone();
        Tensor y;
        if (x.Data is double[] d)
        {
            double scale = 1 / (1 - ratio);
            var r = new double[d.Length];
            for (int i = 0; i < r.Length; i++) r[i] = keep[i] ? d[i] * scale : 0;
            y = new Tensor(DataType.Double, shape, r);
        }
        else
        {
            float scale = (float)(1 / (1 - ratio));
            var f = x.ToFloatArray();
            for (int i = 0; i < f.Length; i++) f[i] = keep[i] ? f[i] * scale : 0;
            Array data = x.Type switch
            {
                DataType.Float16 => Array.ConvertAll(f, v => (Half)v),
                DataType.BFloat16 => Array.ConvertAll(f, BFloat16.FromSingle),
                _ => f,
            };
            y = new Tensor(x.Type, shape, data);
        }
        bool wantMask = node.Outputs.Count > 1 && node.Outputs[1].Length > 0;
        return wantMask ? [y, new Tensor(DataType.Bool, (int[])shape.Clone(), keep)] : [y];
    }
}
