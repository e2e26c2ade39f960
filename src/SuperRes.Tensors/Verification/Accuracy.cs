namespace SuperRes.Tensors.Verification;

public static class Accuracy
{
    /// <summary>
    /// max |actual − expected| / max |expected|: the error relative to the tensor's own scale, so values
    /// near zero in a large tensor do not blow up the figure. NaN anywhere, or a length mismatch, gives +∞.
    /// </summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            return double.PositiveInfinity;
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double a = actual[i], e = expected[i];
            if (double.IsNaN(a) || double.IsNaN(e) || double.IsInfinity(a) != double.IsInfinity(e))
                return double.PositiveInfinity;
            maxDiff = Math.Max(maxDiff, Math.Abs(a - e));
            maxRef = Math.Max(maxRef, Math.Abs(e));
        }
        return maxDiff == 0 ? 0 : maxDiff / Math.Max(maxRef, 1e-30);
    }
}
