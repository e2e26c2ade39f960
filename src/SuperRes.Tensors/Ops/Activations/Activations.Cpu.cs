using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: vectorised, chunked loops (<see cref="CpuChunks"/>); PReLU walks the planes inside each chunk.
/// Sigmoid and tanh apply MathF lane by lane (no vector exp here rounds like MathF.Exp), still chunked.
/// </summary>
internal sealed class ActivationsCpu : Activations.IBackend
{
    public void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n) => ElementwiseCpu.Zip(x, x, y, n, new Leaky(slope));

    public void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n) =>
        ElementwiseCpu.Zip(x, gy, gx, n, new Leaky(slope));

    public void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n)
    {
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var ys = Launch.Array(y);
        ForEachPlane(n, plane, (p, i, length) => ScaleNonPositive(xs.AsSpan(i, length), xs.AsSpan(i, length), ss[p % slopes], ys.AsSpan(i, length)));
    }

    public void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var gys = Launch.Array(gy);
        var gxs = Launch.Array(gx);
        ForEachPlane(n, plane, (p, i, length) => ScaleNonPositive(xs.AsSpan(i, length), gys.AsSpan(i, length), ss[p % slopes], gxs.AsSpan(i, length)));
    }

    public void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        var xs = Launch.Array(x);
        var gys = Launch.Array(gy);
        var gs = Launch.Array(gslope);
        long batches = n / ((long)slopes * plane);
        CpuChunks.ForEachTask(slopes, s =>
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

    /// <summary>body(plane index, first element, length) over the runs of [0, n) that lie in one plane.</summary>
    private static void ForEachPlane(long n, int plane, Action<int, int, int> body) =>
        CpuChunks.ForSegments(n, plane, (p, start, end) => body(p, p * plane + start, end - start));

    /// <summary>result = value where x &gt; 0, else slope·value.</summary>
    private static void ScaleNonPositive(ReadOnlySpan<float> x, ReadOnlySpan<float> value, float slope, Span<float> result)
    {
        int i = 0;
        var vs = new Vector<float>(slope);
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var v = CpuChunks.Load(value, i);
            CpuChunks.Store(Vector.ConditionalSelect(Vector.GreaterThan(CpuChunks.Load(x, i), Vector<float>.Zero), v, vs * v), result, i);
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
    internal readonly record struct Leaky(float Slope) : ElementwiseCpu.IZip
    {
        public float Apply(float x, float v) => x > 0 ? v : Slope * v;

        public Vector<float> Apply(Vector<float> x, Vector<float> v) =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), v, Slope * v);
    }

    private readonly record struct Logistic : ElementwiseCpu.IMap
    {
        public float Apply(float x) => 1f / (1f + MathF.Exp(-x));

        public Vector<float> Apply(Vector<float> x) => ElementwiseCpu.PerLane(x, this);
    }

    /// <summary>gy·y·(1 − y) from sigmoid's output y.</summary>
    private readonly record struct LogisticGradient : ElementwiseCpu.IZip
    {
        public float Apply(float y, float g) => g * y * (1f - y);

        public Vector<float> Apply(Vector<float> y, Vector<float> g) => g * y * (Vector<float>.One - y);
    }

    private readonly record struct Hyperbolic : ElementwiseCpu.IMap
    {
        public float Apply(float x) => MathF.Tanh(x);

        public Vector<float> Apply(Vector<float> x) => ElementwiseCpu.PerLane(x, this);
    }

    /// <summary>gy·(1 − y²) from tanh's output y.</summary>
    private readonly record struct HyperbolicGradient : ElementwiseCpu.IZip
    {
        public float Apply(float y, float g) => g * (1f - y * y);

        public Vector<float> Apply(Vector<float> y, Vector<float> g) => g * (Vector<float>.One - y * y);
    }
}
