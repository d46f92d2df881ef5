namespace Platform.Quantization.Runtime;

/// <summary>Marks an <see cref="IOperatorKernel"/> as the implementation of an ONNX operator of the default domain.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class OnnxOperatorAttribute(string opType) : Attribute
{
    public string OpType { get; } = opType;
    /// <summary>Operator domain; "" is ai.onnx.</summary>
    public string Domain { get; init; } = "";
}
