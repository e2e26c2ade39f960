using System.Diagnostics;

namespace SuperRes.Runtime.Profiling;

/// <summary>
/// What one op (or one launch of it) does, for the profiler: <paramref name="Name"/> is the kernel entry it
/// runs (<c>conv2d_forward</c>), <paramref name="Config"/> its configuration (<c>3x3 64→64 128x128 n1</c>),
/// <paramref name="Flops"/> the floating-point operations (a multiply-add counts 2) and <paramref name="Bytes"/>
/// the device memory traffic, counted as every input read once plus every output written once.
/// </summary>
public readonly record struct OpCost(string Name, string Config, double Flops, double Bytes)
{
    /// <summary>Bytes of <paramref name="elements"/> float32 values.</summary>
    public static double F32(long elements) => 4.0 * elements;
}

/// <summary>
/// The op-level side of the profiler. Primitives open a scope around their work:
/// <code>using var _ = OpTimer.Start(shape, static s => new OpCost("conv2d_forward", ..., flops, bytes));</code>
/// With no <see cref="Profiler"/> attached on the thread that is one thread-static read (the description is not
/// built). With one attached, kernel launches inside the scope are labelled with its configuration and costs
/// (the first launch takes the op's cost; <see cref="Next"/> gives a later launch its own), and on a device that
/// launches no kernels (Cpu) the outermost scope is timed with the host clock.
/// </summary>
public static class OpTimer
{
    [ThreadStatic] private static Profiler? t_profiler;
    [ThreadStatic] private static Frame? t_frame;

    /// <summary>Whether a profiler listens on this thread.</summary>
    public static bool IsActive => t_profiler is not null;

    public static Scope Start<TState>(TState state, Func<TState, OpCost> describe)
    {
        var profiler = t_profiler;
        if (profiler is null)
            return default;
        var cost = describe(state);
        var frame = new Frame(cost, t_frame);
        t_frame = frame;
        return new Scope(profiler, frame);
    }

    /// <summary>Sets the label and cost of the current op's next launch (a second pass, a fold of partial sums).</summary>
    public static void Next<TState>(TState state, Func<TState, OpCost> describe)
    {
        if (t_profiler is not null && t_frame is { } frame)
        {
            frame.Pending = describe(state);
            frame.PendingTaken = false;
        }
    }

    /// <summary>The label of a launch made now: the innermost scope's pending cost (once), else its configuration with no cost.</summary>
    internal static OpCost? TakeLaunchCost()
    {
        if (t_frame is not { } frame)
            return null;
        if (frame.PendingTaken)
            return frame.Pending with { Flops = 0, Bytes = 0 };
        frame.PendingTaken = true;
        return frame.Pending;
    }

    internal static Profiler? Attached => t_profiler;

    internal static void Attach(Profiler? profiler)
    {
        t_profiler = profiler;
        t_frame = null;
    }

    internal sealed class Frame(OpCost cost, Frame? parent)
    {
        public OpCost Op { get; } = cost;
        public Frame? Parent { get; } = parent;
        public OpCost Pending { get; set; } = cost;
        public bool PendingTaken { get; set; }
        public long StartTicks { get; } = Stopwatch.GetTimestamp();
    }

    /// <summary>An open op scope; disposing it closes the op (and on Cpu records its host time).</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Profiler? _profiler;
        private readonly Frame? _frame;

        internal Scope(Profiler profiler, Frame frame)
        {
            _profiler = profiler;
            _frame = frame;
        }

        public void Dispose()
        {
            if (_profiler is null || _frame is null)
                return;
            long end = Stopwatch.GetTimestamp();
            if (t_frame == _frame)
                t_frame = _frame.Parent;
            // Nested scopes (an op built from other ops) are timed once, by the outermost.
            if (_frame.Parent is null && ReferenceEquals(t_profiler, _profiler))
                _profiler.RecordHost(_frame.Op, _frame.StartTicks, end);
        }
    }
}
