using SuperRes.Tensors.Checks;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class ChannelGradientTests
{
    private const int N = 2, H = 3, W = 4, Plane = H * W;

    /// <summary>Channels of NCHW arrays joined in order, one element at a time.</summary>
    private static double[] NaiveConcat(IReadOnlyList<double[]> parts, IReadOnlyList<int> channels)
    {
        var y = new List<double>();
        for (int n = 0; n < N; n++)
            for (int p = 0; p < parts.Count; p++)
                for (int c = 0; c < channels[p]; c++)
                    for (int i = 0; i < Plane; i++)
                        y.Add(parts[p][(n * channels[p] + c) * Plane + i]);
        return y.ToArray();
    }

    [Fact]
    public void ConcatMatchesFloat64FiniteDifferencesForEveryPart()
    {
        int[] channels = [1, 3, 2];
        var rng = new Random(41);
        var inputs = channels.Select(c => new GradientCase.Input([N, c, H, W], RandomData.Uniform(rng, N * c * Plane))).ToList();
        var g = RandomData.Uniform(rng, N * 6 * Plane);
        Float64GradCheck.Verify(inputs, xs => NaiveConcat(xs, channels), Ops.Concat, g);
    }

    [Fact]
    public void SplitPartsMatchFloat64FiniteDifferencesIncludingAnUnusedPart()
    {
        int[] counts = [1, 3, 2];
        int[] order = [2, 0];
        int[] starts = [0, 1, 4];
        var rng = new Random(42);
        var x = RandomData.Uniform(rng, N * 6 * Plane);
        var g = RandomData.Uniform(rng, N * 3 * Plane);
        Float64GradCheck.Verify(
            [new([N, 6, H, W], x)],
            xs =>
            {
                var parts = order.Select(p => new double[N * counts[p] * Plane]).ToArray();
                for (int k = 0; k < order.Length; k++)
                    for (int n = 0; n < N; n++)
                        for (int c = 0; c < counts[order[k]]; c++)
                            for (int i = 0; i < Plane; i++)
                                parts[k][(n * counts[order[k]] + c) * Plane + i] = xs[0][(n * 6 + starts[order[k]] + c) * Plane + i];
                return NaiveConcat(parts, order.Select(p => counts[p]).ToArray());
            },
            t => ChannelDraws.SplitThenConcat(t[0], counts, order),
            g);
    }

    [Fact]
    public void ChannelAffineMatchesFloat64FiniteDifferences()
    {
        float[] scale = [0.5f, -2f, 1.25f];
        float[] shift = [0.1f, -0.2f, 0.3f];
        var rng = new Random(43);
        var x = RandomData.Uniform(rng, N * 3 * Plane);
        var g = RandomData.Uniform(rng, x.Length);
        Float64GradCheck.Verify(
            [new([N, 3, H, W], x)],
            xs => xs[0].Select((v, i) => (double)scale[i / Plane % 3] * v + shift[i / Plane % 3]).ToArray(),
            t => Ops.ChannelAffine(t[0], scale, shift),
            g);
    }
}
