using BenchmarkDotNet.Attributes;
using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Specs;

namespace Platform.Bench.Kernels;

/// <summary>
/// BenchmarkDotNet view of every low-bit kernel on one shape, fp32 SGEMM the baseline, for kernel work
/// (`dotnet run -c Release --project bench/Platform.Bench -- bdn --filter '*LowBit*'`). `qplat bench` is the
/// side-by-side with ONNX Runtime; this one gives BenchmarkDotNet's statistics and allocation counts.
/// </summary>
[MemoryDiagnoser]
public class LowBitKernelBenchmarks
{
    [Params(1, 256)]
    public int M { get; set; }

    [Params(1024)]
    public int Size { get; set; }

    private float[] _a = [], _c = [];
    private byte[] _a8 = [], _aq = [];
    private int[] _c32 = [], _zeros = [];
    private float[] _scales = [];
    private PackedMatrix _fp32 = null!;
    private Int8PackedWeights _int8 = null!;
    private Int4PackedWeights _int4 = null!;
    private HalfPackedWeights _half = null!;
    private BinaryPackedWeights _binary = null!;
    private PqPackedWeights _pq = null!;

    [GlobalSetup]
    public void Setup()
    {
        int n = Size, k = Size;
        var r = new Random(42);
        _a = Floats(r, M * k);
        var w = Floats(r, n * k);
        _c = new float[M * n];
        _c32 = new int[M * n];
        _fp32 = PackedMatrix.PackRight(w, k, n, k, transpose: true);
        _a8 = new byte[M * k];
        r.NextBytes(_a8);
        var w8 = new sbyte[n * k];
        for (int i = 0; i < w8.Length; i++) w8[i] = (sbyte)r.Next(-127, 128);
        _int8 = Int8PackedWeights.Pack(w8, n, k);
        _int4 = Int4PackedWeights.Pack((AffineQuantizedWeight)WeightQuantizer.Quantize(w, [n, k], 0,
            new LayerSpec { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(32), Symmetric = true }));
        _aq = new byte[M * k];
        r.NextBytes(_aq);
        _scales = Enumerable.Repeat(0.01f, M).ToArray();
        _zeros = Enumerable.Repeat(128, M).ToArray();
        _half = HalfPackedWeights.Pack(FloatQuantizedWeight.Quantize(w, [n, k], 0, WeightFormat.Fp16));
        _binary = BinaryPackedWeights.Pack((BinaryQuantizedWeight)WeightQuantizer.Quantize(w, [n, k], 0, new LayerSpec { Weights = WeightFormat.Binary }));
        var codes = new byte[n * (k / 8)];
        r.NextBytes(codes);
        _pq = PqPackedWeights.Pack(new PqQuantizedWeight([n, k], 0, 256, 8, Floats(r, 256 * 8), codes, 0, 0));
    }

    [Benchmark(Baseline = true)]
    public void Fp32() => Sgemm.Multiply(false, M, 1f, _a, Size, _fp32, 0f, _c, Size);

    [Benchmark]
    public void Fp16() => HalfGemm.Multiply(M, _a, Size, _half, _c, Size);

    [Benchmark]
    public void Int8() => Int8Gemm.Multiply(M, _a8, Size, 128, _int8, _c32, Size);

    [Benchmark]
    public void Int4() => Int4Gemm.Multiply(M, _aq, Size, _scales, _zeros, _int4, _c, Size);

    [Benchmark]
    public void BinaryXnor() => BinaryGemm.MultiplyXnor(BinaryActivations.FromRows(_a, M, Size, Size), _binary, _c, Size);

    [Benchmark]
    public void BinaryConnect() => BinaryGemm.Multiply(M, _a, Size, _binary, _c, Size);

    [Benchmark]
    public void Pq() => PqGemm.Multiply(M, _a, Size, _pq, _c, Size);

    private static float[] Floats(Random r, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }
}
