using System.Diagnostics;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Runtime.Profiling;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;
using SuperRes.Training;

namespace SuperRes.Cli.Commands;

/// <summary>
/// What <c>superres profile</c> runs: a zoo network (random weights, random input) forward, and optionally an L1
/// loss, the backward pass and an <see cref="AdamOptimizer"/> update (a whole training step), timed end to end
/// and under the <see cref="Profiler"/>.
/// </summary>
internal static class ProfileWorkload
{
    /// <summary>The Adam update's learning rate (torch.optim.Adam's other defaults).</summary>
    private const double LearningRate = 1e-4;

    /// <summary>What to run.</summary>
    internal sealed record Settings(string Model, int? Scale, int[] Input, bool Backward, bool Adam, int Warmup, int Iterations, ModelOptions Options, int Seed, bool Profile = true);

    /// <summary>What was measured.</summary>
    internal sealed record Result(string Workload, IReadOnlyList<ProfileSample> Samples, double ForwardMs, double? BackwardMs, double? OptimizerMs, long PeakMemoryBytes, double CpuMs);

    /// <summary>
    /// Builds the network and runs <see cref="Settings.Warmup"/> untimed iterations, <see cref="Settings.Iterations"/>
    /// timed ones without the profiler (the end-to-end means and the memory high-water mark), then as many
    /// under the profiler (the per-kernel samples).
    /// </summary>
    public static Result Run(Device device, Settings settings, CliContext? context = null)
    {
        var entry = ModelZoo.Find(settings.Model);
        int s = settings.Scale ?? entry.Scales[0];
        using var network = ModelZoo.Create(device, entry.Name, s, settings.Options);
        network.Train(settings.Backward);
        var shape = new Shape(settings.Input);
        float range = network.Colors == ColorConvention.Rgb255 ? 255f : 1f;
        var random = new Random(settings.Seed);
        using var x = Tensor.FromArray(device, shape, RandomValues(random, shape.Length, range));
        string workload = $"{entry.Name} x{s}{(settings.Options.Values.Count > 0 ? $" ({settings.Options})" : "")}, input {string.Join('x', settings.Input)}, "
            + (settings.Backward ? "forward + L1 loss + backward" + (settings.Adam ? " + Adam" : "") : "forward (inference)");
        context?.Out.MarkupLine(Markup.Escape($"profile: {workload} on {device.Info}"));

        Tensor? target = null;
        using var optimizer = settings.Adam ? new AdamOptimizer(network.NamedParameters(), new AdamSettings()) : null;
        try
        {
            // The first forward also checks that the network takes this input.
            target = Prepare(network, x, settings, random, range);
            for (int i = 0; i < settings.Warmup; i++)
                Step(network, x, target, settings.Backward, optimizer, null);

            device.Synchronize();
            device.Memory.ResetPeak();
            double forward = 0, backward = 0, update = 0;
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < settings.Iterations; i++)
            {
                var (f, b, o) = Step(network, x, target, settings.Backward, optimizer, null);
                forward += f;
                backward += b;
                update += o;
            }
            long peakMemory = device.Memory.PeakInUseBytes;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;

            IReadOnlyList<ProfileSample> samples = [];
            if (settings.Profile)
            {
                using var profiler = new Profiler(device);
                for (int i = 0; i < settings.Iterations; i++)
                    Step(network, x, target, settings.Backward, optimizer, profiler);
                samples = profiler.Collect();
            }
            int n = settings.Iterations;
            return new Result(workload, samples, forward / n, settings.Backward ? backward / n : null, optimizer is null ? null : update / n, peakMemory, cpu / n);
        }
        finally
        {
            Tape.Clear();
            target?.Dispose();
        }
    }

    private static Tensor? Prepare(SrNetwork network, Tensor x, Settings settings, Random random, float range)
    {
        Tensor y;
        try
        {
            using (Tape.NoGrad())
                y = network.Forward(x);
        }
        catch (ArgumentException e)
        {
            throw new SuperResException($"{network.Architecture} x{network.Scale} cannot take an input of {x.Shape}: {e.Message}");
        }
        using (y)
            return settings.Backward ? Tensor.FromArray(x.Device, y.Shape, RandomValues(random, y.Length, range)) : null;
    }

    /// <summary>One iteration; returns the wall-clock ms of the forward, of loss + backward and of the Adam update (device synchronized).</summary>
    private static (double ForwardMs, double BackwardMs, double OptimizerMs) Step(SrNetwork network, Tensor x, Tensor? target, bool backward, AdamOptimizer? optimizer, Profiler? profiler)
    {
        var device = x.Device;
        device.Synchronize();
        SetPhase(profiler, "forward");
        long t0 = Stopwatch.GetTimestamp();
        Tensor y;
        using (backward ? null : Tape.NoGrad())
            y = network.Forward(x);
        device.Synchronize();
        long t1 = Stopwatch.GetTimestamp();
        using (y)
        {
            if (!backward)
                return (Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, 0, 0);
            SetPhase(profiler, "loss");
            using var loss = Ops.L1Loss(y, target!);
            SetPhase(profiler, "backward");
            loss.Backward();
            device.Synchronize();
        }
        long t2 = Stopwatch.GetTimestamp();
        if (optimizer is not null)
        {
            SetPhase(profiler, "adam");
            optimizer.Step(LearningRate);
            device.Synchronize();
        }
        long t3 = Stopwatch.GetTimestamp();
        if (optimizer is null)
        {
            // AdamOptimizer.Step clears the gradients itself.
            SetPhase(profiler, "zero_grad");
            foreach (var p in network.Parameters())
                p.ZeroGrad();
        }
        return (Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds, Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds,
            Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds);
    }

    private static void SetPhase(Profiler? profiler, string phase)
    {
        if (profiler is not null)
            profiler.Phase = phase;
    }

    private static float[] RandomValues(Random random, long length, float range)
    {
        var data = new float[length];
        for (long i = 0; i < length; i++)
            data[i] = (float)random.NextDouble() * range;
        return data;
    }
}
