using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// conv2d with a fused epilogue (<see cref="Ops.Conv2d(Tensor, Tensor, Tensor?, ConvFusion, int, PaddingMode)"/>) gives
/// the same values as the separate ops it replaces (conv2d, the activation, ResidualAdd), on the Winograd path (its
/// output loop) and the banded GEMM (per band, after its product), without a tape and with one (fused where the gradient allows,
/// <see cref="ConvFusionTrainingTests"/>).
/// </summary>
public sealed class ConvFusionTests
{
    public static TheoryData<int, int, int, int, ConvActivation, bool> Cases()
    {
        var cases = new TheoryData<int, int, int, int, ConvActivation, bool>();
        foreach (var activation in Enum.GetValues<ConvActivation>())
            foreach (bool residual in new[] { false, true })
            {
                cases.Add(48, 23, 37, 48, activation, residual); // Winograd: not a multiple of the tile, rows of 10 tiles
                cases.Add(3, 9, 70, 8, activation, residual); // banded GEMM
            }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedEqualsTheSeparateOps(int cin, int h, int w, int cout, ConvActivation activation, bool withResidual)
    {
        var device = TestDevices.Cpu;
        var rng = new Random(cin * 1000 + h * 10 + w + (int)activation);
        using var x = Tensor.FromArray(device, Shape.Nchw(2, cin, h, w), RandomData.Uniform(rng, 2 * cin * h * w, 0f, 255f));
        float scale = MathF.Sqrt(6f / (9 * cin));
        using var weight = Tensor.FromArray(device, new Shape(cout, cin, 3, 3), RandomData.Uniform(rng, cout * cin * 9, -scale, scale));
        using var bias = Tensor.FromArray(device, new Shape(cout), RandomData.Uniform(rng, cout, -20f, 20f));
        using var slopes = Tensor.FromArray(device, new Shape(cout), RandomData.Uniform(rng, cout, 0f, 0.5f));
        using var residual = Tensor.FromArray(device, Shape.Nchw(2, cout, h, w), RandomData.Uniform(rng, 2 * cout * h * w, -50f, 50f));
        var fusion = new ConvFusion(activation, 0.2f, activation == ConvActivation.PRelu ? slopes : null,
            withResidual ? residual : null, 0.1f);

        float[] fused, separate;
        using (Tape.NoGrad())
        {
            using var y = Ops.Conv2d(x, weight, bias, fusion);
            fused = y.ToArray();
            using var conv = Ops.Conv2d(x, weight, bias);
            using var activated = activation switch
            {
                ConvActivation.Relu => Ops.Relu(conv),
                ConvActivation.LeakyRelu => Ops.LeakyRelu(conv, 0.2f),
                ConvActivation.PRelu => Ops.Prelu(conv, slopes),
                _ => conv.Clone(),
            };
            using var sum = withResidual ? Ops.ResidualAdd(residual, activated, 0.1f) : activated.Clone();
            separate = sum.ToArray();
        }
        Assert.True(fused.AsSpan().SequenceEqual(separate), $"{activation}{(withResidual ? " + residual" : "")}: fused differs from the separate ops");

        // With a tape (an input that wants a gradient): the same values are recorded, and backward reaches x.
        using var xg = Tensor.FromArray(device, x.Shape, x.ToArray(), requiresGrad: true);
        int before = Tape.Count;
        using var recorded = Ops.Conv2d(xg, weight, bias, fusion);
        Assert.True(recorded.ToArray().AsSpan().SequenceEqual(separate), "with a tape the values differ");
        Assert.True(Tape.Count > before, "nothing was recorded");
        using var loss = Ops.Sum(recorded);
        Tape.Backward(loss);
        Assert.NotNull(xg.Grad);
    }

    [Theory]
    [InlineData(48, 9, 70, 192, 2)] // Winograd: rows of 18 tiles, vector and per-pixel writes
    [InlineData(48, 8, 128, 64, 2)] // Winograd: whole vectors of tiles only
    [InlineData(48, 7, 13, 144, 3)] // Winograd, shuffle 3: per-pixel writes
    [InlineData(8, 6, 10, 32, 2)] // banded GEMM: conv, then the separate pixel shuffle
    public void FusedPixelShuffleEqualsTheSeparateOps(int cin, int h, int w, int cout, int r)
    {
        var device = TestDevices.Cpu;
        var rng = new Random(cin + h * w + r);
        using var x = Tensor.FromArray(device, Shape.Nchw(2, cin, h, w), RandomData.Uniform(rng, 2 * cin * h * w, 0f, 255f));
        using var weight = Tensor.FromArray(device, new Shape(cout, cin, 3, 3), RandomData.Uniform(rng, cout * cin * 9, -0.1f, 0.1f));
        using var bias = Tensor.FromArray(device, new Shape(cout), RandomData.Uniform(rng, cout, -20f, 20f));
        using (Tape.NoGrad())
        {
            using var fused = Ops.Conv2d(x, weight, bias, new ConvFusion(PixelShuffle: r));
            using var conv = Ops.Conv2d(x, weight, bias);
            using var shuffled = Ops.PixelShuffle(conv, r);
            Assert.Equal(shuffled.Shape, fused.Shape);
            Assert.True(fused.ToArray().AsSpan().SequenceEqual(shuffled.ToArray()), "the fused pixel shuffle differs from conv2d + PixelShuffle");
            // Into an output array of exactly the tensor's length (pool blocks are larger): the last vector merge
            // stays inside it.
            var s = new Conv2dShape(2, cin, h, w, cout, 3, 1, PaddingMode.Zeros);
            if (Conv2dWinograd.IsFaster(s))
            {
                var exact = new float[s.OutputLength];
                Conv2dWinograd.Forward(s, x.ToArray(), weight.ToArray(), new ConvEpilogue(bias.ToArray(), Shuffle: r), exact, cacheWeights: false);
                Assert.True(exact.AsSpan().SequenceEqual(shuffled.ToArray()), "into an exact-length array the values differ");
            }
        }
    }

    [Fact]
    public void AResidualOfAnotherShapeIsRefused()
    {
        var device = TestDevices.Cpu;
        using var x = Tensor.Zeros(device, Shape.Nchw(1, 4, 5, 5));
        using var weight = Tensor.Zeros(device, new Shape(4, 4, 3, 3));
        using var residual = Tensor.Zeros(device, Shape.Nchw(1, 4, 5, 6));
        var error = Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, weight, null, new ConvFusion(Residual: residual)));
        Assert.Contains("residual", error.Message);
    }
}
