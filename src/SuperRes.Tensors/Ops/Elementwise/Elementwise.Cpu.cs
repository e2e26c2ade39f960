namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: plain loops over the buffers' host arrays. The element functions are structs so each loop is
/// compiled for its own function, as fast as a hand-written one (a delegate call per element costs several times more).
/// </summary>
internal sealed class ElementwiseCpu : Elementwise.IBackend
{
    public interface IMap
    {
        float Apply(float x);
    }

    public interface IZip
    {
        float Apply(float a, float b);
    }

    public void Fill(DeviceBuffer y, float value, long n) => Launch.Span(y, n).Fill(value);

    public void Copy(DeviceBuffer x, DeviceBuffer y, long n) => Launch.Span(x, n).CopyTo(Launch.Span(y, n));

    public void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n) => Map(x, y, n, new Scaled(a));

    public void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n) => Zip(y, x, y, n, new PlusScaled(a));

    public void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, new PlusScaled(1f));

    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, new Product());

    public void Relu(DeviceBuffer x, DeviceBuffer y, long n) => Map(x, y, n, new Rectified());

    public void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Zip(y, gy, gx, n, new WherePositive());

    /// <summary>y[i] = f(x[i])</summary>
    public static void Map<TMap>(DeviceBuffer x, DeviceBuffer y, long n, TMap f) where TMap : struct, IMap
    {
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = f.Apply(xs[i]);
    }

    /// <summary>y[i] = f(a[i], b[i]); y may be a.</summary>
    public static void Zip<TZip>(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n, TZip f) where TZip : struct, IZip
    {
        var sa = Launch.Span(a, n);
        var sb = Launch.Span(b, n);
        var sy = Launch.Span(y, n);
        for (int i = 0; i < sa.Length; i++)
            sy[i] = f.Apply(sa[i], sb[i]);
    }

    private readonly record struct Scaled(float A) : IMap
    {
        public float Apply(float x) => A * x;
    }

    /// <summary>a + s·b: axpy, the residual add, and add (s = 1, exact: 1·b = b).</summary>
    internal readonly record struct PlusScaled(float S) : IZip
    {
        public float Apply(float a, float b) => a + S * b;
    }

    private readonly record struct Product : IZip
    {
        public float Apply(float a, float b) => a * b;
    }

    private readonly record struct Rectified : IMap
    {
        public float Apply(float x) => Math.Max(x, 0f);
    }

    /// <summary>The gradient where the output is positive, else 0.</summary>
    private readonly record struct WherePositive : IZip
    {
        public float Apply(float y, float g) => y > 0 ? g : 0f;
    }
}
