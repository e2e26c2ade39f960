using SuperRes.Runtime.Tuning;

namespace SuperRes.Tensors.Tuning;

/// <summary>One shape a kernel is tuned on: a layer shape of the zoo, standing for its <see cref="ShapeClass"/>.</summary>
/// <param name="Label">What the tuner prints, e.g. <c>3x3 64→64 96x96</c>.</param>
/// <param name="ShapeClass">The database key the result is stored under (shapes of one class share parameters).</param>
/// <param name="Shape">The op's own shape record.</param>
public sealed record TuningCase(string Label, string ShapeClass, object Shape);

/// <summary>Buffers and the Cpu reference for one case on one device: runs a configuration and checks its output.</summary>
public interface ITuningTrial : IDisposable
{
    /// <summary>Enqueues one run of the kernel with <paramref name="parameters"/> (the caller synchronizes).</summary>
    void Run(KernelDefines parameters);

    /// <summary>
    /// Runs once into an output poisoned with NaN (so unwritten elements fail) and returns max |output − reference| /
    /// max |reference|.
    /// </summary>
    double Check(KernelDefines parameters);

    /// <summary>Floating-point operations of one run (for GFLOP/s).</summary>
    double Flops { get; }
}

/// <summary>
/// A kernel with tunable defines: its legal ranges (<see cref="Space"/>), the shapes it is tuned on, its shipped
/// defaults and the rule for what a shape and device allow. Each op declares its own beside its kernel host code.
/// </summary>
public abstract class TunableKernel
{
    /// <summary>The kernel's name in the tuning database and in <c>superres tune --ops</c>.</summary>
    public string Name => Space.Kernel;

    public abstract TuningSpace Space { get; }

    /// <summary>The zoo's layer shapes, one per shape class.</summary>
    public abstract IReadOnlyList<TuningCase> Cases { get; }

    /// <summary>The device class's shipped parameters for a case.</summary>
    public abstract KernelDefines Default(KernelDevice device, TuningCase c);

    /// <summary>Why <paramref name="parameters"/> cannot run the case on the device, or null.</summary>
    public abstract string? Illegal(KernelDevice device, TuningCase c, KernelDefines parameters);

    /// <summary>Inputs on the device and the Cpu reference output, computed on <paramref name="reference"/>.</summary>
    public abstract ITuningTrial Prepare(KernelDevice device, Device reference, TuningCase c);
}
