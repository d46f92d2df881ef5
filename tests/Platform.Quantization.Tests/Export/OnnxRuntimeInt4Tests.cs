using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Tensors;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.Export;

/// <summary>
/// What the exporter relies on: ONNX Runtime 1.31.1 runs DequantizeLinear on INT4/UINT4 initializers (opset 21),
/// per-tensor, per-axis and blocked, with our writer's packed nibbles (checked here with its fusions off, so the
/// DequantizeLinear kernel itself runs).
/// </summary>
public class OnnxRuntimeInt4Tests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, 32, 0)]
    [InlineData(false, 32, 0)]
    [InlineData(true, 0, 1)]
    [InlineData(true, 0, -1)]
    public void Int4_dequantize_linear_runs_in_onnx_runtime(bool signed, int block, int axis)
    {
        int k = 64, n = 8;
        var rnd = new Random(1);
        var codes = new int[k * n];
        for (int i = 0; i < codes.Length; i++) codes[i] = signed ? rnd.Next(-8, 8) : rnd.Next(0, 16);
        var packed = new byte[(codes.Length + 1) / 2];
        for (int i = 0; i < codes.Length; i++) packed[i / 2] |= (byte)((codes[i] & 15) << (4 * (i & 1)));
        var g = new ModelGraph();
        g.Initializers["w"] = TensorProtoConverter.PackedFourBit(packed, [k, n], signed);
        float[] scales; int[] sshape;
        if (block > 0) { scales = Enumerable.Range(0, (k / block) * n).Select(i => 0.01f * (i + 1)).ToArray(); sshape = [k / block, n]; }
        else if (axis >= 0) { scales = Enumerable.Range(0, n).Select(i => 0.01f * (i + 1)).ToArray(); sshape = [n]; }
        else { scales = [0.05f]; sshape = []; }
        g.Initializers["s"] = Tensor.FromArray(scales, sshape);
        var dq = new Node { OpType = "DequantizeLinear", Inputs = ["w", "s"], Outputs = ["wf"], Name = "dq" };
        if (block > 0) { dq.Attributes["block_size"] = NodeAttribute.Of("block_size", (long)block); dq.Attributes["axis"] = NodeAttribute.Of("axis", 0L); }
        else if (axis >= 0) dq.Attributes["axis"] = NodeAttribute.Of("axis", (long)axis);
        g.Nodes.Add(dq);
        g.Nodes.Add(new Node { OpType = "MatMul", Inputs = ["x", "wf"], Outputs = ["y"], Name = "mm" });
        g.Inputs.Add(new ValueInfo { Name = "x", Shape = [Dim.Fixed(2), Dim.Fixed(k)] });
        g.Outputs.Add(new ValueInfo { Name = "y", Shape = [Dim.Fixed(2), Dim.Fixed(n)] });
        var m = new OnnxModel { Graph = g, IrVersion = 10, Opsets = new(StringComparer.Ordinal) { [""] = 21 } };
        var x = Enumerable.Range(0, 2 * k).Select(i => (float)Math.Sin(i)).ToArray();
        using var ses = new Platform.Quantization.Export.OnnxRuntimeSession(m, 1, optimize: false);
        var y = ses.Run(new Dictionary<string, Tensor> { ["x"] = Tensor.FromArray(x, 2, k) })["y"].Floats;
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < n; c++)
            {
                double acc = 0;
                for (int i = 0; i < k; i++)
                {
                    float s = block > 0 ? scales[(i / block) * n + c] : axis >= 0 ? scales[c] : scales[0];
                    int q = codes[i * n + c];
                    acc += x[r * k + i] * q * s;
                }
                Assert.Equal(acc, y[r * n + c], 3);
            }
        output.WriteLine("ok");
    }
}
