namespace Platform.Quantization.Operators.MathOperators;

/// <summary>
/// erf in double precision (.NET has none). Small |x|: the Maclaurin series, whose alternating
/// terms stay below ~100 for |x| &lt; 2.5 so at most two digits cancel. Larger |x|: erfc from its
/// continued fraction, which converges fast there; erf is then 1 - erfc.
/// </summary>
internal static class ErrorFunction
{
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double OneOverSqrtPi = 0.5641895835477563;

    public static double Erf(double x)
    {
        double ax = System.Math.Abs(x);
        if (double.IsNaN(x)) return x;
        if (ax < 2.5)
        {
            double x2 = x * x, sum = x, term = x;
            for (int n = 1; n < 60; n++)
            {
                term *= -x2 / n;
                double c = term / (2 * n + 1);
                sum += c;
                if (System.Math.Abs(c) <= 1e-17 * System.Math.Abs(sum)) break;
            }
            return sum * TwoOverSqrtPi;
        }
        if (ax >= 6) return System.Math.Sign(x);
        double r = 1 - Erfc(ax);
        return x < 0 ? -r : r;
    }

    /// <summary>erfc for x ≥ 2.5.</summary>
    private static double Erfc(double x)
    {
        double t = x;
        for (int n = ContinuedFractionTerms; n > 0; n--) t = x + n * 0.5 / t;
        return System.Math.Exp(-x * x) * OneOverSqrtPi / t;
    }

    private const int ContinuedFractionTerms = 40;
}
