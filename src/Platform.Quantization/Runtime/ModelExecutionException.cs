using Platform.Quantization.Graph;

namespace Platform.Quantization.Runtime;

/// <summary>A node failed on the tensors it was given; the message names the node and the cause.</summary>
public sealed class ModelExecutionException(Node node, Exception inner)
    : Exception($"{node.Describe()} failed: {inner.Message}", inner)
{
    public Node Node { get; } = node;
}
