using SuperRes.Tensors.Backends;

namespace SuperRes.ExampleOp;

/// <summary>The C# reference, which the other backends are checked against.</summary>
internal sealed class SoftsignCpu : SoftsignBuffers.IBackend
{
    public void Forward(DeviceBuffer x, DeviceBuffer y, long n)
    {
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = xs[i] / (1 + MathF.Abs(xs[i]));
    }

    public void Backward(DeviceBuffer x, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        var xs = Launch.Span(x, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < xs.Length; i++)
        {
            float d = 1 + MathF.Abs(xs[i]);
            gxs[i] = gys[i] / (d * d);
        }
    }
}
