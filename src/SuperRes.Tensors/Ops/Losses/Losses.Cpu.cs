using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: the mean accumulates in double, per fixed chunk (<see cref="CpuChunks.Sum"/>), so it is
/// deterministic whatever the core count; the gradients are vectorised, chunked element loops.
/// </summary>
internal sealed class LossesCpu : Losses.IBackend
{
    public void Mean(Losses.Kind kind, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result)
    {
        _ = Launch.Span(p, n); // these throw when n overruns a buffer, before any work starts
        _ = Launch.Span(t, n);
        var ps = Launch.Array(p);
        var ts = Launch.Array(t);
        double total = CpuChunks.Sum(n, (start, end) => kind == Losses.Kind.L1
            ? AbsoluteDifferences(ps.AsSpan(start, end - start), ts.AsSpan(start, end - start))
            : SquaredDifferences(ps.AsSpan(start, end - start), ts.AsSpan(start, end - start)));
        Launch.Array(result)[0] = (float)(total / n);
    }

    public void Backward(Losses.Kind kind, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n)
    {
        float g = scale * Launch.Array(gy)[0];
        if (kind == Losses.Kind.L1)
            ElementwiseCpu.Zip(p, t, gp, n, new SignTimes(g));
        else
            ElementwiseCpu.Zip(p, t, gp, n, new DifferenceTimes(g));
    }

    private interface ITerm
    {
        double Of(double d);

        Vector<double> Of(Vector<double> d);
    }

    private static double AbsoluteDifferences(ReadOnlySpan<float> p, ReadOnlySpan<float> t) => SumOfTerms(p, t, new Absolute());

    private static double SquaredDifferences(ReadOnlySpan<float> p, ReadOnlySpan<float> t) => SumOfTerms(p, t, new Squared());

    /// <summary>Σ term(p − t) in double (each float widened before subtracting, so the difference is exact).</summary>
    private static double SumOfTerms<TTerm>(ReadOnlySpan<float> p, ReadOnlySpan<float> t, TTerm term) where TTerm : struct, ITerm
    {
        var acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(CpuChunks.Load(p, i), out var pLow, out var pHigh);
            Vector.Widen(CpuChunks.Load(t, i), out var tLow, out var tHigh);
            acc += term.Of(pLow - tLow) + term.Of(pHigh - tHigh);
        }
        double sum = Vector.Sum(acc);
        for (; i < p.Length; i++)
            sum += term.Of((double)p[i] - t[i]);
        return sum;
    }

    private readonly struct Absolute : ITerm
    {
        public double Of(double d) => Math.Abs(d);

        public Vector<double> Of(Vector<double> d) => Vector.Abs(d);
    }

    private readonly struct Squared : ITerm
    {
        public double Of(double d) => d * d;

        public Vector<double> Of(Vector<double> d) => d * d;
    }

    /// <summary>g·sign(p − t), with sign(0) = 0 (and 0 where p − t is NaN).</summary>
    private readonly record struct SignTimes(float G) : ElementwiseCpu.IZip
    {
        public float Apply(float p, float t)
        {
            float d = p - t;
            return d > 0 ? G : d < 0 ? -G : 0f;
        }

        public Vector<float> Apply(Vector<float> p, Vector<float> t)
        {
            var d = p - t;
            return Vector.ConditionalSelect(Vector.GreaterThan(d, Vector<float>.Zero), new Vector<float>(G),
                Vector.ConditionalSelect(Vector.LessThan(d, Vector<float>.Zero), new Vector<float>(-G), Vector<float>.Zero));
        }
    }

    private readonly record struct DifferenceTimes(float G) : ElementwiseCpu.IZip
    {
        public float Apply(float p, float t) => G * (p - t);

        public Vector<float> Apply(Vector<float> p, Vector<float> t) => G * (p - t);
    }
}
