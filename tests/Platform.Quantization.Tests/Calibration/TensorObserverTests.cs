using System.Text.Json;
using Platform.Quantization.Calibration;

namespace Platform.Quantization.Tests.Calibration;

public class TensorObserverTests
{
    internal static void AssertSame(TensorObserver expected, TensorObserver actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.NonFinite, actual.NonFinite);
        Assert.Equal(expected.Min, actual.Min);
        Assert.Equal(expected.Max, actual.Max);
        Assert.Equal(expected.Exponent, actual.Exponent);
        Assert.Equal(expected.FirstBin, actual.FirstBin);
        Assert.Equal(expected.Counts.ToArray(), actual.Counts.ToArray());
    }

    /// <summary>Gaussian bulk at a few scales plus far outliers, NaN and ∞: every growth path of the grid is hit.</summary>
    internal static float[] MixedData(int seed, int n)
    {
        var r = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
            x[i] = (i % 1000) switch
            {
                0 => (float)(g * 1000),
                1 => float.NaN,
                2 => float.PositiveInfinity,
                3 => (float)(g * 1e-6),
                _ => (float)(g * (i % 7 == 0 ? 3 : 0.5) + 0.25),
            };
        }
        return x;
    }

    [Fact]
    public void Four_values_give_their_min_max_and_count()
    {
        var o = new TensorObserver();
        o.Observe([-1.5f, 0.25f, 3f, 2f]);
        Assert.Equal(4, o.Count);
        Assert.Equal(-1.5f, o.Min);
        Assert.Equal(3f, o.Max);
        Assert.Equal(new ClipRange(-1.5f, 3f), RangeMethods.MinMax(o, symmetric: false));
        Assert.Equal(new ClipRange(-3f, 3f), RangeMethods.MinMax(o, symmetric: true));
    }

    [Fact]
    public void Values_land_on_a_power_of_two_grid_anchored_at_zero()
    {
        // Span -3.5..2.5 needs 7 unit bins (grid -4..2), which fit in 8; half-unit bins would need 13.
        var o = new TensorObserver(bins: 8);
        o.Observe([-3.5f, -0.5f, 1.5f, 2.5f]);
        Assert.Equal(0, o.Exponent);
        Assert.Equal(1.0, o.BinWidth);
        Assert.Equal(-4, o.FirstBin);
        Assert.Equal(new long[] { 1, 0, 0, 1, 0, 1, 1, 0 }, o.Counts.ToArray());
        Assert.Equal(new long[] { 1, 0, 0, 1, 0, 1, 1 }, o.OccupiedCounts.ToArray());
    }

    [Fact]
    public void Growing_range_coarsens_by_summing_adjacent_bins()
    {
        var o = new TensorObserver(bins: 4);
        o.Observe([0.5f, 1.5f]);
        Assert.Equal(-1, o.Exponent);        // 0.5 wide: grid 1..3 fits in 4 bins, 0.25 wide needs 5
        Assert.Equal(new long[] { 1, 0, 1, 0 }, o.Counts.ToArray());
        o.Observe([7f]);                     // 0.5..7 needs width 2: grid 0..3
        Assert.Equal(1, o.Exponent);
        Assert.Equal(0, o.FirstBin);
        Assert.Equal(new long[] { 2, 0, 0, 1 }, o.Counts.ToArray());
        o.Observe([-0.25f]);                 // -0.25..7 with width 2: grid -1..3 is 5 bins → width 4: grid -1..1
        Assert.Equal(2, o.Exponent);
        Assert.Equal(-1, o.FirstBin);
        Assert.Equal(new long[] { 1, 2, 1, 0 }, o.Counts.ToArray());
    }

    [Fact]
    public void Batches_in_any_order_and_split_give_the_identical_histogram()
    {
        var data = MixedData(1, 60_000);
        var whole = new TensorObserver();
        whole.Observe(data);

        var r = new Random(7);
        var batches = new List<float[]>();
        for (int start = 0; start < data.Length;)
        {
            int n = Math.Min(r.Next(1, 3000), data.Length - start);
            batches.Add(data[start..(start + n)]);
            start += n;
        }
        for (int trial = 0; trial < 4; trial++)
        {
            var order = batches.OrderBy(_ => r.Next()).ToList();
            var streamed = new TensorObserver();
            foreach (var b in order) streamed.Observe(b);
            AssertSame(whole, streamed);

            // Workers: each observes a share, then the observers merge pairwise in shuffled order.
            var workers = order.Chunk(1 + trial * 5).Select(chunk =>
            {
                var o = new TensorObserver();
                foreach (var b in chunk) o.Observe(b);
                return o;
            }).OrderBy(_ => r.Next()).ToList();
            while (workers.Count > 1)
            {
                workers[0].Merge(workers[^1]);
                workers.RemoveAt(workers.Count - 1);
                workers = workers.OrderBy(_ => r.Next()).ToList();
            }
            AssertSame(whole, workers[0]);
        }
        Assert.Equal(data.Count(float.IsFinite), whole.Count);
        Assert.Equal(data.Length - whole.Count, whole.NonFinite);
        Assert.Equal(data.Where(float.IsFinite).Min(), whole.Min);
        Assert.Equal(data.Where(float.IsFinite).Max(), whole.Max);
    }

    [Fact]
    public void Every_value_is_counted_in_the_bin_of_its_grid_cell()
    {
        var data = MixedData(2, 20_000).Where(float.IsFinite).ToArray();
        var o = new TensorObserver(bins: 512);
        foreach (var b in data.Chunk(97)) o.Observe(b);
        // Bin of x is ⌊x / w⌋ − first, found here by division and checked against the bin's edges.
        var expected = new long[o.BinCount];
        double w = o.BinWidth;
        foreach (var x in data)
        {
            long g = (long)Math.Floor(x / w);
            Assert.True(g * w <= x && x < (g + 1) * w);
            expected[(int)(g - o.FirstBin)]++;
        }
        Assert.Equal(expected, o.Counts.ToArray());
        Assert.True(o.Max - o.Min > o.BinWidth * (o.BinCount - 1) / 2 - o.BinWidth, "the grid is not needlessly coarse");
    }

    [Fact]
    public void Zero_signs_do_not_depend_on_order()
    {
        var a = new TensorObserver();
        a.Observe([-0f, 0f]);
        var b = new TensorObserver();
        b.Observe([0f]); b.Observe([-0f]);
        Assert.Equal(BitConverter.SingleToInt32Bits(a.Min), BitConverter.SingleToInt32Bits(b.Min));
        AssertSame(a, b);
    }

    [Fact]
    public void Single_value_and_huge_values_keep_grid_indices_exact()
    {
        var o = new TensorObserver();
        o.Observe([3e38f]);
        Assert.Equal(1, o.OccupiedCounts.Length);
        o.Observe([-3e38f, 1f]);
        Assert.Equal(3, o.Count);
        Assert.Equal(3, o.Counts.ToArray().Sum());
    }

    [Fact]
    public void Snapshot_round_trips_through_json_and_bytes()
    {
        var o = new TensorObserver();
        o.Observe(MixedData(3, 10_000));
        var json = JsonSerializer.Serialize(o.ToSnapshot());
        AssertSame(o, TensorObserver.FromSnapshot(JsonSerializer.Deserialize<HistogramSnapshot>(json)!));

        var bytes = o.ToBytes();
        AssertSame(o, TensorObserver.FromBytes(bytes));
        Assert.True(bytes.Length < o.BinCount * 8 / 2, $"{bytes.Length} bytes is not compact");

        var empty = new TensorObserver(64);
        AssertSame(empty, TensorObserver.FromBytes(empty.ToBytes()));

        Assert.Throws<FormatException>(() => TensorObserver.FromBytes(bytes.AsSpan(0, bytes.Length - 1)));
        var tampered = o.ToSnapshot() with { Count = o.Count + 1 };
        Assert.Throws<ArgumentException>(() => TensorObserver.FromSnapshot(tampered));
    }

    [Fact]
    public void Merging_different_bin_counts_is_refused()
    {
        var a = new TensorObserver(2048);
        var b = new TensorObserver(1024);
        b.Observe([1f]);
        var e = Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Contains("1024", e.Message);
    }

    [Fact]
    public void Ten_thousand_batches_do_not_grow_memory()
    {
        var o = new TensorObserver();
        var r = new Random(5);
        var batch = new float[256];
        void Fill(int k)
        {
            // The range keeps growing, so the grid coarsens again and again along the way.
            float scale = 1 + k / 100f;
            for (int i = 0; i < batch.Length; i++) batch[i] = (float)(r.NextDouble() - 0.3) * scale;
        }
        Fill(0);
        o.Observe(batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 1; k < 10_000; k++)
        {
            Fill(k);
            o.Observe(batch);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(TensorObserver.DefaultBins, o.Counts.Length);
        Assert.Equal(10_000L * batch.Length, o.Count);
        // Any allocation per batch (the smallest object is 24 bytes) would come to at least 240 KB over 10,000 batches.
        // A few KB can come from the runtime itself under load (tiered JIT recompiling the loop), so the bound sits between.
        Assert.True(allocated < 64 * 1024, $"observing 10,000 batches allocated {allocated} bytes");
    }
}
