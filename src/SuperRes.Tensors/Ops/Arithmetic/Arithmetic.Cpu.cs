namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: plain loops over the buffers' host arrays.</summary>
internal sealed class ArithmeticCpu : Arithmetic.IBackend
{
    public void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) =>
        ElementwiseCpu.Zip(a, b, y, n, static (p, q) => p - q);

    public void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n) =>
        ElementwiseCpu.Zip(x, residual, y, n, (p, r) => p + scale * r);

    public void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n) =>
        Launch.Span(y, n).Fill(scale * Launch.Array(value)[0]);
}
