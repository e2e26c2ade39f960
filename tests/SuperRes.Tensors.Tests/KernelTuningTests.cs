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

    /// <summary>
    /// conv_transpose2d's parameters serve its forward pass and its three gradients (one program): a sample of them,
    /// set as the device's database entry for the shape's class, gives the Cpu reference's gradients too.
    /// </summary>
    [OpenClFact]
    public void Sampled_legal_conv_transpose2d_configurations_match_the_Cpu_reference_forward_and_backward()
    {
        using var device = TestDevices.RequireOpenCl();
        var tunable = TunableKernels.All.Single(k => k.Name == "conv_transpose2d");
        var g = new ConvTranspose2dGeometry(2, 5, 7, 11, 3, 9, 3, 4, 2);
        var c = new TuningCase(g.ToString(), ConvTranspose2dTuning.ShapeClass(g), g);
        using var trial = tunable.Prepare(device, TestDevices.Cpu, c);
        var rng = new Random(3);
        float[] x = Verification.RandomData.Uniform(rng, g.InputLength), w = Verification.RandomData.Uniform(rng, g.WeightLength),
            gy = Verification.RandomData.Uniform(rng, g.OutputLength);
        var expected = Gradients(TestDevices.Cpu, g, x, w, gy);
        var configs = tunable.Space.Sample(4, seed: 5, p => tunable.Illegal(device, c, p)).Append(ConvTranspose2dTuning.Default());
        foreach (var config in configs)
        {
            double error = trial.Check(config);
            device.Tuning.Set(tunable.Name, c.ShapeClass, new TunedEntry(config, c.Label, 1, 1));
            var actual = Gradients(device, g, x, w, gy);
            output.WriteLine($"[{config}]: forward {error:G3}, gradients {string.Join(", ", actual.Select((a, i) => $"{Verification.Accuracy.RelativeError(a, expected[i]):G3}"))}");
            Assert.True(error <= KernelTuner.Tolerance, $"[{config}] forward: relative error {error:G3}");
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Verification.Accuracy.RelativeError(actual[i], expected[i]) <= KernelTuner.Tolerance, $"[{config}] gradient {i}");
        }
    }

    /// <summary>The input, weight and bias gradients of conv_transpose2d on a device.</summary>
    private static float[][] Gradients(Device device, ConvTranspose2dGeometry g, float[] x, float[] w, float[] gy)
    {
        using DeviceBuffer dx = device.Upload(x), dw = device.Upload(w), dgy = device.Upload(gy);
        using DeviceBuffer gx = device.Allocate(g.InputLength), gw = device.Allocate(g.WeightLength), gb = device.Allocate(g.Cout);
        ConvTranspose2d.InputGrad(g, dgy, dw, gx);
        ConvTranspose2d.WeightGrad(g, dx, dgy, gw);
        ConvTranspose2d.BiasGrad(g, dgy, gb);
        return [device.Download(gx), device.Download(gw), device.Download(gb)];
    }

    [OpenClFact]
    public void The_tuner_times_candidates_keeps_the_fastest_and_stores_it()
    {
        var previous = Environment.GetEnvironmentVariable("SUPERRES_KERNEL_CACHE");
        using var dir = new TempDir("tune");
        Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", dir.Path);
        try
        {
            using var device = TestDevices.RequireOpenCl();
            var shape = new Conv2dShape(1, 8, 24, 40, 8, 3, 1, PaddingMode.Zeros);
            var conv = TunableKernels.All.Single(k => k.Name == "conv2d_forward");
            var one = new OneCase(conv, new TuningCase("3x3 8→8 24x40", Conv2dForwardTuning.ShapeClass(shape), shape));
            var steps = new List<TuneStep>();
            var report = new KernelTuner(device, TestDevices.Cpu) { Progress = steps.Add }.Run([one], TimeSpan.FromSeconds(20), CancellationToken.None);

            var result = Assert.Single(report.Cases);
            var timed = steps.Where(s => s.Milliseconds is { } ms && double.IsFinite(ms)).ToList();
            output.WriteLine(string.Join('\n', steps.Select(s => $"[{s.Parameters}] {s.Milliseconds?.ToString("F3") ?? s.Rejected}")));
            Assert.Contains(timed, s => !s.Parameters.Equals(result.Default));
            Assert.True(result.BestMs <= result.DefaultMs);
            Assert.Equal(result.Best, TuningDatabase.Load(device).Find("conv2d_forward", one.Cases[0].ShapeClass)!.Parameters);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SUPERRES_KERNEL_CACHE", previous);
        }
    }

    /// <summary>A tunable kernel restricted to one case (a short tune for the test).</summary>
    private sealed class OneCase(TunableKernel inner, TuningCase c) : TunableKernel
    {
        public override TuningSpace Space => inner.Space;
        public override IReadOnlyList<TuningCase> Cases => [c];
        public override KernelDefines Default(KernelDevice device, TuningCase tc) => inner.Default(device, tc);
        public override string? Illegal(KernelDevice device, TuningCase tc, KernelDefines parameters) => inner.Illegal(device, tc, parameters);
        public override ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase tc) => inner.Prepare(device, reference, tc);
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
