using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The kernel backends' Winograd forward with its epilogue (kernels/conv2d_winograd_output.cl) and its cached weights
/// on the OpenCL device, against the Cpu reference of the same fused op: every activation with and without a
/// residual, pixel shuffles of 2 and 3, planes that are not multiples of the 4×4 tile; and the transformed weights
/// made again whenever the weights may have changed (a host write, a copy, a kernel), and only then.
/// </summary>
[Collection("devices")]
public sealed class WinogradKernelEpilogueTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<ConvActivation, bool> Epilogues()
    {
        var cases = new TheoryData<ConvActivation, bool>();
        foreach (var activation in Enum.GetValues<ConvActivation>())
            foreach (bool residual in new[] { false, true })
                cases.Add(activation, residual);
        return cases;
    }

    [OpenClTheory]
    [MemberData(nameof(Epilogues))]
    public void FusedActivationAndResidualMatchTheCpu(ConvActivation activation, bool withResidual)
    {
        const int n = 2, cin = 48, h = 13, w = 83, cout = 40; // rows of 21 tiles: a run of 16 stored as vectors, then 5
        var rng = new Random(100 + (int)activation * 2 + (withResidual ? 1 : 0));
        float scale = MathF.Sqrt(6f / (9 * cin));
        var x = RandomData.Uniform(rng, n * cin * h * w, 0f, 255f);
        var weight = RandomData.Uniform(rng, cout * cin * 9, -scale, scale);
        var bias = RandomData.Uniform(rng, cout, -20f, 20f);
        var slopes = RandomData.Uniform(rng, cout, 0f, 0.5f);
        var residual = RandomData.Uniform(rng, n * cout * h * w, -50f, 50f);
        float[] Run(Device device)
        {
            using var tx = Tensor.FromArray(device, Shape.Nchw(n, cin, h, w), x);
            using var tw = Tensor.FromArray(device, new Shape(cout, cin, 3, 3), weight);
            using var tb = Tensor.FromArray(device, new Shape(cout), bias);
            using var ts = Tensor.FromArray(device, new Shape(cout), slopes);
            using var tr = Tensor.FromArray(device, Shape.Nchw(n, cout, h, w), residual);
            var fusion = new ConvFusion(activation, 0.2f, activation == ConvActivation.PRelu ? ts : null, withResidual ? tr : null, 0.1f);
            using (Tape.NoGrad())
            using (var y = Ops.Conv2d(tx, tw, tb, fusion))
                return y.ToArray();
        }

        var expected = Array.ConvertAll(Run(TestDevices.Cpu), v => (double)v);
        using var openCl = TestDevices.RequireOpenCl();
        RelativeError.AssertWithin($"{activation}{(withResidual ? " + residual" : "")}", expected, Run(openCl), Tolerance);
    }

    [OpenClTheory]
    [InlineData(48, 9, 70, 192, 2)] // EDSR's upsampler with planes that are not multiples of the tile
    [InlineData(64, 7, 13, 144, 3)]
    public void FusedPixelShuffleMatchesTheCpu(int cin, int h, int w, int cout, int r)
    {
        var s = new Conv2dShape(1, cin, h, w, cout, 3, 1, PaddingMode.Zeros);
        var (x, weight, bias) = WinogradTests.Data(s, seed: cout + r);
        float[] Run(Device device)
        {
            using var tx = Tensor.FromArray(device, Shape.Nchw(1, cin, h, w), x);
            using var tw = Tensor.FromArray(device, new Shape(cout, cin, 3, 3), weight);
            using var tb = Tensor.FromArray(device, new Shape(cout), bias);
            using (Tape.NoGrad())
            using (var y = Ops.Conv2d(tx, tw, tb, new ConvFusion(PixelShuffle: r)))
                return y.ToArray();
        }

        var expected = Array.ConvertAll(Run(TestDevices.Cpu), v => (double)v);
        using var openCl = TestDevices.RequireOpenCl();
        RelativeError.AssertWithin($"shuffle {r}", expected, Run(openCl), Tolerance);
    }

    [OpenClFact]
    public void TransformedWeightsAreReusedUntilTheWeightsChange()
    {
        var s = new Conv2dShape(1, 48, 11, 9, 24, 3, 1, PaddingMode.Zeros);
        var (x, weight, bias) = WinogradTests.Data(s, seed: 77);
        var (_, other, _) = WinogradTests.Data(s, seed: 78);
        using var device = TestDevices.RequireOpenCl();
        int transforms = 0;
        device.LaunchObserver = (kernel, _) => transforms += kernel.Name == "winograd_weights" ? 1 : 0;
        using var tx = Tensor.FromArray(device, Shape.Nchw(1, s.Cin, s.H, s.W), x);
        using var tw = Tensor.FromArray(device, new Shape(s.Cout, s.Cin, 3, 3), weight);
        using var tb = Tensor.FromArray(device, new Shape(s.Cout), bias);
        using var source = Tensor.FromArray(device, new Shape(other.Length), other);
        void Check(string when, float[] w, int expectedTransforms)
        {
            using (var y = Ops.Conv2d(tx, tw, tb))
                RelativeError.AssertWithin(when, WinogradTests.Definition(s, x, w, bias), y.ToArray(), Tolerance);
            Assert.True(expectedTransforms == transforms, $"{when}: {transforms} weight transforms, expected {expectedTransforms}");
        }

        Check("first call", weight, 1);
        Check("same weights", weight, 1);
        device.Write(tw.Buffer, other);
        Check("after a host write", other, 2);
        device.Write(tw.Buffer, weight);
        device.Copy(source.Buffer, 0, tw.Buffer, 0, other.Length);
        Check("after a copy on the device", other, 3);
        device.Launch(device.GetKernel("elementwise.cl", "fill"), LaunchGrid.Linear(weight.Length, 64), weight.Length, 0.01f, tw.Buffer);
        Check("after a kernel wrote them", Enumerable.Repeat(0.01f, weight.Length).ToArray(), 4);
        Check("unchanged again", Enumerable.Repeat(0.01f, weight.Length).ToArray(), 4);
    }
}
