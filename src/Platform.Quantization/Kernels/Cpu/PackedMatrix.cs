using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// A constant GEMM operand (a layer's weights) packed once into the micro-kernel's panel layout, so
/// a call only packs the activations. Left operands (A, M×K) are packed in panels of
/// <see cref="Sgemm.MR"/> rows, right operands (B, K×N) in panels of <see cref="Sgemm.NR"/> columns.
/// Layout: for each depth block kb (<see cref="Sgemm.DepthBlocking"/>), for each panel, kc × width floats.
/// </summary>
public sealed unsafe class PackedMatrix
{
    /// <summary>M for a left operand, N for a right one.</summary>
    public int Rows { get; }
    /// <summary>K, the shared dimension.</summary>
    public int Depth { get; }
    public bool IsLeft { get; }
    internal int Width { get; }
    internal int PaddedRows { get; }
    internal int BlockDepth { get; }
    // Pinned: workers keep raw pointers into it for the whole call.
    internal float[] Data { get; }

    private PackedMatrix(int rows, int depth, bool isLeft, PanelSource source)
    {
        Rows = rows;
        Depth = depth;
        IsLeft = isLeft;
        Width = isLeft ? Sgemm.MR : Sgemm.NR;
        PaddedRows = (rows + Width - 1) / Width * Width;
        (int blocks, BlockDepth) = Sgemm.DepthBlocking(depth);
        Data = GC.AllocateUninitializedArray<float>(Math.Max(1, PaddedRows * depth), pinned: true);
        fixed (float* d = Data)
            for (int kb = 0; kb < blocks; kb++)
            {
                int k0 = kb * BlockDepth, kc = Math.Min(BlockDepth, depth - k0);
                source.Pack(d + (long)k0 * PaddedRows, Width, 0, rows, k0, kc);
            }
    }

    private PackedMatrix(int rows, int depth, float[] data)
    {
        Rows = rows;
        Depth = depth;
        IsLeft = true;
        Width = Sgemm.MR;
        PaddedRows = (rows + Width - 1) / Width * Width;
        BlockDepth = Sgemm.DepthBlocking(depth).BlockDepth;
        Data = data;
    }

    /// <summary>Packs any source once (what <see cref="PackLeft"/> and <see cref="PackRight"/> do for dense arrays).</summary>
    internal static PackedMatrix FromSource(PanelSource source, int rows, int depth, bool isLeft) => new(rows, depth, isLeft, source);

    [ThreadStatic] private static float[]? s_scratch;

    /// <summary>
    /// Packs a left operand that is not constant (im2col of the activations) once, its panels spread over
    /// <paramref name="threads"/>, into a per-thread pinned buffer: valid until this thread's next call.
    /// </summary>
    internal static PackedMatrix PackLeftShared(PanelSource source, int rows, int depth, int threads)
    {
        int paddedRows = (rows + Sgemm.MR - 1) / Sgemm.MR * Sgemm.MR;
        int length = Math.Max(1, checked(paddedRows * depth));
        if (s_scratch is null || s_scratch.Length < length) s_scratch = GC.AllocateUninitializedArray<float>(length, pinned: true);
        var packed = new PackedMatrix(rows, depth, s_scratch);
        (int blocks, int blockDepth) = Sgemm.DepthBlocking(depth);
        int panels = paddedRows / Sgemm.MR;
        nint data = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_scratch));
        WorkQueue.Run(blocks * panels, threads, i =>
        {
            int kb = i / panels, p = i - kb * panels;
            int k0 = kb * blockDepth, kc = Math.Min(blockDepth, depth - k0);
            // The last panel holds fewer rows: asking for a full one would read past the end of the source.
            source.Pack((float*)data + (long)k0 * paddedRows + (long)p * kc * Sgemm.MR, Sgemm.MR, p * Sgemm.MR, Math.Min(Sgemm.MR, rows - p * Sgemm.MR), k0, kc);
        });
        return packed;
    }

    /// <summary>Packs A (M×K; stored K×M when <paramref name="transpose"/>) with leading dimension <paramref name="lda"/>.</summary>
    public static PackedMatrix PackLeft(ReadOnlySpan<float> a, int m, int k, int lda, bool transpose = false)
    {
        Sgemm.CheckOperand("A", a.Length, transpose ? k : m, transpose ? m : k, lda);
        fixed (float* p = a)
            return new PackedMatrix(m, k, true, transpose ? new StridedPanelSource(p, 1, lda) : new StridedPanelSource(p, lda, 1));
    }

    /// <summary>Packs B (K×N; stored N×K when <paramref name="transpose"/>) with leading dimension <paramref name="ldb"/>.</summary>
    public static PackedMatrix PackRight(ReadOnlySpan<float> b, int k, int n, int ldb, bool transpose = false)
    {
        Sgemm.CheckOperand("B", b.Length, transpose ? n : k, transpose ? k : n, ldb);
        fixed (float* p = b)
            return new PackedMatrix(n, k, false, transpose ? new StridedPanelSource(p, ldb, 1) : new StridedPanelSource(p, 1, ldb));
    }

    /// <summary>Panel <paramref name="panel"/> of depth block <paramref name="kb"/>, relative to the pinned data's start.</summary>
    internal long Offset(int kb, int panel, int kc) => (long)kb * BlockDepth * PaddedRows + (long)panel * kc * Width;
}
