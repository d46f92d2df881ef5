using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Execution;

/// <summary>
/// Relu between two int8 layers whose activation is carried as u8: quantization is monotone and maps 0 to the zero
/// point exactly, so relu(x) quantized is max(q, Z). A float input (not carried) goes to the fp32 Relu.
/// </summary>
internal sealed class U8ReluKernel(int zeroPoint) : IOperatorKernel
{
    public Tensor[] Execute(Node node, Tensor?[] inputs, OperatorContext context)
    {
        var x = inputs[0] ?? throw new ArgumentException($"{node.Describe()}: input X is missing.");
        if (x.Type != DataType.UInt8)
        {
            OperatorRegistry.TryGet(node.Domain, node.OpType, out var relu);
            return relu.Execute(node, inputs, context);
        }
        var src = x.As<byte>();
        var dst = GC.AllocateUninitializedArray<byte>(src.Length);
        byte z = (byte)zeroPoint;
        for (int i = 0; i < src.Length; i++) dst[i] = Math.Max(src[i], z);
        return [new Tensor(DataType.UInt8, (int[])x.Shape.Clone(), dst)];
    }
}
