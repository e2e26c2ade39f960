using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: PReLU vectorised plane by plane, the rest plain loops.</summary>
internal sealed class ActivationsCpu : Activations.IBackend
{
    // Below this many elements the loops run on the calling thread: sharing them costs more than it saves.
    private const long ParallelThreshold = 1 << 16;

    public void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n) => ElementwiseCpu.Zip(x, x, y, n, new Leaky(slope));

    public void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        ElementwiseCpu.Zip(x, gy, gx, n, new Leaky(slope));

    public void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n)
    {
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var ys = Launch.Array(y);
        ForEachPlane(n, plane, p => ScaleNonPositive(xs.AsSpan(p * plane, plane), xs.AsSpan(p * plane, plane), ss[p % slopes], ys.AsSpan(p * plane, plane)));
    }

    public void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var gys = Launch.Array(gy);
        var gxs = Launch.Array(gx);
        ForEachPlane(n, plane, p => ScaleNonPositive(xs.AsSpan(p * plane, plane), gys.AsSpan(p * plane, plane), ss[p % slopes], gxs.AsSpan(p * plane, plane)));
    }

    public void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        var xs = Launch.Array(x);
        var gys = Launch.Array(gy);
        var gs = Launch.Array(gslope);
        long batches = n / ((long)slopes * plane);
        Parallel.For(0, slopes, s =>
        {
            double acc = 0;
            for (long b = 0; b < batches; b++)
            {
                int start = checked((int)((b * slopes + s) * plane));
                acc += NonPositiveDot(xs.AsSpan(start, plane), gys.AsSpan(start, plane));
            }
            gs[s] = (float)acc;
        });
    }

    public void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n) => ElementwiseCpu.Map(x, y, n, new Logistic());

    public void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => ElementwiseCpu.Zip(y, gy, gx, n, new LogisticGradient());

    public void Tanh(DeviceBuffer x, DeviceBuffer y, long n) => ElementwiseCpu.Map(x, y, n, new Hyperbolic());

    public void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => ElementwiseCpu.Zip(y, gy, gx, n, new HyperbolicGradient());

    /// <summary>Runs body(p) for every plane of n elements: in parallel when there is enough work to share.</summary>
    private static void ForEachPlane(long n, int plane, Action<int> body)
    {
        int planes = checked((int)(n / plane));
        if (n < ParallelThreshold)
            for (int p = 0; p < planes; p++)
                body(p);
        else
            Parallel.For(0, planes, body);
    }

    /// <summary>result = value where x &gt; 0, else slope·value.</summary>
    private static void ScaleNonPositive(ReadOnlySpan<float> x, ReadOnlySpan<float> value, float slope, Span<float> result)
    {
        int i = 0;
        var vs = new Vector<float>(slope);
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var v = new Vector<float>(value[i..]);
            Vector.ConditionalSelect(Vector.GreaterThan(new Vector<float>(x[i..]), Vector<float>.Zero), v, vs * v).CopyTo(result[i..]);
        }
        for (; i < x.Length; i++)
            result[i] = x[i] > 0 ? value[i] : slope * value[i];
    }

    /// <summary>Σ x·gy over the elements with x ≤ 0.</summary>
    private static float NonPositiveDot(ReadOnlySpan<float> x, ReadOnlySpan<float> gy)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var xv = new Vector<float>(x[i..]);
            acc += Vector.ConditionalSelect(Vector.LessThanOrEqual(xv, Vector<float>.Zero), xv * new Vector<float>(gy[i..]), Vector<float>.Zero);
        }
        float sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
            if (x[i] <= 0)
                sum += x[i] * gy[i];
        return sum;
    }

    /// <summary>v where x &gt; 0, else slope·v: leaky ReLU (v = x) and its gradient (v = gy).</summary>
    private readonly record struct Leaky(float Slope) : ElementwiseCpu.IZip
    {
        public float Apply(float x, float v) => x > 0 ? v : Slope * v;
    }

    private readonly record struct Logistic : ElementwiseCpu.IMap
    {
        public float Apply(float x) => 1f / (1f + MathF.Exp(-x));
    }

    /// <summary>gy·y·(1 − y) from sigmoid's output y.</summary>
    private readonly record struct LogisticGradient : ElementwiseCpu.IZip
    {
        public float Apply(float y, float g) => g * y * (1f - y);
    }

    private readonly record struct Hyperbolic : ElementwiseCpu.IMap
    {
        public float Apply(float x) => MathF.Tanh(x);
    }

    /// <summary>gy·(1 − y²) from tanh's output y.</summary>
    private readonly record struct HyperbolicGradient : ElementwiseCpu.IZip
    {
        public float Apply(float y, float g) => g * (1f - y * y);
    }
}
