using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>The C# reference: vectorised, chunked loops (<see cref="ElementwiseCpu.Zip"/>).</summary>
internal sealed class ArithmeticCpu : Arithmetic.IBackend
{
    public void Subtract(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, long n) => ElementwiseCpu.Zip(a, b, y, n, new Difference());

    public void ResidualAdd(DeviceBuffer x, DeviceBuffer residual, float scale, DeviceBuffer y, long n) =>
        ElementwiseCpu.Zip(x, residual, y, n, new ElementwiseCpu.PlusScaled(scale));

    public void BroadcastScalar(DeviceBuffer value, float scale, DeviceBuffer y, long n) =>
        Launch.Span(y, n).Fill(scale * Launch.Array(value)[0]);

    private readonly record struct Difference : ElementwiseCpu.IZip
    {
        public float Apply(float a, float b) => a - b;

        public Vector<float> Apply(Vector<float> a, Vector<float> b) => a - b;
    }
}
