namespace Platform.Quantization.Formats;

/// <summary>The outcome of <see cref="KMeans.Fit"/>.</summary>
/// <param name="Centroids">K × Dim, row-major.</param>
/// <param name="Assignments">The nearest centroid of each point, under the final centroids.</param>
/// <param name="Iterations">Lloyd iterations run (fewer than asked when the assignments stopped changing).</param>
/// <param name="Inertia">Sum of squared distances of the points to their centroids.</param>
public sealed record KMeansResult(int K, int Dim, float[] Centroids, int[] Assignments, int Iterations, double Inertia);
