using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>
/// The fused Adam update on random parameters, moments (v ≥ 0) and gradients, with and without weight decay,
/// a random step count and a random clipping coefficient. Outputs: the parameter, m and v.
/// </summary>
internal sealed class AdamCheck : OpCheck
{
    public override string Op => "adam";

    // The kernel may contract a·b + c into one fused multiply-add where the reference rounds twice.
    public override double Tolerance => 1e-5;

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var p0 = RandomData.Uniform(rng, n);
        var g = RandomData.Uniform(rng, n);
        var m0 = RandomData.Uniform(rng, n, -0.1f, 0.1f);
        var v0 = RandomData.Uniform(rng, n, 0f, 0.01f);
        float scale = rng.Next(2) == 0 ? 1f : 0.1f + 0.9f * rng.NextSingle();
        long step = rng.Next(3) switch { 0 => 1, 1 => rng.Next(2, 20), _ => rng.Next(20, 100_000) };
        double wd = rng.Next(2) == 0 ? 0 : 1e-4 + 0.1 * rng.NextDouble();
        double lr = Math.Pow(10, -1 - 4 * rng.NextDouble());
        var h = AdamHyperParameters.Default(lr, step) with { WeightDecay = wd };
        return new($"n={n} step={step} lr={lr:G3} wd={wd:G3} gscale={scale:G3}", ctx =>
        {
            var p = ctx.Input(p0);
            var m = ctx.Input(m0);
            var v = ctx.Input(v0);
            Adam.Step(p, ctx.Input(g), m, v, ctx.Input([scale]), n, h);
            return [ctx.Read(p), ctx.Read(m), ctx.Read(v)];
        });
    }
}

/// <summary>
/// The global gradient norm of several tensors (one slot each) and clip_grad_norm_'s coefficient.
/// Outputs: the per-tensor sums of squares and [coefficient, norm].
/// </summary>
internal sealed class GradientNormCheck : OpCheck
{
    public override string Op => "grad_norm";

    // Float partial sums over up to 200 000 squares against the double reference.
    public override double Tolerance => 1e-5;

    public override OpCase NewCase(Random rng)
    {
        int count = rng.Next(1, 6);
        var tensors = Enumerable.Range(0, count).Select(_ => RandomData.Uniform(rng, CheckSizes.Length(rng))).ToArray();
        double total = Math.Sqrt(tensors.Sum(t => t.Sum(x => (double)x * x)));
        // Either side of the threshold: clipped (coefficient < 1) or left alone (1).
        float maxNorm = (float)(total * (rng.Next(2) == 0 ? 0.25 + 0.5 * rng.NextDouble() : 1.5 + rng.NextDouble()));
        return new($"tensors=[{string.Join(",", tensors.Select(t => t.Length))}] max_norm={maxNorm:G4}", ctx =>
        {
            var sums = ctx.Output(count);
            for (int i = 0; i < count; i++)
                GradientNorm.SumOfSquares(ctx.Input(tensors[i]), tensors[i].Length, sums, i);
            var result = ctx.Output(2);
            GradientNorm.ClipCoefficient(sums, count, maxNorm, result);
            return [ctx.Read(sums), ctx.Read(result)];
        });
    }
}
