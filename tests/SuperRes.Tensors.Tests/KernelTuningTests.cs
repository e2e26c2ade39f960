using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Tuning;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// Every legal combination of a tunable kernel's parameters gives the Cpu reference's result: a sample of them per
/// kernel, on shapes that cross tile, block and image borders (both paddings, stride 2), on the OpenCL device.
/// </summary>
[Collection("devices")]
public sealed class KernelTuningTests(ITestOutputHelper output)
{
    private static readonly Conv2dShape[] Shapes =
    [
        new(2, 5, 19, 37, 7, 3, 1, PaddingMode.Replicate),
        new(1, 6, 23, 21, 9, 3, 2, PaddingMode.Zeros),
        new(1, 3, 17, 40, 16, 5, 1, PaddingMode.Zeros),
        new(1, 8, 13, 50, 3, 1, 1, PaddingMode.Replicate),
    ];

    /// <summary>Configurations drawn per shape and formulation (local-memory tiles or register blocks), besides the defaults.</summary>
    private const int PerFormulation = 3;

    [OpenClFact]
    public void Sampled_legal_conv2d_configurations_match_the_Cpu_reference()
    {
        using var device = TestDevices.RequireOpenCl();
        var tunable = TunableKernels.All.Single(k => k.Name == "conv2d_forward");
        int checkedConfigs = 0;
        foreach (var shape in Shapes)
        {
            var c = new TuningCase(shape.ToString(), Conv2dForwardTuning.ShapeClass(shape), shape);
            using var trial = tunable.Prepare(device, TestDevices.Cpu, c);
            var configs = new List<KernelDefines> { Conv2dForwardTuning.Default(DeviceClass.Gpu, shape), Conv2dForwardTuning.Default(DeviceClass.Cpu, shape) };
            foreach (int localTiles in new[] { 0, 1 })
                configs.AddRange(tunable.Space.Sample(PerFormulation, seed: shape.GetHashCode() + localTiles,
                    p => TuningSpace.Value(p, "LOCAL_TILES") != localTiles ? "other formulation" : tunable.Illegal(device, c, p)));
            foreach (var config in configs.Distinct())
            {
                Assert.Null(tunable.Illegal(device, c, config));
                double error = trial.Check(config);
                output.WriteLine($"{shape} [{config}]: relative error {error:G3}");
                Assert.True(error <= KernelTuner.Tolerance, $"{shape} [{config}]: relative error {error:G3}");
                checkedConfigs++;
            }
        }
        Assert.True(checkedConfigs >= Shapes.Length * (2 * PerFormulation), $"only {checkedConfigs} configurations were legal");
    }

    [OpenClFact]
    public void Illegal_combinations_are_refused_with_the_reason()
    {
        var shape = new Conv2dShape(1, 64, 32, 32, 64, 3, 2, PaddingMode.Zeros);
        using var device = TestDevices.RequireOpenCl();
        var tiles = Conv2dForwardTuning.Config(localTiles: 1, block: 8, px: 2, rows: 2, wgX: 16, wgY: 16);
        Assert.Contains("one row per work-item", Conv2dForwardTuning.Illegal(device, shape, tiles));
        var odd = Conv2dForwardTuning.Config(localTiles: 1, block: 8, px: 2, rows: 1, wgX: 1, wgY: 16);
        Assert.Contains("stride 2", Conv2dForwardTuning.Illegal(device, shape, odd));
        var huge = Conv2dForwardTuning.Config(localTiles: 0, block: 16, px: 32, rows: 2, wgX: 1, wgY: 1);
        Assert.Contains("accumulators", Conv2dForwardTuning.Illegal(device, shape, huge));
        Assert.Contains("not one of", Conv2dForwardTuning.Illegal(device, shape, tiles.With("PX", 3)));
    }
}
