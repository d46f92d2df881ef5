namespace Platform.Quantization.Tests.Formats;

internal static class TestData
{
    public static float[] Gaussian(int n, int seed, float sigma = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
            a[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return a;
    }
}
