using System.Collections.Concurrent;
using Platform.Quantization.Kernels.Cpu;

namespace Platform.Quantization.Tests.Kernels;

/// <summary>
/// A strided source cannot know where its matrix ends, so packers must never ask it for rows past the end.
/// Asking did crash a worker (AccessViolationException) when the last batch of a data set was 36 rows.
/// </summary>
public sealed unsafe class PanelPackingBoundsTests
{
    [Theory]
    [InlineData(36, 100, 2)]
    [InlineData(1, 7, 1)]
    [InlineData(65, 300, 2)]
    public void The_shared_left_packer_asks_only_for_existing_rows_and_zero_fills_the_last_panel(int rows, int depth, int threads)
    {
        var source = new RecordingSource(rows);
        var packed = PackedMatrix.PackLeftShared(source, rows, depth, threads);

        Assert.NotEmpty(source.Requests);
        Assert.All(source.Requests, r => Assert.True(r.R0 + r.Count <= rows, $"asked for rows {r.R0}..{r.R0 + r.Count} of {rows}"));
        AssertPacked(packed, rows, depth);
    }

    [Theory]
    [InlineData(36, 100, true)]
    [InlineData(10, 64, false)]
    [InlineData(33, 513, false)]
    public void Packing_once_asks_only_for_existing_rows(int rows, int depth, bool isLeft)
    {
        var source = new RecordingSource(rows);
        var packed = PackedMatrix.FromSource(source, rows, depth, isLeft);

        Assert.All(source.Requests, r => Assert.True(r.R0 + r.Count <= rows, $"asked for rows {r.R0}..{r.R0 + r.Count} of {rows}"));
        AssertPacked(packed, rows, depth);
    }

    /// <summary>Every element lands where <see cref="PackedMatrix.Offset"/> says; padding rows are zero.</summary>
    private static void AssertPacked(PackedMatrix packed, int rows, int depth)
    {
        for (int k0 = 0, kb = 0; k0 < depth; k0 += packed.BlockDepth, kb++)
        {
            int kc = Math.Min(packed.BlockDepth, depth - k0);
            for (int panel = 0; panel < packed.PaddedRows / packed.Width; panel++)
                for (int k = 0; k < kc; k++)
                    for (int w = 0; w < packed.Width; w++)
                    {
                        int r = panel * packed.Width + w;
                        float expected = r < rows ? RecordingSource.Value(r, k0 + k) : 0f;
                        Assert.Equal(expected, packed.Data[packed.Offset(kb, panel, kc) + (long)k * packed.Width + w]);
                    }
        }
    }

    private sealed class RecordingSource(int rows) : PanelSource
    {
        public ConcurrentBag<(int R0, int Count)> Requests { get; } = [];

        public static float Value(int r, int k) => r * 1000 + k + 1;

        public override void Pack(float* dst, int width, int r0, int count, int k0, int kc)
        {
            Requests.Add((r0, count));
            for (int p = 0; p < count; p += width)
            {
                float* panel = dst + (long)(p / width) * kc * width;
                for (int k = 0; k < kc; k++)
                    for (int w = 0; w < width; w++)
                    {
                        int r = r0 + p + w;
                        // Reading a row past the end is what a strided source would do blindly.
                        panel[k * width + w] = p + w < count && r < rows ? Value(r, k0 + k) : 0f;
                    }
            }
        }
    }
}
