using System.Runtime.InteropServices;
using Platform.Quantization.Graph;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;

namespace Platform.Bench;

/// <summary>Accumulates the calling thread's CPU time per node (steady on a shared machine; exact for 1 thread).</summary>
internal sealed partial class NodeTimer : IExecutionObserver
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private const int ThreadCpuClock = 3;
    private double _start;
    public Dictionary<Node, double> PerNode { get; } = [];

    public static double ThreadCpuMs()
    {
        ClockGetTime(ThreadCpuClock, out var t);
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    public void BeforeNode(Node node, Tensor?[] inputs) => _start = ThreadCpuMs();

    public void AfterNode(Node node, Tensor?[] inputs, Tensor[] outputs) =>
        PerNode[node] = PerNode.GetValueOrDefault(node) + ThreadCpuMs() - _start;
}
