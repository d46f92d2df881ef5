using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Platform.Quantization.Tensors;
using Tensor = Platform.Quantization.Tensors.Tensor;

namespace Platform.Quantization.Tests.RealModels;

/// <summary>Runs a model on ONNX Runtime, the reference our fp32 runtime must equal.</summary>
public static class OrtReference
{
    public static Dictionary<string, Tensor> Run(byte[] model, IReadOnlyDictionary<string, Tensor> inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var values = inputs.Select(kv => kv.Value.Type switch
        {
            DataType.Float => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<float>(kv.Value.Floats, kv.Value.Shape)),
            DataType.Int64 => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<long>(kv.Value.Int64s, kv.Value.Shape)),
            DataType.Int32 => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<int>(kv.Value.Int32s, kv.Value.Shape)),
            _ => throw new NotSupportedException($"input type {kv.Value.Type}"),
        }).ToList();
        using var results = session.Run(values);
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            var t = r.AsTensor<float>();
            outputs[r.Name] = Tensor.FromArray(t.ToArray(), t.Dimensions.ToArray());
        }
        return outputs;
    }
}
