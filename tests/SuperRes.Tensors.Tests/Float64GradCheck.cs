using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// Checks the Cpu reference's gradients against central finite differences of an independent float64
/// implementation of the same forward function: L(x) = Σ upstream·f(x), dL/dx_i ≈ (L(x+h e_i) − L(x−h e_i)) / 2h.
/// Also checks the Cpu forward against the float64 forward.
/// </summary>
public static class Float64GradCheck
{
    /// <param name="forward64">The op in float64: inputs (as doubles, same order and shapes) → output.</param>
    /// <param name="forward">The op on tensors (runs on the Cpu device through autograd).</param>
    public static void Verify(
        IReadOnlyList<GradientCase.Input> inputs,
        Func<double[][], double[]> forward64,
        Func<Tensor[], Tensor> forward,
        float[] upstream,
        double gradTolerance = 1e-3,
        double forwardTolerance = 1e-5,
        double step = 1e-3)
    {
        using var ctx = new CheckContext(TestDevices.Cpu);
        var ours = GradientCase.Run(ctx, inputs, forward, upstream);

        var x64 = inputs.Select(i => i.Data.Select(v => (double)v).ToArray()).ToArray();
        var y64 = forward64(x64);
        AssertClose("forward", ours[0], y64, forwardTolerance);

        int gradIndex = 1;
        for (int k = 0; k < inputs.Count; k++)
        {
            if (!inputs[k].Differentiable)
                continue;
            var numeric = new double[x64[k].Length];
            for (int i = 0; i < numeric.Length; i++)
            {
                double saved = x64[k][i];
                x64[k][i] = saved + step;
                double plus = Dot(upstream, forward64(x64));
                x64[k][i] = saved - step;
                double minus = Dot(upstream, forward64(x64));
                x64[k][i] = saved;
                numeric[i] = (plus - minus) / (2 * step);
            }
            AssertClose($"gradient of input {k}", ours[gradIndex++], numeric, gradTolerance);
        }
    }

    private static double Dot(float[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double s = 0;
        for (int i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }

    private static void AssertClose(string what, float[] actual, double[] expected, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"{what}: NaN at {i}");
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        double rel = maxDiff == 0 ? 0 : maxDiff / Math.Max(maxRef, 1e-30);
        Assert.True(rel <= tolerance, $"{what}: relative error {rel:G3} > {tolerance:G3}");
    }
}
