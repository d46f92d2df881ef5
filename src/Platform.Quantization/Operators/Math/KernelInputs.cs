using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Operators.MathOperators;

/// <summary>Input checks shared by the kernels; messages name the node, the input and the problem.</summary>
internal static class KernelInputs
{
    public static Tensor Required(Node node, Tensor?[] inputs, int index) =>
        index < inputs.Length && inputs[index] is { } t
            ? t
            : throw new ArgumentException($"{node.Describe()} needs input {index}, which is missing.");

    public static Tensor? Optional(Tensor?[] inputs, int index) => index < inputs.Length ? inputs[index] : null;

    public static void SameType(Node node, Tensor a, Tensor b)
    {
        if (a.Type != b.Type)
            throw new ArgumentException($"{node.Describe()}: inputs have different element types ({a.Type} {TensorShape.Format(a.Shape)} and {b.Type} {TensorShape.Format(b.Shape)}).");
    }

    public static NotSupportedException Unsupported(Node node, Tensor t) =>
        new($"{node.OpType} does not support {t.Type} tensors (input {TensorShape.Format(t.Shape)}).");
}
