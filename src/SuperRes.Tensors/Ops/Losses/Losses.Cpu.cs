namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: the mean accumulates in double.</summary>
internal sealed class LossesCpu : Losses.IBackend
{
    public void Mean(Losses.Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result)
    {
        var ps = Launch.Span(p, n);
        var ts = Launch.Span(t, n);
        double acc = 0;
        for (int i = 0; i < ps.Length; i++)
        {
            double d = (double)ps[i] - ts[i];
            acc += kind == Losses.Kind.L1 ? Math.Abs(d) : d * d;
        }
        Launch.Array(result)[0] = (float)(acc / n);
    }

    public void Backward(Losses.Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n)
    {
        float g = scale * Launch.Array(gy)[0];
        if (kind == Losses.Kind.L1)
            ElementwiseCpu.Zip(p, t, gp, n, new SignTimes(g));
        else
            ElementwiseCpu.Zip(p, t, gp, n, new DifferenceTimes(g));
    }

    /// <summary>g·sign(p − t), with sign(0) = 0.</summary>
    private readonly record struct SignTimes(float G) : ElementwiseCpu.IZip
    {
        public float Apply(float p, float t)
        {
            float d = p - t;
            return d > 0 ? G : d < 0 ? -G : 0f;
        }
    }

    private readonly record struct DifferenceTimes(float G) : ElementwiseCpu.IZip
    {
        public float Apply(float p, float t) => G * (p - t);
    }
}
