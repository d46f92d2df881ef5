namespace Platform.Quantization.Kernels.Cpu;

/// <summary>
/// int8 layer weights packed once for <see cref="Int8Gemm"/>: N output channels (columns of C), each a row of K
/// signed 8-bit values, with an optional per-channel zero point (asymmetric weights: code − 128 stored, zero
/// point − 128 kept here, so every value fits s8). Column sums are precomputed for the zero-point and u8-offset
/// compensation.
/// </summary>
public sealed class Int8PackedWeights
{
    /// <summary>N: output channels.</summary>
    public int Columns { get; }
    /// <summary>K: the shared dimension.</summary>
    public int Depth { get; }
    /// <summary>Σ_k w[n,k] per channel.</summary>
    public int[] ColumnSums { get; }
    /// <summary>Per-channel weight zero points; null when symmetric (all zero).</summary>
    public int[]? ZeroPoints { get; }
    /// <summary>The channel-major rows as given (N×K), kept for the scalar reference.</summary>
    internal sbyte[] Rows { get; }
    /// <summary>K rounded up to whole groups of <see cref="Int8GemmKernels.KGroup"/>, divided by it.</summary>
    internal int Groups { get; }
    /// <summary>
    /// Panels of <see cref="Int8GemmKernels.NR"/> channels: for each group of 4 along K, 16 channels × 4 bytes
    /// (the dword layout vpdpbusd reads), zero-padded past K and past N. Byte offset of panel p: p·Groups·64.
    /// </summary>
    internal sbyte[] Panels { get; }
    /// <summary>
    /// The Avx512BW path's copy of <see cref="Panels"/> split as w = 16·High + Low (Low in 0..15, High in −8..7), so
    /// vpmaddubsw's s16 pair sums (≤ 2·255·15) cannot saturate; null where that path is not the one taken.
    /// </summary>
    internal sbyte[]? PanelsLow { get; }
    internal sbyte[]? PanelsHigh { get; }

    private Int8PackedWeights(int n, int k, sbyte[] rows, int[]? zeroPoints)
    {
        Columns = n;
        Depth = k;
        Rows = rows;
        ZeroPoints = zeroPoints;
        ColumnSums = new int[n];
        for (int c = 0; c < n; c++)
        {
            int s = 0;
            for (int i = 0; i < k; i++) s += rows[c * k + i];
            ColumnSums[c] = s;
        }
        const int nr = Int8GemmKernels.NR, g4 = Int8GemmKernels.KGroup;
        Groups = (k + g4 - 1) / g4;
        int panels = (n + nr - 1) / nr;
        Panels = new sbyte[(long)panels * Groups * nr * g4];
        for (int c = 0; c < n; c++)
        {
            long panel = (long)(c / nr) * Groups * nr * g4 + c % nr * g4;
            for (int i = 0; i < k; i++) Panels[panel + i / g4 * nr * g4 + i % g4] = rows[c * k + i];
        }
        if (Int8GemmKernels.Path == Int8GemmKernels.KernelPath.Avx512BW)
        {
            PanelsLow = new sbyte[Panels.Length];
            PanelsHigh = new sbyte[Panels.Length];
            for (int i = 0; i < Panels.Length; i++)
            {
                PanelsLow[i] = (sbyte)(Panels[i] & 15);
                PanelsHigh[i] = (sbyte)(Panels[i] >> 4);
            }
        }
    }

    /// <summary>Packs N rows of K s8 weights (channel-major); <paramref name="zeroPoints"/> per channel or empty.</summary>
    public static Int8PackedWeights Pack(ReadOnlySpan<sbyte> rows, int n, int k, ReadOnlySpan<int> zeroPoints = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (rows.Length < (long)n * k) throw new ArgumentException($"The weights hold {rows.Length} values but {n}×{k} are needed.", nameof(rows));
        if (!zeroPoints.IsEmpty && zeroPoints.Length != n) throw new ArgumentException($"{zeroPoints.Length} zero points for {n} channels.", nameof(zeroPoints));
        return new Int8PackedWeights(n, k, rows[..(n * k)].ToArray(), zeroPoints.IsEmpty ? null : zeroPoints.ToArray());
    }
}
