using Microsoft.ML.Tokenizers;
using Platform.Quantization.Onnx;
using Platform.Quantization.Runtime;
using Platform.Quantization.Tensors;
using Xunit.Abstractions;

namespace Platform.Quantization.Tests.RealModels;

/// <summary>
/// Our fp32 runtime equals ONNX Runtime on real models: relative L2 error ≤ 1e-5 and max abs error ≤ 1e-3
/// on every output.
/// </summary>
public class OrtEqualityTests(ITestOutputHelper output)
{
    private const double MaxRelativeL2 = 1e-5, MaxAbs = 1e-3;

    [Theory]
    [InlineData("digits_mlp.onnx", new[] { 16, 64 })]
    [InlineData("digits_cnn.onnx", new[] { 16, 1, 8, 8 })]
    [InlineData("fashion_cnn_bn.onnx", new[] { 16, 1, 28, 28 })]
    public void Fixture_models_match_onnx_runtime(string file, int[] shape)
    {
        var x = Uniform(shape, 0, 1, seed: 7);
        AssertMatches(File.ReadAllBytes(TestPaths.Model(file)), new() { ["x"] = x }, file);
    }

    [Fact]
    public void ResNet18_matches_onnx_runtime()
    {
        Assert.True(File.Exists(TestPaths.ResNet18), $"ResNet18 was not restored: {TestPaths.ResNet18} is missing");
        // Mean-subtracted BGR pixels, as ResNetPreprocess.onnx produces them
        var x = Uniform([1, 3, 224, 224], -120, 135, seed: 11);
        AssertMatches(File.ReadAllBytes(TestPaths.ResNet18), new() { ["Input247"] = x }, "ResNet18");
    }

    [Fact]
    public void MiniLM_matches_onnx_runtime()
    {
        var tokenizer = BertTokenizer.Create(RealModelFiles.MiniLmVocabPath);
        var texts = new[] { "The quick brown fox jumps over the lazy dog.", "Quantization makes models smaller and faster." };
        var ids = texts.Select(t => tokenizer.EncodeToIds(t).Select(i => (long)i).ToArray()).ToArray();
        int seq = ids.Max(a => a.Length);
        var inputIds = new long[texts.Length * seq];
        var mask = new long[texts.Length * seq];
        for (int b = 0; b < texts.Length; b++)
            for (int s = 0; s < ids[b].Length; s++) { inputIds[b * seq + s] = ids[b][s]; mask[b * seq + s] = 1; }
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.FromArray(inputIds, texts.Length, seq),
            ["attention_mask"] = Tensor.FromArray(mask, texts.Length, seq),
            ["token_type_ids"] = Tensor.FromArray(new long[texts.Length * seq], texts.Length, seq),
        };
        AssertMatches(RealModelFiles.MiniLmModel, inputs, "all-MiniLM-L6-v2");
    }

    private void AssertMatches(byte[] modelBytes, Dictionary<string, Tensor> inputs, string what)
    {
        var expected = OrtReference.Run(modelBytes, inputs);
        var model = OnnxModelReader.Read(modelBytes, what);
        var inputNames = model.Graph.Inputs.Select(i => i.Name).ToHashSet();
        var actual = new Plan(model).Run(inputs.Where(kv => inputNames.Contains(kv.Key)).ToDictionary());
        foreach (var (name, e) in expected)
        {
            var a = actual[name];
            Assert.Equal(e.Shape, a.Shape);
            double num = 0, den = 0, maxAbs = 0;
            var ef = e.Floats; var af = a.Floats;
            for (int i = 0; i < ef.Length; i++)
            {
                double d = af[i] - ef[i];
                num += d * d; den += (double)ef[i] * ef[i];
                maxAbs = Math.Max(maxAbs, Math.Abs(d));
            }
            double rel = Math.Sqrt(num / Math.Max(den, 1e-30));
            output.WriteLine($"{what} output '{name}' {TensorShape.Format(a.Shape)}: relative L2 {rel:E2}, max abs {maxAbs:E2}");
            Assert.True(rel <= MaxRelativeL2, $"{what} '{name}': relative L2 error {rel:E3} > {MaxRelativeL2:E0}");
            Assert.True(maxAbs <= MaxAbs, $"{what} '{name}': max abs error {maxAbs:E3} > {MaxAbs:E0}");
        }
    }

    internal static Tensor Uniform(int[] shape, float lo, float hi, int seed)
    {
        var r = new Random(seed);
        var data = new float[TensorShape.ElementCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = lo + (hi - lo) * r.NextSingle();
        return Tensor.FromArray(data, shape);
    }
}
