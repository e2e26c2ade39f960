using SuperRes.Runtime.Profiling;
using SuperRes.Runtime.Tuning;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Tuning;
using Xunit.Abstractions;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// Every legal combination of a tunable kernel's parameters gives the Cpu reference's result: for the gradient,
/// GEMM and reduction kernels, a sample of them per shape plus the shipped defaults of both device classes, on odd
/// shapes that are no multiple of any tile, on the OpenCL device. (conv2d's forward and conv_transpose2d: KernelTuningTests.)
/// </summary>
[Collection("devices")]
public sealed class KernelTuningSweepTests(ITestOutputHelper output)
{
    [OpenClFact]
    public void Sampled_legal_conv2d_gradient_configurations_match_the_Cpu_reference()
    {
        Conv2dShape[] shapes =
        [
            new(2, 5, 19, 37, 7, 3, 1, PaddingMode.Replicate),
            new(1, 6, 23, 21, 9, 3, 2, PaddingMode.Zeros),
            new(1, 3, 17, 40, 16, 5, 1, PaddingMode.Zeros),
            new(2, 8, 13, 50, 3, 1, 1, PaddingMode.Replicate),
        ];
        Sweep("conv2d_backward", shapes.Select(s => new TuningCase(s.ToString(), Conv2dForwardTuning.ShapeClass(s), s)), perCase: 3,
            _ => Conv2dGradientTuning.Default(DeviceClass.Gpu));
    }

    [OpenClFact]
    public void Sampled_legal_reduction_configurations_match_the_Cpu_reference()
    {
        long[] lengths = [1, 1000, 99_999, 1_234_567];
        Sweep("reduce", lengths.Select(n => new TuningCase($"{n} values", ReduceTuning.ShapeClass(n), n)), perCase: 4);
    }

    [OpenClFact]
    public void Sampled_legal_plane_reduction_configurations_match_the_Cpu_reference()
    {
        (int Planes, int Hw)[] shapes = [(7, 1), (5, 333), (3, 70_001)];
        Sweep("plane_reduce", shapes.Select(s => new TuningCase($"{s.Planes} planes of {s.Hw}", PoolingTuning.ShapeClass(s.Hw), s)), perCase: 3,
            _ => PoolingTuning.Default(DeviceClass.Gpu));
    }

    [OpenClFact]
    public void Sampled_legal_linear_configurations_match_the_Cpu_reference()
    {
        (int Batch, int In, int Out)[] shapes = [(1, 1, 1), (3, 37, 5), (7, 100, 33)];
        Sweep("linear", shapes.Select(s => new TuningCase($"{s.Batch}x{s.In}→{s.Out}", LinearTuning.ShapeClass(s.In, s.Out), s)), perCase: 4,
            _ => LinearTuning.Default(DeviceClass.Gpu));
    }

    /// <summary>Shapes drawn with odd sizes (no multiple of any group): few and many values per channel, one channel and several.</summary>
    [OpenClFact]
    public void Sampled_legal_batch_norm_configurations_match_the_Cpu_reference()
    {
        var rng = new Random(14);
        BatchNormShape[] shapes = [new(1, 1, 3), new(3, 5, Odd(rng, 101, 999)), new(2, Odd(rng, 3, 9), Odd(rng, 10_001, 40_001))];
        Sweep("batch_norm", shapes.Select(s => new TuningCase($"{s.Batch}x{s.Channels}x{s.Hw}", BatchNormTuning.ShapeClass((long)s.Batch * s.Hw), s)), perCase: 3,
            _ => BatchNormTuning.Default(DeviceClass.Gpu));
    }

    /// <summary>One chunk per slope and many (up to the 256 the second pass folds), one slope over everything and one per channel.</summary>
    [OpenClFact]
    public void Sampled_legal_prelu_slope_configurations_match_the_Cpu_reference()
    {
        var rng = new Random(15);
        int plane = Odd(rng, 101, 999), single = Odd(rng, 100_001, 300_001);
        PreluShape[] shapes = [new(5, 1, 5), new(7, plane, 3L * 7 * plane), new(1, single, single)];
        Sweep("prelu_slope", shapes.Select(s => new TuningCase($"{s.Slopes} slopes of {s.Length / s.Slopes}", PreluSlopeTuning.ShapeClass(s.Length / s.Slopes), s)), perCase: 3);
    }

    /// <summary>Sums of squares of 1 to a million values; then each sampled configuration's clipping coefficient over more sums than a group has.</summary>
    [OpenClFact]
    public void Sampled_legal_gradient_norm_configurations_match_the_Cpu_reference()
    {
        long[] lengths = [1, 1000, 99_999, 1_234_567];
        var configs = Sweep("adam_norm", lengths.Select(n => new TuningCase($"{n} values", AdamNormTuning.ShapeClass(n), n)), perCase: 3);

        using var device = TestDevices.RequireOpenCl();
        const int count = 1111;
        var sums = Verification.RandomData.Uniform(new Random(16), count, 0.1f, 2f);
        var expected = Coefficient(TestDevices.Cpu, sums, (s, r) => GradientNorm.ClipCoefficient(s, count, 1f, r));
        foreach (var config in configs.Distinct())
        {
            var actual = Coefficient(device, sums, (s, r) => AdamKernels.ClipCoefficient(s, count, 1f, r, config));
            double error = Verification.Accuracy.RelativeError(actual, expected);
            output.WriteLine($"clip coefficient of {count} sums [{config}]: relative error {error:G3}");
            Assert.True(error <= KernelTuner.Tolerance, $"clip coefficient [{config}]: relative error {error:G3}");
        }
    }

    /// <summary>The clipping coefficient and norm of <paramref name="sums"/> on a device.</summary>
    private static float[] Coefficient(Device device, float[] sums, Action<DeviceBuffer, DeviceBuffer> clip)
    {
        using DeviceBuffer s = device.Upload(sums), result = device.Allocate(2);
        clip(s, result);
        return device.Download(result);
    }

    /// <summary>An odd number in [lo, hi).</summary>
    private static int Odd(Random rng, int lo, int hi) => rng.Next(lo, hi) | 1;

    /// <summary>The calibration SGEMM needs n to be a multiple of its tile and k-step: 192 admits tiles up to 64 only.</summary>
    [OpenClFact]
    public void Sampled_legal_calibration_sgemm_configurations_match_the_Cpu_reference()
    {
        Sweep("calibrate_sgemm", new[] { 256, 192 }.Select(n => new TuningCase($"{n}³", CalibrationSgemm.ShapeClass, n)), perCase: 4,
            c => CalibrationSgemm.Shipped(DeviceClass.Gpu).First(p => (int)c.Shape % TuningSpace.Value(p, "TS") == 0));
        using var device = TestDevices.RequireOpenCl();
        Assert.Contains("not a multiple", CalibrationSgemm.Illegal(device, 192, CalibrationSgemm.Config(128, 8, 16)));
    }

    /// <summary>
    /// Checks <paramref name="perCase"/> sampled legal configurations per case, the device's default and, when it
    /// differs, the GPU class's (<paramref name="gpuDefault"/>; the reductions ship one default for both). Returns
    /// every configuration it checked.
    /// </summary>
    private List<KernelDefines> Sweep(string kernel, IEnumerable<TuningCase> cases, int perCase, Func<TuningCase, KernelDefines>? gpuDefault = null)
    {
        using var device = TestDevices.RequireOpenCl();
        var tunable = TunableKernels.All.Single(k => k.Name == kernel);
        var checkedConfigs = new List<KernelDefines>();
        int seed = 0;
        foreach (var c in cases)
        {
            using var trial = tunable.Prepare(device, TestDevices.Cpu, c);
            var configs = tunable.Space.Sample(perCase, ++seed, p => tunable.Illegal(device, c, p)).Append(tunable.Default(device, c));
            if (gpuDefault is not null)
                configs = configs.Append(gpuDefault(c));
            foreach (var config in configs.Distinct())
            {
                Assert.Null(tunable.Illegal(device, c, config));
                double error = trial.Check(config);
                output.WriteLine($"{c.Label} [{config}]: relative error {error:G3}");
                Assert.True(error <= KernelTuner.Tolerance, $"{kernel} {c.Label} [{config}]: relative error {error:G3}");
                checkedConfigs.Add(config);
            }
        }
        Assert.True(checkedConfigs.Count >= perCase * cases.Count(), $"{kernel}: only {checkedConfigs.Count} configurations were legal");
        return checkedConfigs;
    }
}
