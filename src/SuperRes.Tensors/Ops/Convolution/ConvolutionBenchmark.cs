using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Primitives;

internal enum ConvolutionPass
{
    Forward,
    InputGrad,
    WeightGrad,
    BiasGrad,
}

/// <summary>One pass of a convolution at one shape (every operand allocated, so any pass runs on the same buffers).</summary>
internal sealed class ConvolutionBenchmark<TShape>(string op, string label, TShape s, ConvolutionEntryPoints<TShape> entryPoints, ConvolutionPass pass)
    : OpBenchmark where TShape : IConvolutionShape
{
    private DeviceBuffer _x = null!, _w = null!, _b = null!, _y = null!, _gy = null!, _gx = null!, _gw = null!, _gb = null!;

    /// <summary>Every pass at each of <paramref name="shapes"/>.</summary>
    public static IEnumerable<OpBenchmark> AllPasses(string op, ConvolutionEntryPoints<TShape> entryPoints, Func<TShape, string> label, params TShape[] shapes) =>
        from shape in shapes
        from pass in Enum.GetValues<ConvolutionPass>()
        select new ConvolutionBenchmark<TShape>(op, label(shape), shape, entryPoints, pass);

    public override string Name => $"{op} {pass switch
    {
        ConvolutionPass.Forward => "forward",
        ConvolutionPass.InputGrad => "input_grad",
        ConvolutionPass.WeightGrad => "weight_grad",
        _ => "bias_grad",
    }} {label}";

    protected override void Allocate()
    {
        _x = Random(s.InputLength);
        _w = Random(s.WeightLength);
        _b = Random(s.Cout);
        _gy = Random(s.OutputLength);
        _y = Empty(s.OutputLength);
        _gx = Empty(s.InputLength);
        _gw = Empty(s.WeightLength);
        _gb = Empty(s.Cout);
    }

    public override void Run()
    {
        switch (pass)
        {
            case ConvolutionPass.Forward:
                entryPoints.Forward(s, _x, _w, _b, _y);
                break;
            case ConvolutionPass.InputGrad:
                entryPoints.InputGrad(s, _gy, _w, _gx);
                break;
            case ConvolutionPass.WeightGrad:
                entryPoints.WeightGrad(s, _x, _gy, _gw);
                break;
            default:
                entryPoints.BiasGrad(s, _gy, _gb);
                break;
        }
    }
}
