using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>fp16/bf16 weights with fp32 activations and fp32 accumulation: C[M,N] = A[M,K]·Wᵀ (+ bias, ReLU).</summary>
/// <remarks>
/// From 8 rows on, the SGEMM runs with the weights widened block by block into its packed panels (threads over
/// output tiles, as SGEMM splits them). Fewer rows (GEMV): threads split the 32-channel panels, and each panel is
/// widened 128 depths at a time into L1 and streamed through <see cref="HalfRowKernel"/>: the weights are read once.
/// </remarks>
public static unsafe class HalfGemm
{
    private const int ChunkDepth = 128;

    public static void Multiply(int m, ReadOnlySpan<float> a, int lda, HalfPackedWeights w, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool relu = false, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(w);
        int n = w.Columns, k = w.Depth;
        Sgemm.CheckSizes(m, n, k);
        Sgemm.CheckOperand("A", a.Length, m, k, lda, n > 0 && k > 0);
        Sgemm.CheckOperand("C", c.Length, m, n, ldc);
        if (!bias.IsEmpty && bias.Length < n) throw new ArgumentException($"fp16/bf16 GEMM: the bias holds {bias.Length} values but the weights have {n} output channels.");
        if (m == 0 || n == 0) return;
        fixed (float* pa = a, pc = c, pb = bias)
        fixed (ushort* data = w.Data)
        {
            float* biasPtr = bias.IsEmpty ? null : pb;
            if (m >= HalfRowKernel.MaxRows && k > 0)
            {
                Sgemm.Run(new StridedPanelSource(pa, lda, 1), new HalfPanelSource(w, data), m, n, k, 1f, 0f, pc, ldc, null, biasPtr, relu, threads);
                return;
            }
            long work = (long)m * n * Math.Max(k, 1);
            threads = Math.Clamp((int)Math.Min(threads, work / (1L << 20)), 1, w.Panels);
            int units = threads <= 1 ? 1 : Math.Min(w.Panels, threads * 4);
            var job = new Job(w, m, (nint)pa, lda, (nint)pc, ldc, (nint)biasPtr, relu, (nint)data);
            WorkQueue.Run(units, threads, u => job.Run(w.Panels * u / units, w.Panels * (u + 1) / units));
        }
    }

    [ThreadStatic] private static float[]? s_acc;
    [ThreadStatic] private static float[]? s_block;

    private static float* Buffer(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 64), pinned: true);
        return (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }

    private sealed class Job(HalfPackedWeights w, int m, nint a, long lda, nint c, long ldc, nint bias, bool relu, nint data)
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int p0, int p1)
        {
            const int pw = HalfPackedWeights.PanelWidth;
            int k = w.Depth;
            bool bf16 = w.Kind == Specs.WeightFormatKind.Bf16;
            float* acc = Buffer(ref s_acc, m * pw);
            float* block = Buffer(ref s_block, ChunkDepth * pw);
            for (int p = p0; p < p1; p++)
            {
                new Span<float>(acc, m * pw).Clear();
                ushort* panel = (ushort*)data + (long)p * k * pw;
                for (int k0 = 0; k0 < k; k0 += ChunkDepth)
                {
                    int kc = Math.Min(ChunkDepth, k - k0);
                    HalfConvert.ToSingle(panel + (long)k0 * pw, block, (long)kc * pw, bf16);
                    HalfRowKernel.Accumulate(m, (float*)a + k0, lda, block, pw, kc, acc);
                }
                int col0 = p * pw, cols = Math.Min(pw, w.Columns - col0);
                for (int i = 0; i < m; i++)
                {
                    float* ci = (float*)c + i * ldc + col0;
                    for (int j = 0; j < cols; j++)
                    {
                        float v = acc[i * pw + j];
                        if (bias != 0) v += ((float*)bias)[col0 + j];
                        ci[j] = relu && v < 0f ? 0f : v;
                    }
                }
            }
        }
    }
}
