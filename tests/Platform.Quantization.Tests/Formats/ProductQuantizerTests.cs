using Platform.Quantization.Formats;

namespace Platform.Quantization.Tests.Formats;

public class ProductQuantizerTests
{
    [Fact]
    public void KMeans_finds_the_means_of_two_separated_clusters()
    {
        float[] pts = [0, 0, 0, 2, 10, 10, 10, 12];
        var r = KMeans.Fit(pts, 2, 2, seed: 1);
        Assert.Equal(2, r.K);
        var cs = new[] { r.Centroids[..2], r.Centroids[2..] }.OrderBy(c => c[0]).ToArray();
        Assert.Equal([0f, 1f], cs[0]);
        Assert.Equal([10f, 11f], cs[1]);
        Assert.Equal(r.Assignments[0], r.Assignments[1]);
        Assert.Equal(r.Assignments[2], r.Assignments[3]);
        Assert.NotEqual(r.Assignments[0], r.Assignments[2]);
        Assert.Equal(4.0, r.Inertia, 6); // four points each at distance 1
    }

    [Fact]
    public void KMeans_is_deterministic_for_a_seed()
    {
        var pts = TestData.Gaussian(3000 * 4, 21);
        var a = KMeans.Fit(pts, 4, 64, 10, seed: 7);
        var b = KMeans.Fit(pts, 4, 64, 10, seed: 7);
        Assert.Equal(a.Centroids, b.Centroids);
        Assert.Equal(a.Assignments, b.Assignments);
    }

    [Fact]
    public void KMeans_assignments_are_the_nearest_centroids()
    {
        var pts = TestData.Gaussian(9000 * 3, 5); // more than one parallel chunk
        var r = KMeans.Fit(pts, 3, 37, 5, seed: 3);
        for (int i = 0; i < 9000; i += 13)
        {
            var x = pts.AsSpan(i * 3, 3);
            float best = float.MaxValue;
            int bi = -1;
            for (int c = 0; c < r.K; c++)
            {
                float d = KMeans.Distance(x, r.Centroids.AsSpan(c * 3, 3));
                if (d < best) { best = d; bi = c; }
            }
            Assert.Equal(bi, r.Assignments[i]);
        }
    }

    [Fact]
    public void Every_vector_width_finds_the_same_nearest_centroid()
    {
        if (!System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated) return; // the other widths run under DOTNET_EnableAVX512F=0
        const int dim = 5, k = 40, kPad = 48;
        var cents = TestData.Gaussian(k * dim, 12);
        var ct = new float[dim * kPad];
        Array.Fill(ct, float.PositiveInfinity);
        for (int c = 0; c < k; c++)
            for (int j = 0; j < dim; j++) ct[j * kPad + c] = cents[c * dim + j];
        var pts = TestData.Gaussian(500 * dim, 13);
        // a point on a centroid, and ties: two copies of centroid 3 at 3 and 33
        cents.AsSpan(3 * dim, dim).CopyTo(pts);
        for (int j = 0; j < dim; j++) ct[j * kPad + 33] = cents[3 * dim + j];
        for (int i = 0; i < 500; i++)
        {
            var x = pts.AsSpan(i * dim, dim);
            Assert.Equal(KMeans.NearestVector(x, ct, kPad), KMeans.Nearest512(x, ct, kPad));
        }
        Assert.Equal((0f, 3), KMeans.Nearest512(pts.AsSpan(0, dim), ct, kPad));
    }

    [Fact]
    public void Fewer_points_than_k_gives_k_equal_to_the_count()
    {
        var pts = TestData.Gaussian(8 * 4, 1);
        var r = KMeans.Fit(pts, 4, 256);
        Assert.Equal(8, r.K);
        Assert.Equal(0.0, r.Inertia);
    }

    [Fact]
    public void Reconstructs_exactly_when_distinct_subvectors_do_not_exceed_k()
    {
        // 16 channels × 8 sub-vectors of 4, drawn from 5 distinct patterns
        var patterns = TestData.Gaussian(5 * 4, 4);
        var rng = new Random(2);
        var w = new float[16 * 32];
        for (int s = 0; s < 16 * 8; s++) patterns.AsSpan(rng.Next(5) * 4, 4).CopyTo(w.AsSpan(s * 4, 4));
        var q = ProductQuantizer.Quantize(w, [16, 32], 0, k: 8, d: 4);
        Assert.Equal(5, q.K);
        Assert.Equal(w, q.Dequantize());
        Assert.Equal(16 * 8 + 5 * 4 * 4, q.SizeBytes);
    }

    [Fact]
    public void Sqnr_improves_with_larger_k()
    {
        var w = TestData.Gaussian(64 * 64, 8);
        double prev = double.NegativeInfinity;
        foreach (int k in new[] { 4, 16, 64, 256 })
        {
            var q = ProductQuantizer.Quantize(w, [64, 64], 0, k: k, d: 4);
            double sqnr = WeightQuantizer.SqnrDb(w, q.Dequantize());
            Assert.True(sqnr > prev + 1, $"k={k}: {sqnr:0.00} dB is not above {prev:0.00} dB");
            prev = sqnr;
        }
    }

    [Fact]
    public void Conv_rows_are_cut_along_the_flattened_input_and_kernel()
    {
        var w = TestData.Gaussian(8 * 4 * 9, 3);
        var q = ProductQuantizer.Quantize(w, [8, 4, 3, 3], 0, k: 16);
        Assert.Equal(9, q.D);
        Assert.Equal(8 * 4, q.SubvectorCount);
        var d = q.Dequantize();
        // every 3x3 kernel is replaced by its codeword
        for (int s = 0; s < 32; s++)
            Assert.Equal(q.Codebook.AsSpan(q.Code(s) * 9, 9).ToArray(), d.AsSpan(s * 9, 9).ToArray());
    }

    [Theory]
    [InlineData(new[] { 8, 4, 3, 3 }, 0, 9)]
    [InlineData(new[] { 8, 16, 1, 1 }, 0, 4)]
    [InlineData(new[] { 10, 16 }, 0, 4)]
    [InlineData(new[] { 10, 6 }, 0, 3)]
    [InlineData(new[] { 6, 10 }, 1, 3)]
    [InlineData(new[] { 10, 7 }, 0, 1)]
    public void Default_subvector_length_follows_the_shape(int[] shape, int axis, int d) =>
        Assert.Equal(d, ProductQuantizer.DefaultSubvectorLength(shape, axis));

    [Fact]
    public void A_subvector_length_that_does_not_divide_the_row_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ProductQuantizer.Quantize(new float[40], [4, 10], 0, d: 4));
        Assert.Contains("d=4", e.Message);
        Assert.Contains("[4,10]", e.Message);
    }

    [Fact]
    public void More_than_256_codewords_take_two_bytes_per_code()
    {
        var w = TestData.Gaussian(300 * 2 * 4, 6);
        var q = ProductQuantizer.Quantize(w, [300, 8], 0, k: 512, d: 4, iterations: 3);
        Assert.True(q.K > 256);
        Assert.Equal(2, q.CodeBytes);
        Assert.Equal(600 * 2 + q.K * 4 * 4, q.SizeBytes);
        Assert.Contains(Enumerable.Range(0, q.SubvectorCount), s => q.Code(s) > 255);
    }
}
