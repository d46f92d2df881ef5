using Platform.Quantization.Graph;

namespace Platform.Quantization.Runtime;

public sealed class PlanOptions
{
    /// <summary>Threads kernels may use; default: all processors.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Fuse Conv(+Add)+Relu into one kernel in the plan's copy of the graph (the model is not changed).</summary>
    public bool FuseOperators { get; init; } = true;
    /// <summary>Kernels bound to particular nodes instead of the built-in one (quantized layers).</summary>
    public IReadOnlyDictionary<Node, IOperatorKernel>? KernelOverrides { get; init; }
}
