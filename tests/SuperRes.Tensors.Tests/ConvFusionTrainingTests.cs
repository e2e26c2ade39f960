using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// A fused conv2d recorded on the Cpu (issue 12: conv + bias + ReLU / LeakyReLU, conv + res_scale · residual add as one
/// autograd node): its forward has the bits of the inference fusion, its gradients the bits of
/// the separate ops' (a stated bound of 0: the same roundings in the same order), and against float64 finite
/// differences they hold. Odd sizes, activations 1–100, on the Winograd path (Cin ≥ 48) and the banded GEMM.
/// </summary>
public sealed class ConvFusionTrainingTests
{
    public static TheoryData<int, int, int, int, int, ConvActivation, float, float?, int, bool> Cases() => new()
    {
        // n, cin, h, w, cout, activation, slope, residual scale (null: no residual), shuffle, one fused node
        { 2, 48, 13, 11, 40, ConvActivation.Relu, 0f, null, 1, true }, // Winograd output loop
        { 3, 5, 9, 7, 6, ConvActivation.Relu, 0f, null, 1, true }, // banded GEMM, the epilogue per band
        { 2, 48, 11, 13, 36, ConvActivation.LeakyRelu, 0.2f, null, 1, true },
        { 1, 7, 11, 9, 5, ConvActivation.LeakyRelu, 0f, null, 1, true },
        { 2, 48, 9, 13, 48, ConvActivation.None, 0f, 1f, 1, true }, // EDSR-baseline's ResBlock tail
        { 2, 48, 9, 13, 48, ConvActivation.None, 0f, 0.1f, 1, true }, // EDSR's res_scale 0.1
        { 2, 5, 7, 9, 5, ConvActivation.None, 0f, 0.1f, 1, true },
        { 2, 48, 7, 9, 52, ConvActivation.None, 0f, null, 2, false }, // the pixel shuffle: separate at training sizes
        { 2, 48, 7, 9, 40, ConvActivation.LeakyRelu, -0.5f, null, 1, false }, // a negative slope hides the sign
        { 2, 48, 7, 9, 40, ConvActivation.Relu, 0f, 0.5f, 1, false }, // the residual hides the activation's sign
        { 2, 48, 7, 9, 40, ConvActivation.PRelu, 0f, null, 1, false }, // PReLU keeps its pre-activation: separate ops
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RecordedFusionHasTheBitsOfInferenceAndOfTheSeparateOps(int n, int cin, int h, int w, int cout,
        ConvActivation activation, float slope, float? residualScale, int shuffle, bool oneNode)
    {
        var device = TestDevices.Cpu;
        var rng = new Random(n * 7919 + cin * 131 + h * 17 + w + cout * 3 + (int)activation);
        int r2 = shuffle * shuffle, outC = cout / r2;
        var xData = RandomData.Uniform(rng, n * cin * h * w, 1f, 100f);
        float bound = MathF.Sqrt(6f / (9 * cin));
        var weightData = RandomData.Uniform(rng, cout * cin * 9, -bound, bound);
        var biasData = RandomData.Uniform(rng, cout, -20f, 20f);
        var slopesData = RandomData.Uniform(rng, cout, 0.05f, 0.5f);
        var outputShape = Shape.Nchw(n, outC, h * shuffle, w * shuffle);
        var residualData = RandomData.Uniform(rng, outputShape.Length, 1f, 100f);
        var upstream = RandomData.Uniform(rng, outputShape.Length);

        Tensor[] Leaves() =>
        [
            Tensor.FromArray(device, Shape.Nchw(n, cin, h, w), xData, requiresGrad: true),
            Tensor.FromArray(device, new Shape(cout, cin, 3, 3), weightData, requiresGrad: true),
            Tensor.FromArray(device, new Shape(cout), biasData, requiresGrad: true),
            Tensor.FromArray(device, new Shape(cout), slopesData, requiresGrad: true),
            Tensor.FromArray(device, outputShape, residualData, requiresGrad: true),
        ];
        ConvFusion FusionOf(Tensor[] t) => new(activation, slope, activation == ConvActivation.PRelu ? t[3] : null,
            residualScale is null ? null : t[4], residualScale ?? 1f, shuffle);

        var fused = Leaves();
        float[] inference;
        using (Tape.NoGrad())
        using (var y = Ops.Conv2d(fused[0], fused[1], fused[2], FusionOf(fused)))
            inference = y.ToArray();
        int before = Tape.Count;
        var recorded = Ops.Conv2d(fused[0], fused[1], fused[2], FusionOf(fused));
        Assert.True(oneNode ? Tape.Count == before + 1 : Tape.Count > before + 1, $"{Tape.Count - before} node(s) recorded");
        Assert.True(recorded.ToArray().AsSpan().SequenceEqual(inference), "the recorded forward differs from the inference fusion");
        Tape.Backward(recorded, Tensor.FromArray(device, outputShape, upstream));

        var separate = Leaves();
        var conv = Ops.Conv2d(separate[0], separate[1], separate[2]);
        var output = activation switch
        {
            ConvActivation.Relu => Ops.Relu(conv),
            ConvActivation.LeakyRelu => Ops.LeakyRelu(conv, slope),
            ConvActivation.PRelu => Ops.Prelu(conv, separate[3]),
            _ => shuffle > 1 ? Ops.PixelShuffle(conv, shuffle) : conv,
        };
        if (residualScale is { } scale)
            output = Ops.ResidualAdd(separate[4], output, scale);
        Assert.True(output.ToArray().AsSpan().SequenceEqual(inference), "the separate ops' forward differs");
        Tape.Backward(output, Tensor.FromArray(device, outputShape, upstream));

        string[] names = ["x", "weight", "bias", "slopes", "residual"];
        for (int i = 0; i < names.Length; i++)
        {
            var expected = separate[i].Grad?.ToArray();
            var actual = fused[i].Grad?.ToArray();
            Assert.Equal(expected is null, actual is null);
            if (expected is not null)
                Assert.True(actual.AsSpan().SequenceEqual(expected), $"the gradient of {names[i]} differs from the separate ops'");
        }
        Assert.True(fused[0].Grad!.ToArray().Any(v => v != 0f), "the gradient of x is all zeros");
        foreach (var t in fused.Concat(separate))
            t.Dispose();
        recorded.Dispose();
        output.Dispose();
        conv.Dispose();
    }

    [Theory]
    [InlineData(1, 48, 5, 6, 6, ConvActivation.Relu, 0f, null)] // Winograd
    [InlineData(2, 3, 5, 7, 4, ConvActivation.Relu, 0f, null)] // banded GEMM
    [InlineData(1, 48, 5, 6, 6, ConvActivation.LeakyRelu, 0.2f, null)]
    [InlineData(2, 3, 5, 7, 3, ConvActivation.None, 0f, 0.1f)]
    [InlineData(1, 48, 5, 6, 6, ConvActivation.None, 0f, 1f)]
    [InlineData(2, 5, 3, 7, 4, ConvActivation.LeakyRelu, 0.1f, null)]
    public void FusedNodeGradientsMatchFloat64FiniteDifferences(int n, int cin, int h, int w, int cout,
        ConvActivation activation, float slope, float? residualScale)
    {
        var rng = new Random(n * 31 + cin * 7 + h + w + cout + (int)activation);
        var s = new Conv2dShape(n, cin, h, w, cout, 3, 1, PaddingMode.Zeros);
        int plane = h * w;
        var inputs = new List<GradientCase.Input>
        {
            new([n, cin, h, w], RandomData.Uniform(rng, s.InputLength)),
            new([cout, cin, 3, 3], RandomData.Uniform(rng, s.WeightLength, -0.3f, 0.3f)),
            new([cout], RandomData.Uniform(rng, cout)),
        };
        if (residualScale is not null)
            inputs.Add(new([n, cout, h, w], RandomData.Uniform(rng, s.OutputLength)));
        var taps = ConvolutionDefinitions.Taps(s).ToArray();
        double[] Linear(double[][] v) => ConvolutionDefinitions.Forward(taps, (int)s.OutputLength, cout, plane, v[0], v[1], v[2]);
        double[] Forward64(double[][] v)
        {
            var z = Linear(v);
            var y = new double[z.Length];
            for (int i = 0; i < z.Length; i++)
            {
                double a = activation == ConvActivation.None || z[i] > 0 ? z[i] : slope * z[i];
                y[i] = residualScale is { } scale ? v[3][i] + scale * a : a;
            }
            return y;
        }
        // No kink inside the finite differences' reach: outputs whose pre-activation lies near 0 get no upstream gradient.
        var upstream = RandomData.Uniform(rng, s.OutputLength);
        var z0 = Linear(inputs.Select(i => i.Data.Select(v => (double)v).ToArray()).ToArray());
        if (activation != ConvActivation.None)
            for (int i = 0; i < z0.Length; i++)
                if (Math.Abs(z0[i]) < 0.05)
                    upstream[i] = 0f;
        Assert.True(upstream.Count(v => v != 0f) > upstream.Length / 2, "most of the upstream gradient was zeroed");
        Float64GradCheck.Verify(inputs, Forward64, t => Ops.Conv2d(t[0], t[1], t[2], new ConvFusion(activation, slope,
            Residual: residualScale is null ? null : t[3], ResidualScale: residualScale ?? 1f)), upstream,
            forwardTolerance: 1e-4);
    }
}
