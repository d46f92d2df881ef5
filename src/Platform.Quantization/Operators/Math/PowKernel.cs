using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// Pow (opset 7+; from 12 the exponent may have another numeric type). The result has the base's
/// type. Exponents 1, 2 and 0.5 on float bases (LayerNorm written out, x*x) take exact shortcuts.
/// </summary>
[OnnxOperator("Pow")]
public sealed class PowKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = KernelInputs.Required(node, inputs, 0);
        var y = KernelInputs.Required(node, inputs, 1);
        if (x.Type == DataType.Float && y.Length == 1 && x.Shape.Length >= y.Shape.Length)
        {
            double e = y.GetDouble(0);
            var shape = new BroadcastLayout(x.Shape, y.Shape).OutputShape;
            if (e == 1) return [new Tensor(DataType.Float, shape, (float[])x.Data.Clone())];
            if (e == 2) return [ArithmeticKernel.Apply<Op.Mul>(node, x, x, context).Reshape(shape)];
            if (e == 0.5) return [Elementwise.Unary<float, float, FloatUnaryOp<float, Op.Sqrt>>(x, context).Reshape(shape)];
        }
        if (x.Type == y.Type)
        {
            switch (x.Data)
            {
                case float[]: return [Elementwise.Binary<float, float, PowOp<float>>(x, y, context)];
                case double[]: return [Elementwise.Binary<double, double, PowOp<double>>(x, y, context)];
            }
        }
        if (x.Type is DataType.String or DataType.Bool) throw KernelInputs.Unsupported(node, x);
        if (y.Type is DataType.String or DataType.Bool) throw KernelInputs.Unsupported(node, y);
        var r = Elementwise.Binary<double, double, PowOp<double>>(CastKernel.Convert(x, DataType.Double), CastKernel.Convert(y, DataType.Double), context);
        return [CastKernel.Convert(r, x.Type)];
    }
}
