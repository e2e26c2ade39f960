namespace SuperRes.Tensors.Verification;

/// <summary>Random test inputs. Uniform in [lo, hi) — never all zeros, so unwritten or mis-indexed outputs show.</summary>
public static class RandomData
{
    public static float[] Uniform(Random rng, long length, float lo = -1f, float hi = 1f)
    {
        var data = new float[length];
        for (long i = 0; i < length; i++)
            data[i] = lo + (hi - lo) * rng.NextSingle();
        return data;
    }

    /// <summary>Values bounded away from zero by <paramref name="gap"/>, for ops with a kink at 0 (ReLU, |x|).</summary>
    public static float[] AwayFromZero(Random rng, long length, float gap = 0.05f, float max = 1f)
    {
        var data = new float[length];
        for (long i = 0; i < length; i++)
        {
            float magnitude = gap + (max - gap) * rng.NextSingle();
            data[i] = rng.Next(2) == 0 ? magnitude : -magnitude;
        }
        return data;
    }
}
