namespace SuperRes.Tensors.Tests;

public sealed class ArithmeticShapeTests
{
    private static Device Cpu => TestDevices.Cpu;

    public static TheoryData<string> BinaryOps() => ["add", "subtract", "residual_add", "multiply", "l1_loss", "mse_loss"];

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void MismatchedShapesAreRefusedNamingBoth(string op)
    {
        using var a = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 4), 1f);
        using var b = Tensor.Full(Cpu, Shape.Nchw(1, 3, 4, 5), 1f);
        Func<Tensor> call = op switch
        {
            "add" => () => Ops.Add(a, b),
            "subtract" => () => Ops.Subtract(a, b),
            "residual_add" => () => Ops.ResidualAdd(a, b, 0.1f),
            "multiply" => () => Ops.Multiply(a, b),
            "l1_loss" => () => Ops.L1Loss(a, b),
            _ => () => Ops.MseLoss(a, b),
        };
        var e = Assert.Throws<ArgumentException>(call);
        Assert.StartsWith(op, e.Message);
        Assert.Contains("[1×3×4×4]", e.Message);
        Assert.Contains("[1×3×4×5]", e.Message);
    }
}
