using SuperRes.Tensors.Checks;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

[Collection("devices")]
public sealed class SumLengthTests(ITestOutputHelper output)
{
    public static TheoryData<long> Lengths() => new(SumCheck.RequiredLengths);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumIsRightForEveryLength(long n)
    {
        var x = RandomData.Uniform(new Random((int)n), n, 0.1f, 1f);
        double expected = x.Sum(v => (double)v);
        foreach (var device in new[] { TestDevices.Cpu, TestDevices.OpenCl(output) })
        {
            if (device is null)
                continue;
            using var ctx = new CheckContext(device);
            var result = ctx.Output(1);
            Reduce.Sum(ctx.Input(x), n, result);
            double got = ctx.Read(result)[0];
            Assert.True(Math.Abs(got - expected) <= 1e-5 * expected, $"{device.Info.Id}: sum of {n} = {got}, expected {expected}");
        }
    }
}
