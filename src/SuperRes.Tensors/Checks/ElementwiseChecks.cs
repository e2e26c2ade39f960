using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Checks;

/// <summary>Lengths that exercise partial work-groups: 1, small primes, around the group size, and large.</summary>
internal static class CheckSizes
{
    private static readonly long[] Lengths = [1, 7, 255, 257, 1000, 4099, 65_537];

    public static long Length(Random rng) => rng.Next(4) == 0 ? rng.Next(1, 200_000) : Lengths[rng.Next(Lengths.Length)];
}

internal sealed class FillCheck : OpCheck
{
    public override string Op => "fill";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        float value = rng.NextSingle() * 4 - 2;
        return new($"n={n}", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Fill(y, value, n);
            return [ctx.Read(y)];
        });
    }
}

internal sealed class CopyCheck : OpCheck
{
    public override string Op => "copy";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var x = RandomData.Uniform(rng, n);
        return new($"n={n}", ctx =>
        {
            var y = ctx.Output(n);
            Elementwise.Copy(ctx.Input(x), y, n);
            return [ctx.Read(y)];
        });
    }
}

internal sealed class AxpyCheck : OpCheck
{
    public override string Op => "axpy";

    public override OpCase NewCase(Random rng)
    {
        long n = CheckSizes.Length(rng);
        var x = RandomData.Uniform(rng, n);
        var y0 = RandomData.Uniform(rng, n);
        float a = rng.NextSingle() * 4 - 2;
        return new($"n={n} a={a:G4}", ctx =>
        {
            var y = ctx.Input(y0);
            Elementwise.Axpy(a, ctx.Input(x), y, n);
            return [ctx.Read(y)];
        });
    }
}

internal sealed class SumCheck : OpCheck
{
    /// <summary>Lengths the reduction must get right: one element, less than a group, and more than a million.</summary>
    public static readonly long[] RequiredLengths = [1, 7, 1_000_003];

    public override string Op => "sum";

    // Float accumulation over a million terms in a different order than the double reference.
    public override double Tolerance => 1e-5;

    public override OpCase NewCase(Random rng)
    {
        long n = rng.Next(2) == 0 ? RequiredLengths[rng.Next(RequiredLengths.Length)] : CheckSizes.Length(rng);
        // Positive data: a sum of mixed signs can cancel to ~0 and make any relative figure meaningless.
        var x = RandomData.Uniform(rng, n, 0.1f, 1f);
        return new($"n={n}", ctx =>
        {
            var result = ctx.Output(1);
            Reduce.Sum(ctx.Input(x), n, result);
            return [ctx.Read(result)];
        });
    }
}
