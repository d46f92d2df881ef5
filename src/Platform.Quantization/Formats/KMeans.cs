using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Platform.Quantization.Formats;

/// <summary>
/// Lloyd's k-means with k-means++ seeding, deterministic for a seed (also under parallel assignment:
/// each point's nearest centroid is computed independently, and sums are accumulated sequentially).
/// </summary>
/// <remarks>
/// Distances are Σ(x−c)² computed directly rather than as ‖x‖²−2x·c+‖c‖²: that costs one extra
/// subtraction per term but never cancels, so a point equal to a centroid is always at distance 0
/// and exact reconstruction holds when there are no more distinct points than centroids. Centroids are
/// held transposed (dim × k, padded to the vector width with +∞) so one vector computes the distance
/// of a point to several centroids at once. Ties go to the lowest centroid index.
/// </remarks>
public static class KMeans
{
    /// <param name="points">n × dim, row-major.</param>
    /// <param name="k">Wanted centroids; fewer when there are fewer points, or fewer distinct points.</param>
    public static KMeansResult Fit(ReadOnlySpan<float> points, int dim, int k, int iterations = 20, int seed = 0)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Points need at least one dimension.");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k-means needs k >= 1.");
        if (iterations < 0) throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "Iterations cannot be negative.");
        if (points.Length % dim != 0) throw new ArgumentException($"{points.Length} values are not a whole number of {dim}-dimensional points.", nameof(points));
        for (int i = 0; i < points.Length; i++)
            if (!float.IsFinite(points[i])) throw new ArgumentException($"Point {i / dim} has a non-finite coordinate ({points[i]}).", nameof(points));
        int n = points.Length / dim;
        if (n == 0) return new KMeansResult(0, dim, [], [], 0, 0);
        var data = points.ToArray();

        var centroids = SeedPlusPlus(data, n, dim, Math.Min(k, n), seed);
        k = centroids.Length / dim;
        var assign = new int[n];
        var dist = new float[n];
        Assign(data, n, dim, centroids, k, assign, dist, first: true);
        int it = 0;
        while (it < iterations)
        {
            it++;
            Update(data, n, dim, centroids, k, assign, dist);
            if (!Assign(data, n, dim, centroids, k, assign, dist, first: false)) break;
        }
        double inertia = 0;
        foreach (var d in dist) inertia += d;
        return new KMeansResult(k, dim, centroids, assign, it, inertia);
    }

    internal static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0;
        for (int j = 0; j < a.Length; j++)
        {
            float t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }

    private static float[] SeedPlusPlus(float[] data, int n, int dim, int k, int seed)
    {
        // structure-of-arrays copy: distances to one centre vectorize across points
        var soa = new float[(long)dim * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < dim; j++) soa[(long)j * n + i] = data[(long)i * dim + j];
        var rng = new Random(seed);
        var chosen = new List<int>(k) { rng.Next(n) };
        var minD = new float[n];
        UpdateMin(data, soa, n, dim, chosen[0], minD, first: true);
        while (chosen.Count < k)
        {
            double total = 0;
            for (int i = 0; i < n; i++) total += minD[i];
            // every point coincides with a chosen one: more centroids would be duplicates
            if (total <= 0) break;
            double r = rng.NextDouble() * total, acc = 0;
            int pick = -1, lastPositive = -1;
            for (int i = 0; i < n; i++)
            {
                if (minD[i] <= 0) continue;
                lastPositive = i;
                acc += minD[i];
                if (acc > r) { pick = i; break; }
            }
            if (pick < 0) pick = lastPositive;
            chosen.Add(pick);
            UpdateMin(data, soa, n, dim, pick, minD, first: false);
        }
        var c = new float[chosen.Count * dim];
        for (int i = 0; i < chosen.Count; i++) data.AsSpan(chosen[i] * dim, dim).CopyTo(c.AsSpan(i * dim, dim));
        return c;
    }

    private static void UpdateMin(float[] data, float[] soa, int n, int dim, int center, float[] minD, bool first)
    {
        var cen = data.AsSpan(center * dim, dim).ToArray();
        ParallelChunks(n, (lo, hi) =>
        {
            ref float s0 = ref MemoryMarshal.GetArrayDataReference(soa);
            ref float m0 = ref MemoryMarshal.GetArrayDataReference(minD);
            int i = lo;
            int w = Vector<float>.Count;
            for (; i <= hi - w; i += w)
            {
                var acc = Vector<float>.Zero;
                for (int j = 0; j < dim; j++)
                {
                    var t = Vector.LoadUnsafe(ref s0, (nuint)((long)j * n + i)) - new Vector<float>(cen[j]);
                    acc += t * t;
                }
                var old = Vector.LoadUnsafe(ref m0, (nuint)i);
                (first ? acc : Vector.Min(acc, old)).StoreUnsafe(ref m0, (nuint)i);
            }
            for (; i < hi; i++)
            {
                float d = Distance(data.AsSpan(i * dim, dim), cen);
                if (first || d < minD[i]) minD[i] = d;
            }
            return false;
        });
    }

    /// <returns>Whether any assignment changed (always true on the first call).</returns>
    private static bool Assign(float[] data, int n, int dim, float[] centroids, int k, int[] assign, float[] dist, bool first)
    {
        bool wide = Vector512.IsHardwareAccelerated;
        int w = wide ? Vector512<float>.Count : Vector<float>.Count;
        int kPad = (k + w - 1) / w * w;
        var ct = new float[dim * kPad];
        Array.Fill(ct, float.PositiveInfinity);
        for (int c = 0; c < k; c++)
            for (int j = 0; j < dim; j++) ct[j * kPad + c] = centroids[c * dim + j];

        return ParallelChunks(n, (lo, hi) =>
        {
            bool any = false;
            for (int i = lo; i < hi; i++)
            {
                var x = data.AsSpan(i * dim, dim);
                var (bv, bi) = wide ? Nearest512(x, ct, kPad) : NearestVector(x, ct, kPad);
                if (first || assign[i] != bi) any = true;
                assign[i] = bi;
                dist[i] = bv;
            }
            return any;
        });
    }

    // Per lane, the first strictly smaller distance wins; the lane reduction then takes the smallest
    // index among equal minima, so the result is the lowest-index nearest centroid whatever the width.
    internal static (float, int) Nearest512(ReadOnlySpan<float> x, float[] ct, int kPad)
    {
        int w = Vector512<float>.Count;
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(ct);
        var best = Vector512.Create(float.PositiveInfinity);
        var bestIdx = Vector512<int>.Zero;
        var idx = Vector512<int>.Indices;
        var step = Vector512.Create(w);
        for (int b = 0; b < kPad; b += w)
        {
            var acc = Vector512<float>.Zero;
            for (int j = 0; j < x.Length; j++)
            {
                var t = Vector512.Create(x[j]) - Vector512.LoadUnsafe(ref c0, (nuint)(j * kPad + b));
                acc += t * t;
            }
            var lt = Vector512.LessThan(acc, best);
            best = Vector512.ConditionalSelect(lt, acc, best);
            bestIdx = Vector512.ConditionalSelect(lt.AsInt32(), idx, bestIdx);
            idx += step;
        }
        Span<float> bvs = stackalloc float[Vector512<float>.Count];
        Span<int> bis = stackalloc int[Vector512<int>.Count];
        best.CopyTo(bvs);
        bestIdx.CopyTo(bis);
        return Reduce(bvs, bis);
    }

    internal static (float, int) NearestVector(ReadOnlySpan<float> x, float[] ct, int kPad)
    {
        int w = Vector<float>.Count;
        ref float c0 = ref MemoryMarshal.GetArrayDataReference(ct);
        var best = new Vector<float>(float.PositiveInfinity);
        var bestIdx = Vector<int>.Zero;
        var idx = Vector<int>.Indices;
        var step = new Vector<int>(w);
        for (int b = 0; b < kPad; b += w)
        {
            var acc = Vector<float>.Zero;
            for (int j = 0; j < x.Length; j++)
            {
                var t = new Vector<float>(x[j]) - Vector.LoadUnsafe(ref c0, (nuint)(j * kPad + b));
                acc += t * t;
            }
            var lt = Vector.LessThan(acc, best);
            best = Vector.ConditionalSelect(lt, acc, best);
            bestIdx = Vector.ConditionalSelect(lt, idx, bestIdx);
            idx += step;
        }
        Span<float> bvs = stackalloc float[Vector<float>.Count];
        Span<int> bis = stackalloc int[Vector<int>.Count];
        best.CopyTo(bvs);
        bestIdx.CopyTo(bis);
        return Reduce(bvs, bis);
    }

    private static (float, int) Reduce(ReadOnlySpan<float> bvs, ReadOnlySpan<int> bis)
    {
        float bv = float.PositiveInfinity;
        int bi = int.MaxValue;
        for (int l = 0; l < bvs.Length; l++)
            if (bvs[l] < bv || (bvs[l] == bv && bis[l] < bi)) { bv = bvs[l]; bi = bis[l]; }
        // only when every distance overflowed to +inf
        return bi == int.MaxValue ? (bv, 0) : (bv, bi);
    }

    private static void Update(float[] data, int n, int dim, float[] centroids, int k, int[] assign, float[] dist)
    {
        var sums = new double[k * dim];
        var counts = new int[k];
        for (int i = 0; i < n; i++)
        {
            int c = assign[i];
            counts[c]++;
            for (int j = 0; j < dim; j++) sums[c * dim + j] += data[i * dim + j];
        }
        for (int c = 0; c < k; c++)
        {
            if (counts[c] == 0) continue;
            for (int j = 0; j < dim; j++) centroids[c * dim + j] = (float)(sums[c * dim + j] / counts[c]);
        }
        // An empty cluster takes the point worst served by its centroid (as scikit-learn does): it
        // cuts the largest error term and keeps all k centroids in use.
        for (int c = 0; c < k; c++)
        {
            if (counts[c] != 0) continue;
            int far = 0;
            for (int i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
            if (dist[far] <= 0) continue;
            data.AsSpan(far * dim, dim).CopyTo(centroids.AsSpan(c * dim, dim));
            dist[far] = 0;
        }
    }

    private const int ChunkSize = 4096;

    /// <summary>Runs body over [lo, hi) chunks, in parallel when there is enough work; ORs the results.</summary>
    private static bool ParallelChunks(int n, Func<int, int, bool> body)
    {
        int chunks = (n + ChunkSize - 1) / ChunkSize;
        if (chunks <= 1) return body(0, n);
        int any = 0;
        Parallel.For(0, chunks, ch =>
        {
            int lo = ch * ChunkSize, hi = Math.Min(n, lo + ChunkSize);
            if (body(lo, hi)) Interlocked.Exchange(ref any, 1);
        });
        return any != 0;
    }
}
