using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class ActivationGradientTests
{
    private static readonly int[] Shape = [2, 3, 4, 5];
    private const int Plane = 4 * 5;

    [Theory]
    [InlineData(0.2f)]
    [InlineData(-0.3f)]
    public void LeakyReluMatchesFloat64FiniteDifferences(float slope)
    {
        var rng = new Random(21);
        var x = RandomData.AwayFromZero(rng, 120);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify([new(Shape, x)], xs => xs[0].Select(v => v > 0 ? v : slope * v).ToArray(), t => Ops.LeakyRelu(t[0], slope), g);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void PreluMatchesFloat64FiniteDifferencesForInputAndSlopes(int slopes)
    {
        var rng = new Random(22 + slopes);
        var x = RandomData.AwayFromZero(rng, 120);
        var slope = RandomData.Uniform(rng, slopes, -0.5f, 0.5f);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify(
            [new(Shape, x), new([slopes], slope)],
            xs =>
            {
                var y = new double[xs[0].Length];
                for (int i = 0; i < y.Length; i++)
                {
                    int channel = i / Plane % Shape[1];
                    double a = xs[1][slopes == 1 ? 0 : channel];
                    y[i] = xs[0][i] > 0 ? xs[0][i] : a * xs[0][i];
                }
                return y;
            },
            t => Ops.Prelu(t[0], t[1]),
            g);
    }

    [Fact]
    public void SigmoidMatchesFloat64FiniteDifferences()
    {
        var rng = new Random(25);
        var x = RandomData.Uniform(rng, 120, -6f, 6f);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify([new(Shape, x)], xs => xs[0].Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), t => Ops.Sigmoid(t[0]), g);
    }

    [Fact]
    public void TanhMatchesFloat64FiniteDifferences()
    {
        var rng = new Random(26);
        var x = RandomData.Uniform(rng, 120, -3f, 3f);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify([new(Shape, x)], xs => xs[0].Select(Math.Tanh).ToArray(), t => Ops.Tanh(t[0]), g);
    }
}
