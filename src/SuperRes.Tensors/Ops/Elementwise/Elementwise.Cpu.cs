using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: loops over the buffers' host arrays, a vector at a time with a scalar tail, shared between
/// cores in fixed chunks (<see cref="CpuChunks"/>). The element functions are structs so each loop is compiled for
/// its own function, as fast as a hand-written one (a delegate call per element costs several times more). The
/// vector and scalar forms of a function round alike, so where the tail falls changes no result.
/// </summary>
internal sealed class ElementwiseCpu : Elementwise.IBackend
{
    public interface IMap
    {
        float Apply(float x);

        Vector<float> Apply(Vector<float> x);
    }

    public interface IZip
    {
        float Apply(float a, float b);

        Vector<float> Apply(Vector<float> a, Vector<float> b);
    }

    public void Fill(DeviceBuffer y, float value, long n)
    {
        var ys = Launch.Array(y);
        CpuChunks.For(n, (start, end) => ys.AsSpan(start, end - start).Fill(value));
    }

    public void Copy(DeviceBuffer x, DeviceBuffer y, long n)
    {
        var xs = Launch.Array(x);
        var ys = Launch.Array(y);
        CpuChunks.For(n, (start, end) => xs.AsSpan(start, end - start).CopyTo(ys.AsSpan(start, end - start)));
    }

    public void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n) => Map(x, y, n, new Scaled(a));

    public void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n) => Zip(y, x, y, n, new PlusScaled(a));

    public void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, new PlusScaled(1f));

    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, new Product());

    public void Relu(DeviceBuffer x, DeviceBuffer y, long n) => Map(x, y, n, new Rectified());

    public void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Zip(y, gy, gx, n, new WherePositive());

    /// <summary>y[i] = f(x[i]); y may be x.</summary>
    public static void Map<TMap>(DeviceBuffer x, DeviceBuffer y, long n, TMap f) where TMap : struct, IMap
    {
        _ = Launch.Span(x, n); // these throw when n overruns a buffer, before any work starts
        _ = Launch.Span(y, n);
        var xs = Launch.Array(x);
        var ys = Launch.Array(y);
        CpuChunks.For(n, (start, end) => MapRange(xs.AsSpan(start, end - start), ys.AsSpan(start, end - start), f));
    }

    /// <summary>y[i] = f(a[i], b[i]); y may be a or b.</summary>
    public static void Zip<TZip>(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n, TZip f) where TZip : struct, IZip
    {
        _ = Launch.Span(a, n); // these throw when n overruns a buffer, before any work starts
        _ = Launch.Span(b, n);
        _ = Launch.Span(y, n);
        var sa = Launch.Array(a);
        var sb = Launch.Array(b);
        var sy = Launch.Array(y);
        CpuChunks.For(n, (start, end) =>
            ZipRange(sa.AsSpan(start, end - start), sb.AsSpan(start, end - start), sy.AsSpan(start, end - start), f));
    }

    /// <summary>y[i] = f(x[i]) over one run, on the calling thread.</summary>
    public static void MapRange<TMap>(ReadOnlySpan<float> x, Span<float> y, TMap f) where TMap : struct, IMap
    {
        int i = 0;
        for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            CpuChunks.Store(f.Apply(CpuChunks.Load(x, i)), y, i);
        for (; i < x.Length; i++)
            y[i] = f.Apply(x[i]);
    }

    /// <summary>y[i] = f(a[i], b[i]) over one run, on the calling thread.</summary>
    public static void ZipRange<TZip>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y, TZip f) where TZip : struct, IZip
    {
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            CpuChunks.Store(f.Apply(CpuChunks.Load(a, i), CpuChunks.Load(b, i)), y, i);
        for (; i < a.Length; i++)
            y[i] = f.Apply(a[i], b[i]);
    }

    /// <summary>f applied lane by lane: for functions without a vector form that rounds like the scalar one.</summary>
    public static Vector<float> PerLane<TMap>(Vector<float> x, TMap f) where TMap : struct, IMap
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        x.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
            lanes[i] = f.Apply(lanes[i]);
        return new Vector<float>(lanes);
    }

    internal readonly record struct Scaled(float A) : IMap
    {
        public float Apply(float x) => A * x;

        public Vector<float> Apply(Vector<float> x) => A * x;
    }

    /// <summary>a + s·b: axpy, the residual add, and add (s = 1, exact: 1·b = b).</summary>
    internal readonly record struct PlusScaled(float S) : IZip
    {
        public float Apply(float a, float b) => a + S * b;

        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a + S * b;
    }

    private readonly record struct Product : IZip
    {
        public float Apply(float a, float b) => a * b;

        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b;
    }

    /// <summary>max(x, 0) as Math.Max rounds it: NaN stays NaN, −0 becomes +0.</summary>
    private readonly record struct Rectified : IMap
    {
        public float Apply(float x) => Math.Max(x, 0f);

        public Vector<float> Apply(Vector<float> x) =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero) | ~Vector.Equals(x, x), x, Vector<float>.Zero);
    }

    /// <summary>The gradient where the output is positive, else 0.</summary>
    internal readonly record struct WherePositive : IZip
    {
        public float Apply(float y, float g) => y > 0 ? g : 0f;

        public Vector<float> Apply(Vector<float> y, Vector<float> g) =>
            Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), g, Vector<float>.Zero);
    }
}
