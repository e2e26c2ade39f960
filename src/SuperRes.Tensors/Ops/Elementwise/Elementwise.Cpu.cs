namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: plain loops over the buffers' host arrays.</summary>
internal sealed class ElementwiseCpu : Elementwise.IBackend
{
    public void Fill(DeviceBuffer y, float value, long n) => Launch.Span(y, n).Fill(value);

    public void Copy(DeviceBuffer x, DeviceBuffer y, long n) => Launch.Span(x, n).CopyTo(Launch.Span(y, n));

    public void Scale(DeviceBuffer x, float a, DeviceBuffer y, long n) => Map(x, y, n, v => a * v);

    public void Axpy(float a, DeviceBuffer x, DeviceBuffer y, long n)
    {
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] += a * xs[i];
    }

    public void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, static (p, q) => p + q);

    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => Zip(a, b, y, n, static (p, q) => p * q);

    public void Relu(DeviceBuffer x, DeviceBuffer y, long n) => Map(x, y, n, static v => Math.Max(v, 0f));

    public void ReluBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n) => Zip(y, gy, gx, n, static (v, g) => v > 0 ? g : 0f);

    /// <summary>y[i] = f(x[i])</summary>
    internal static void Map(DeviceBuffer x, DeviceBuffer y, long n, Func<float, float> f)
    {
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = f(xs[i]);
    }

    /// <summary>y[i] = f(a[i], b[i])</summary>
    internal static void Zip(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n, Func<float, float, float> f)
    {
        var sa = Launch.Span(a, n);
        var sb = Launch.Span(b, n);
        var sy = Launch.Span(y, n);
        for (int i = 0; i < sa.Length; i++)
            sy[i] = f(sa[i], sb[i]);
    }
}
