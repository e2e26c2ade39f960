using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Primitives;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The kernel backends' Winograd F(4×4, 3×3) forward (kernels/conv2d_winograd*.cl) on the OpenCL device against the
/// float64 definition, on data at EDSR's magnitudes, planes that are not multiples of the 4×4 tile, batches of 1–3,
/// output counts that do not fill a register block, and rows of tiles shorter and longer than the transforms' runs
/// of 16; with the device's defaults (through Ops.Conv2d) and with other legal block sizes. The bound is the Cpu
/// Winograd path's: the largest error within 1e-5 of the largest output.
/// </summary>
[Collection("devices")]
public sealed class WinogradKernelTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 1, 48, 13, 10, 48 },
        { 2, 64, 7, 9, 3 },     // EDSR's tail: 3 outputs in a block of 8
        { 3, 48, 5, 22, 20 },
        { 1, 64, 16, 16, 64 },  // whole tiles
        { 2, 50, 1, 11, 13 },   // one row high
        { 1, 64, 6, 131, 16 },  // rows of 33 tiles: two whole runs of 16 (the vector loads and stores), then one tile
    };

    [OpenClTheory]
    [MemberData(nameof(Shapes))]
    public void Conv2dOnTheDeviceTakesWinogradAndMatchesTheDefinition(int n, int cin, int h, int w, int cout)
    {
        var s = new Conv2dShape(n, cin, h, w, cout, 3, 1, PaddingMode.Zeros);
        Assert.True(Conv2dWinogradKernels.Applies(s));
        var (x, weight, bias) = WinogradTests.Data(s, seed: n * 1000 + h * 31 + w);
        var expected = WinogradTests.Definition(s, x, weight, bias);
        using var device = TestDevices.RequireOpenCl();
        using var tx = Tensor.FromArray(device, Shape.Nchw(n, cin, h, w), x);
        using var tw = Tensor.FromArray(device, new Shape(cout, cin, 3, 3), weight);
        using var tb = Tensor.FromArray(device, new Shape(cout), bias);
        using var y = Ops.Conv2d(tx, tw, tb);
        RelativeError.AssertWithin($"{s}", expected, y.ToArray(), Tolerance);
        using var unbiased = Ops.Conv2d(tx, tw, null);
        RelativeError.AssertWithin($"{s} without bias", WinogradTests.Definition(s, x, weight, new float[cout]), unbiased.ToArray(), Tolerance);
    }

    [OpenClFact]
    public void OtherLegalBlockSizesMatchTheDefinition()
    {
        var s = new Conv2dShape(2, 48, 11, 19, 24, 3, 1, PaddingMode.Zeros);
        var (x, weight, bias) = WinogradTests.Data(s, seed: 5);
        var expected = WinogradTests.Definition(s, x, weight, bias);
        using var device = TestDevices.RequireOpenCl();
        using var tx = Tensor.FromArray(device, Shape.Nchw(s.N, s.Cin, s.H, s.W), x);
        using var tw = Tensor.FromArray(device, new Shape(s.Cout, s.Cin, 3, 3), weight);
        using var tb = Tensor.FromArray(device, new Shape(s.Cout), bias);
        var configs = new[] { Conv2dWinogradTuning.Default(DeviceClass.Gpu), Conv2dWinogradTuning.Default(DeviceClass.Cpu) }
            .Concat(Conv2dWinogradTuning.Space.Sample(4, seed: 9, p => Conv2dWinogradTuning.Illegal(device, p)));
        foreach (var config in configs)
        {
            using var y = Tensor.Empty(device, Shape.Nchw(s.N, s.Cout, s.H, s.W));
            Conv2dWinogradKernels.Forward(s, tx.Buffer, tw.Buffer, new DeviceConvEpilogue(tb.Buffer), y.Buffer, config);
            output.WriteLine($"[{config}]");
            RelativeError.AssertWithin($"[{config}]", expected, y.ToArray(), Tolerance);
        }
    }
}
