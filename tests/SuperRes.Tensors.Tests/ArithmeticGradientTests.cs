using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

public sealed class ArithmeticGradientTests
{
    private static readonly int[] Shape = [2, 3, 4, 5];

    public static TheoryData<string> BinaryOps() => ["add", "subtract", "residual_add", "multiply"];

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryOpMatchesFloat64FiniteDifferencesForBothInputs(string op)
    {
        const float resScale = 0.1f;
        Func<double, double, double> f64 = op switch
        {
            "add" => (a, b) => a + b,
            "subtract" => (a, b) => a - b,
            "residual_add" => (a, b) => a + resScale * b,
            _ => (a, b) => a * b,
        };
        Func<Tensor, Tensor, Tensor> f = op switch
        {
            "add" => Ops.Add,
            "subtract" => Ops.Subtract,
            "residual_add" => (a, b) => Ops.ResidualAdd(a, b, resScale),
            _ => Ops.Multiply,
        };
        var rng = new Random(31);
        var a = RandomData.Uniform(rng, 120);
        var b = RandomData.Uniform(rng, 120);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify(
            [new(Shape, a), new(Shape, b)],
            xs => xs[0].Zip(xs[1], f64).ToArray(),
            t => f(t[0], t[1]),
            g);
    }

    [Fact]
    public void ScaleMatchesFloat64FiniteDifferences()
    {
        const float s = -1.7f;
        var rng = new Random(32);
        var x = RandomData.Uniform(rng, 120);
        var g = RandomData.Uniform(rng, 120);
        Float64GradCheck.Verify([new(Shape, x)], xs => xs[0].Select(v => s * v).ToArray(), t => Ops.Scale(t[0], s), g);
    }
}
