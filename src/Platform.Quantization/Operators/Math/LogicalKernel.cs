using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>And, Or, Xor (bool, broadcast) and Not.</summary>
[OnnxOperator("And")]
[OnnxOperator("Or")]
[OnnxOperator("Xor")]
[OnnxOperator("Not")]
public sealed class LogicalKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var a = KernelInputs.Required(node, inputs, 0);
        if (a.Type != DataType.Bool) throw KernelInputs.Unsupported(node, a);
        if (node.OpType == "Not")
        {
            var src = (bool[])a.Data;
            var r = new bool[src.Length];
            for (int i = 0; i < r.Length; i++) r[i] = !src[i];
            return [new Tensor(DataType.Bool, (int[])a.Shape.Clone(), r)];
        }
        var b = KernelInputs.Required(node, inputs, 1);
        KernelInputs.SameType(node, a, b);
        return
        [
            node.OpType switch
            {
                "And" => Elementwise.Binary<bool, bool, LogicalOp<Op.And>>(a, b, context),
                "Or" => Elementwise.Binary<bool, bool, LogicalOp<Op.Or>>(a, b, context),
                "Xor" => Elementwise.Binary<bool, bool, LogicalOp<Op.Xor>>(a, b, context),
                _ => throw new NotSupportedException(node.OpType),
            },
        ];
    }
}
