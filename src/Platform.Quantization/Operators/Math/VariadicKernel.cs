using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Max, Min, Sum, Mean over one or more inputs, broadcast together (folded left to right, as the reference does).</summary>
[OnnxOperator("Max")]
[OnnxOperator("Min")]
[OnnxOperator("Sum")]
[OnnxOperator("Mean")]
public sealed class VariadicKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var present = inputs.Where(t => t is not null).Select(t => t!).ToArray();
        if (present.Length == 0) throw new ArgumentException($"{node.Describe()} needs at least one input.");
        var acc = present[0];
        for (int i = 1; i < present.Length; i++)
        {
            KernelInputs.SameType(node, acc, present[i]);
            acc = node.OpType switch
            {
                "Max" => ArithmeticKernel.Apply<Op.Max>(node, acc, present[i], context),
                "Min" => ArithmeticKernel.Apply<Op.Min>(node, acc, present[i], context),
                "Sum" or "Mean" => ArithmeticKernel.Apply<Op.Add>(node, acc, present[i], context),
                _ => throw new NotSupportedException(node.OpType),
            };
        }
        if (present.Length == 1) acc = acc.Clone();
        if (node.OpType == "Mean" && present.Length > 1)
        {
            var n = acc.Type switch
            {
                DataType.Float => Tensor.Scalar((float)present.Length),
                DataType.Double => Tensor.Scalar((double)present.Length),
                DataType.Float16 => Tensor.Scalar((Half)present.Length),
                _ => throw KernelInputs.Unsupported(node, acc),
            };
            acc = ArithmeticKernel.Apply<Op.Div>(node, acc, n, context);
        }
        return [acc];
    }
}
