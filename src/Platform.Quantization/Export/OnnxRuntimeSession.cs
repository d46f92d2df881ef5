using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Quantization.Graph;
using Platform.Quantization.Onnx;
using Platform.Quantization.Tensors;
using Tensor = Platform.Quantization.Tensors.Tensor;

namespace Platform.Quantization.Export;

/// <summary>
/// An ONNX Runtime (CPU) session over one of our models held in memory, run on our <see cref="Tensor"/>s.
/// Spinning is off: ORT's idle worker threads otherwise keep burning cores after a run and disturb whatever is timed
/// next (issue 4). The engine references only the managed ONNX Runtime API; the process that uses this class must
/// carry the native library (the Microsoft.ML.OnnxRuntime package: qplat, the worker, the tests).
/// </summary>
public sealed class OnnxRuntimeSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly SessionOptions _options;
    private readonly RunOptions _run = new();

    /// <param name="model">Serialised with <see cref="OnnxModelWriter"/>.</param>
    /// <param name="threads">Intra-op threads (≥ 1).</param>
    /// <param name="optimize">ORT's graph optimizations (all levels), or none: none runs the graph node by node as
    /// written, which is what a check of our exporter wants when a fusion could hide a wrong node.</param>
    /// <exception cref="InvalidModelException">ONNX Runtime rejects the model; the message carries its reason.</exception>
    public OnnxRuntimeSession(OnnxModel model, int threads = 1, bool optimize = true)
        : this(OnnxModelWriter.ToBytes(model ?? throw new ArgumentNullException(nameof(model))), threads, optimize)
    {
    }

    /// <param name="onnxBytes">A serialised ONNX model.</param>
    public OnnxRuntimeSession(byte[] onnxBytes, int threads = 1, bool optimize = true)
    {
        ArgumentNullException.ThrowIfNull(onnxBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = optimize ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
        };
        _options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _options.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        // ORT fuses DequantizeLinear → MatMul into MatMulNBits and by default lets that quantize the input to int8
        // (accuracy level 4), which a weight-only layer never asked for; level 0 keeps it float.
        _options.AddSessionConfigEntry("session.qdq_matmulnbits_accuracy_level", "0");
        try
        {
            _session = new InferenceSession(onnxBytes, _options);
        }
        catch (OnnxRuntimeException e)
        {
            _options.Dispose();
            _run.Dispose();
            throw new InvalidModelException($"ONNX Runtime {OrtEnv.Instance().GetVersionString()} cannot load the model: {e.Message}");
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            _options.Dispose();
            _run.Dispose();
            throw new InvalidOperationException(
                "The ONNX Runtime native library is missing: reference the Microsoft.ML.OnnxRuntime package from the application " +
                "(the engine carries only the managed API).", e);
        }
        InputNames = [.. _session.InputNames];
        OutputNames = [.. _session.OutputNames];
    }

    public int Threads { get; }

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Runs the model; returns every graph output.</summary>
    /// <exception cref="ArgumentException">An input is missing or has an element type ONNX Runtime cannot take here.</exception>
    public Dictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new OrtValue[InputNames.Count];
        try
        {
            for (int i = 0; i < values.Length; i++) values[i] = ToOrt(Input(inputs, i), InputNames[i]);
            using var results = _session.Run(_run, InputNames, values, OutputNames);
            var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            for (int i = 0; i < OutputNames.Count; i++) outputs[OutputNames[i]] = FromOrt(results[i], OutputNames[i]);
            return outputs;
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    /// <summary>Runs the model and drops its outputs without copying them out: what a latency measurement times.</summary>
    public void Execute(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new OrtValue[InputNames.Count];
        try
        {
            for (int i = 0; i < values.Length; i++) values[i] = ToOrt(Input(inputs, i), InputNames[i]);
            using var results = _session.Run(_run, InputNames, values, OutputNames);
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    private Tensor Input(IReadOnlyDictionary<string, Tensor> inputs, int i) =>
        inputs.TryGetValue(InputNames[i], out var t) ? t
            : throw new ArgumentException($"The model needs input '{InputNames[i]}' (inputs given: {string.Join(", ", inputs.Keys)}).", nameof(inputs));

    private static OrtValue ToOrt(Tensor t, string name)
    {
        long[] shape = [.. t.Shape.Select(d => (long)d)];
        return t.Type switch
        {
            DataType.Float => OrtValue.CreateTensorValueFromMemory(t.As<float>(), shape),
            DataType.Double => OrtValue.CreateTensorValueFromMemory(t.As<double>(), shape),
            DataType.Int64 => OrtValue.CreateTensorValueFromMemory(t.As<long>(), shape),
            DataType.Int32 => OrtValue.CreateTensorValueFromMemory(t.As<int>(), shape),
            DataType.Int8 => OrtValue.CreateTensorValueFromMemory(t.As<sbyte>(), shape),
            DataType.UInt8 => OrtValue.CreateTensorValueFromMemory(t.As<byte>(), shape),
            DataType.Bool => OrtValue.CreateTensorValueFromMemory(t.As<bool>(), shape),
            DataType.Float16 => OrtValue.CreateTensorValueFromMemory(t.As<Half>().Select(h => (Float16)BitConverter.HalfToUInt16Bits(h)).ToArray(), shape),
            _ => throw new ArgumentException($"Input '{name}' is {t.Type}, which this ONNX Runtime bridge does not pass (float, double, int64, int32, int8, uint8, bool, float16)."),
        };
    }

    private static Tensor FromOrt(OrtValue v, string name)
    {
        var info = v.GetTensorTypeAndShape();
        int[] shape = [.. info.Shape.Select(d => checked((int)d))];
        return info.ElementDataType switch
        {
            TensorElementType.Float => Tensor.FromArray(v.GetTensorDataAsSpan<float>().ToArray(), shape),
            TensorElementType.Double => Tensor.FromArray(v.GetTensorDataAsSpan<double>().ToArray(), shape),
            TensorElementType.Int64 => Tensor.FromArray(v.GetTensorDataAsSpan<long>().ToArray(), shape),
            TensorElementType.Int32 => Tensor.FromArray(v.GetTensorDataAsSpan<int>().ToArray(), shape),
            TensorElementType.Int8 => Tensor.FromArray(v.GetTensorDataAsSpan<sbyte>().ToArray(), shape),
            TensorElementType.UInt8 => Tensor.FromArray(v.GetTensorDataAsSpan<byte>().ToArray(), shape),
            TensorElementType.Bool => Tensor.FromArray(v.GetTensorDataAsSpan<bool>().ToArray(), shape),
            TensorElementType.Float16 => Tensor.FromArray(v.GetTensorDataAsSpan<ushort>().ToArray().Select(BitConverter.UInt16BitsToHalf).ToArray(), shape),
            _ => throw new NotSupportedException($"Output '{name}' is {info.ElementDataType}, which this ONNX Runtime bridge does not return."),
        };
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}
