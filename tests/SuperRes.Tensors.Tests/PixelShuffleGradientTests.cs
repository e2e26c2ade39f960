using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class PixelShuffleGradientTests
{
    /// <summary>PyTorch's definition in float64: wide[n, c, h·r + i, w·r + j] = deep[n, c·r² + i·r + j, h, w].</summary>
    private static double[] NaiveShuffle(double[] deep, int n, int c, int h, int w, int r)
    {
        var wide = new double[deep.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        for (int i = 0; i < r; i++)
                            for (int j = 0; j < r; j++)
                                wide[((b * c + ch) * h * r + y * r + i) * w * r + x * r + j] =
                                    deep[((b * c * r * r + ch * r * r + i * r + j) * h + y) * w + x];
        return wide;
    }

    /// <summary>The inverse permutation, built by reading NaiveShuffle's index map backwards.</summary>
    private static double[] NaiveUnshuffle(double[] wide, int n, int c, int h, int w, int r)
    {
        var indices = NaiveShuffle(Enumerable.Range(0, wide.Length).Select(i => (double)i).ToArray(), n, c, h, w, r);
        var deep = new double[wide.Length];
        for (int o = 0; o < wide.Length; o++)
            deep[(int)indices[o]] = wide[o];
        return deep;
    }

    [Theory]
    [InlineData(false, 2, 2, 3, 2, 2)]
    [InlineData(false, 1, 3, 2, 3, 3)]
    [InlineData(false, 1, 1, 1, 2, 4)]
    [InlineData(true, 2, 2, 3, 2, 2)]
    [InlineData(true, 1, 3, 2, 3, 3)]
    [InlineData(true, 1, 1, 1, 2, 4)]
    public void GradientMatchesFloat64FiniteDifferences(bool unshuffle, int n, int c, int h, int w, int r)
    {
        var rng = new Random(r * (unshuffle ? 11 : 7) + c);
        int length = n * c * r * r * h * w;
        int[] shape = unshuffle ? [n, c, h * r, w * r] : [n, c * r * r, h, w];
        Float64GradCheck.Verify(
            [new(shape, RandomData.Uniform(rng, length))],
            v => unshuffle ? NaiveUnshuffle(v[0], n, c, h, w, r) : NaiveShuffle(v[0], n, c, h, w, r),
            t => unshuffle ? Ops.PixelUnshuffle(t[0], r) : Ops.PixelShuffle(t[0], r),
            RandomData.Uniform(rng, length));
    }
}
