using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.Shape;

/// <summary>
/// ONNX Constant (1, 9, 11, 12, 13, 19, 21): one of value (tensor), value_float(s), value_int(s)
/// (int64), value_string(s). Scalar forms give rank-0 tensors, list forms 1-D ones.
/// </summary>
[OnnxOperator("Constant")]
public sealed class ConstantKernel : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        foreach (var (name, a) in node.Attributes)
        {
            switch (name)
            {
                case "value": return [a.T ?? throw new ArgumentException("Constant: the value attribute holds no tensor.")];
                case "value_float": return [Tensor.Scalar(a.F)];
                case "value_floats": { var v = (float[])(a.Floats ?? []).Clone(); return [Tensor.FromArray(v, v.Length)]; }
                case "value_int": return [Tensor.Scalar(a.I)];
                case "value_ints": { var v = (long[])(a.Ints ?? []).Clone(); return [Tensor.FromArray(v, v.Length)]; }
                case "value_string": return [Tensor.Scalar(a.S ?? "")];
                case "value_strings": { var v = (string[])(a.Strings ?? []).Clone(); return [Tensor.FromArray(v, v.Length)]; }
                case "sparse_value": throw new NotSupportedException("Constant: sparse_value is not supported.");
            }
        }
        throw new ArgumentException("Constant has none of the value attributes.");
    }
}
