using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Dropout (7, 10, 12, 13) at inference: the output is the input. The optional mask is all
/// true (bool from opset 10; before that the input's type, all ones). Training mode with a non-zero
/// ratio (opset 12+ inputs) is not an inference computation and is rejected.
/// </summary>
[OnnxOperator("Dropout")]
public sealed class DropoutKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = ShapeArgs.Required(node, inputs, 0, "data");
        bool training = ShapeArgs.Optional(inputs, 2) is { } tm && tm.Length > 0 && Elements.IsNonZero(tm.Data, 0);
        double ratio = ShapeArgs.Optional(inputs, 1) is { } r && r.Length > 0 ? r.GetDouble(0) : node.GetFloat("ratio", 0.5f);
        if (training && ratio != 0)
            throw new NotSupportedException($"Dropout: training_mode=true with ratio {ratio} is random and not supported at inference.");
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
}
