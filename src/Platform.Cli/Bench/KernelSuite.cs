using Platform.Quantization.Formats;
using Platform.Quantization.Kernels.Cpu;
using Platform.Quantization.Specs;

namespace Platform.Cli.Bench;

/// <summary>
/// Every kernel on one shape (C[M,N] = A[M,K]·Wᵀ): ours in fp32, fp16, int8, int4 (dynamic int8 activations),
/// XNOR and BinaryConnect binary, PQ; ONNX Runtime's MatMul, MatMulInteger and MatMulNBits on the same data.
/// Weights are packed before timing (a layer packs once when loaded); activation quantization that a real layer
/// does per call (int4's dynamic rows, XNOR's binarization) is inside the timed call.
/// </summary>
internal sealed class KernelSuite(double budgetMs, Action<BenchResult> add)
{
    private const int Int4Block = 32;
    private const int PqD = 8;

    public void Run(string name, int m, int n, int k, int threads)
    {
        string shape = $"{m}x{n}x{k}";
        double ops = 2.0 * m * n * k;
        void Add(string format, string engine, Platform.Quantization.Evaluation.LatencyStats s) =>
            add(new BenchResult(name, format, engine, shape, threads, Math.Round(s.MedianMs, 4), Math.Round(s.P90Ms, 4),
                Math.Round(ops / (s.MedianMs * 1e6), 1)));

        var rnd = new Random(n * 31 + k);
        float[] a = RandomFloats(rnd, m * k), w = RandomFloats(rnd, n * k);
        var c = new float[m * n];

        // fp32: W rows [N, K] are Bᵀ.
        var packed = PackedMatrix.PackRight(w, k, n, k, transpose: true);
        Add("fp32", "ours", BenchTimer.Time(() => Sgemm.Multiply(false, m, 1f, a, k, packed, 0f, c, n, threads), budgetMs));
        var b = Transpose(w, n, k);
        Add("fp32", "ort", OrtSessions.Time(OrtOperatorModels.MatMul(m, n, k, b), OrtSessions.Input("A", a, m, k), threads, budgetMs));

        // fp16 weights.
        var half = HalfPackedWeights.Pack(FloatQuantizedWeight.Quantize(w, [n, k], 0, WeightFormat.Fp16));
        Add("fp16", "ours", BenchTimer.Time(() => HalfGemm.Multiply(m, a, k, half, c, n, threads: threads), budgetMs));

        // int8: u8 activations × s8 weights → s32.
        var a8 = new byte[m * k];
        rnd.NextBytes(a8);
        var w8 = new sbyte[n * k];
        for (int i = 0; i < w8.Length; i++) w8[i] = (sbyte)rnd.Next(-127, 128);
        var int8 = Int8PackedWeights.Pack(w8, n, k);
        var c32 = new int[m * n];
        Add("int8", "ours", BenchTimer.Time(() => Int8Gemm.Multiply(m, a8, k, 128, int8, c32, n, threads), budgetMs));
        Add("int8", "ort", OrtSessions.Time(OrtOperatorModels.MatMulInteger(m, n, k, Transpose(w8, n, k)), OrtSessions.Input("A", a8, m, k), threads, budgetMs));

        // int4: per-group symmetric weights; activations quantized per row at each call, as MatMulNBits' accuracy_level 4 does.
        if (k % Int4Block == 0)
        {
            var spec = new LayerSpec { Weights = WeightFormat.Int4, Granularity = Granularity.PerGroup(Int4Block), Symmetric = true };
            var q4 = (AffineQuantizedWeight)WeightQuantizer.Quantize(w, [n, k], 0, spec);
            var int4 = Int4PackedWeights.Pack(q4);
            var aq = new byte[m * k];
            var scales = new float[m];
            var zeros = new int[m];
            Add("int4", "ours", BenchTimer.Time(() =>
            {
                Int4Gemm.QuantizeRows(a, m, k, k, aq, scales, zeros);
                Int4Gemm.Multiply(m, aq, k, scales, zeros, int4, c, n, threads: threads);
            }, budgetMs));
            // MatMulNBits stores unsigned nibbles with an implied zero point of 8: s + 8 flips each nibble's top bit.
            var blocks = new byte[q4.Codes.Length];
            for (int i = 0; i < blocks.Length; i++) blocks[i] = (byte)(q4.Codes[i] ^ 0x88);
            Add("int4", "ort", OrtSessions.Time(OrtOperatorModels.MatMulNBits(m, n, k, Int4Block, blocks, q4.Scales, accuracyLevel: 4),
                OrtSessions.Input("A", a, m, k), threads, budgetMs));
        }

        // Binary: XNOR (both binarized, binarization per call) and BinaryConnect (real activations).
        var bin = BinaryPackedWeights.Pack((BinaryQuantizedWeight)WeightQuantizer.Quantize(w, [n, k], 0, new LayerSpec { Weights = WeightFormat.Binary }));
        Add("binary", "ours", BenchTimer.Time(() => BinaryGemm.MultiplyXnor(BinaryActivations.FromRows(a, m, k, k), bin, c, n, threads: threads), budgetMs));
        Add("binary-connect", "ours", BenchTimer.Time(() => BinaryGemm.Multiply(m, a, k, bin, c, n, threads: threads), budgetMs));

        // PQ: 256 codewords of d = 8; random codes (k-means on a 4096² layer would dominate the run and not change the kernel's speed).
        if (k % PqD == 0)
        {
            var codebook = RandomFloats(rnd, 256 * PqD);
            var codes = new byte[n * (k / PqD)];
            rnd.NextBytes(codes);
            var pq = PqPackedWeights.Pack(new PqQuantizedWeight([n, k], 0, 256, PqD, codebook, codes, iterations: 0, inertia: 0));
            Add("pq", "ours", BenchTimer.Time(() => PqGemm.Multiply(m, a, k, pq, c, n, threads: threads), budgetMs));
        }
    }

    private static float[] RandomFloats(Random r, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return x;
    }

    private static T[] Transpose<T>(T[] rows, int n, int k)
    {
        var t = new T[rows.Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < k; j++) t[j * n + i] = rows[i * k + j];
        return t;
    }
}
