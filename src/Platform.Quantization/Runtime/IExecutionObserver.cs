using Platform.Quantization.Graph;
using Platform.Quantization.Tensors;

namespace Platform.Quantization.Runtime;

/// <summary>
/// Sees each step of a run. Calibration observes outputs; fake-quantization replaces inputs
/// (the array may be modified in place: entries swapped for other tensors, never the tensors' data).
/// </summary>
public interface IExecutionObserver
{
    void BeforeNode(Node node, Tensor?[] inputs) { }
    void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs) { }
}
