namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: the update in float in the kernel's operation order; the norm's sums in double.</summary>
internal sealed class AdamCpu : Adam.IBackend
{
    public void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h)
    {
        float stepSize = h.StepSize, bc2 = h.BiasCorrection2Sqrt, omb1 = h.OneMinusBeta1, omb2 = h.OneMinusBeta2;
        float beta1 = (float)h.Beta1, beta2 = (float)h.Beta2, eps = (float)h.Epsilon, wd = (float)h.WeightDecay;
        var ps = Launch.Span(param, n);
        var gs = Launch.Span(grad, n);
        var ms = Launch.Span(m, n);
        var vs = Launch.Span(v, n);
        float scale = Launch.Array(gradScale)[0];
        for (int i = 0; i < ps.Length; i++)
        {
            float p = ps[i];
            float g = gs[i] * scale;
            if (wd != 0f)
                g = g + wd * p;
            float mi = beta1 * ms[i] + omb1 * g;
            float vi = beta2 * vs[i] + omb2 * g * g;
            ms[i] = mi;
            vs[i] = vi;
            float denom = MathF.Sqrt(vi) / bc2 + eps;
            ps[i] = p - stepSize * mi / denom;
        }
    }

    public void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot)
    {
        double acc = 0;
        foreach (var v in Launch.Span(x, n))
            acc += (double)v * v;
        Launch.Array(sums)[slot] = (float)acc;
    }

    public void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result)
    {
        double acc = 0;
        foreach (var v in Launch.Span(sums, count))
            acc += v;
        float norm = MathF.Sqrt((float)acc);
        var output = Launch.Array(result);
        output[0] = float.MinNumber(1f, maxNorm / (norm + 1e-6f));
        output[1] = norm;
    }
}
