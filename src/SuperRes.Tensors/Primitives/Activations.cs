using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Activation functions and their backwards over flat buffers (kernels/activations.cl; C# reference on Cpu).
/// PReLU takes <c>slopes</c> (1 shared, or C per channel) and <c>plane</c> (elements per channel of one
/// sample, H·W): element i uses slope (i / plane) mod slopes.
/// </summary>
public static class Activations
{
    private const string File = "activations.cl";
    private const int Group = 256;
    // A slope's elements are split into chunks of at least Group·ItemsPerThread, at most MaxChunks of them.
    private const int ItemsPerThread = 16;
    private const int MaxChunks = 256;
    // Below this many elements the Cpu loops run on the calling thread: sharing them costs more than it saves.
    private const long ParallelThreshold = 1 << 16;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>y = x where x &gt; 0, else slope·x</summary>
    public static void LeakyRelu(DeviceBuffer x, float slope, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("leaky_relu", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "leaky_relu", Defines), LaunchGrid.Linear(n), n, slope, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = xs[i] > 0 ? xs[i] : slope * xs[i];
    }

    /// <summary>gx = gy where x &gt; 0, else slope·gy</summary>
    public static void LeakyReluBackward(DeviceBuffer x, float slope, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("leaky_relu_backward", OpLabel.Elements(n), n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("leaky_relu_backward", n, x, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "leaky_relu_backward", Defines), LaunchGrid.Linear(n), n, slope, x, gy, gx);
            return;
        }
        var xs = Launch.Span(x, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < xs.Length; i++)
            gxs[i] = xs[i] > 0 ? gys[i] : slope * gys[i];
    }

    /// <summary>y = x where x &gt; 0, else slope[c]·x</summary>
    public static void Prelu(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu", x, slope, slopes, plane, n);
        if (Launch.SameDevice("prelu", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "prelu", Defines), LaunchGrid.Linear(n), n, slopes, plane, x, slope, y);
            return;
        }
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var ys = Launch.Array(y);
        ForEachPlane(n, plane, p => ScaleNonPositive(xs.AsSpan(p * plane, plane), xs.AsSpan(p * plane, plane), ss[p % slopes], ys.AsSpan(p * plane, plane)));
    }

    /// <summary>gx = gy where x &gt; 0, else slope[c]·gy</summary>
    public static void PreluBackward(DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_backward", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", s.n, OpCost.F32(3 * s.n + s.slopes)));
        CheckSlopes("prelu_backward", x, slope, slopes, plane, n);
        if (Launch.SameDevice("prelu_backward", n, x, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "prelu_backward", Defines), LaunchGrid.Linear(n), n, slopes, plane, x, slope, gy, gx);
            return;
        }
        var xs = Launch.Array(x);
        var ss = Launch.Array(slope);
        var gys = Launch.Array(gy);
        var gxs = Launch.Array(gx);
        ForEachPlane(n, plane, p => ScaleNonPositive(xs.AsSpan(p * plane, plane), gys.AsSpan(p * plane, plane), ss[p % slopes], gxs.AsSpan(p * plane, plane)));
    }

    /// <summary>gslope[s] = Σ x·gy over the elements of slope s with x ≤ 0 (two-pass reduction on the device).</summary>
    public static void PreluSlopeGradient(DeviceBuffer x, DeviceBuffer gy, int slopes, int plane, DeviceBuffer gslope, long n)
    {
        using var op = OpTimer.Start((n, slopes), static s => new OpCost("prelu_slope_partial", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", 2.0 * s.n, OpCost.F32(2 * s.n + s.slopes)));
        CheckSlopes("prelu_slope_gradient", x, gslope, slopes, plane, n);
        long count = n / slopes;
        if (Launch.SameDevice("prelu_slope_gradient", n, x, gy) is KernelDevice k)
        {
            var partialKernel = k.GetKernel(File, "prelu_slope_partial", Defines);
            long chunks = Math.Clamp(count / (Group * ItemsPerThread), 1, MaxChunks);
            if (chunks == 1)
            {
                k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, 1, Group, 1), count, slopes, plane, x, gy, gslope);
                return;
            }
            using var partial = k.Allocate(slopes * chunks);
            k.Launch(partialKernel, LaunchGrid.Grid2D(slopes * (long)Group, chunks, Group, 1), count, slopes, plane, x, gy, partial);
            OpTimer.Next((n, slopes, chunks), static s => new OpCost("sum_rows", $"{OpLabel.Elements(s.n)} slopes={s.slopes}", (double)s.slopes * s.chunks, OpCost.F32(s.slopes * (s.chunks + 1))));
            k.Launch(k.GetKernel(File, "sum_rows", Defines), LaunchGrid.Linear(slopes * (long)Group, Group), chunks, partial, gslope);
            return;
        }
        var xs = Launch.Array(x);
        var gys = Launch.Array(gy);
        var gs = Launch.Array(gslope);
        long batches = n / ((long)slopes * plane);
        Parallel.For(0, slopes, s =>
        {
            double acc = 0;
            for (long b = 0; b < batches; b++)
            {
                int start = checked((int)((b * slopes + s) * plane));
                acc += NonPositiveDot(xs.AsSpan(start, plane), gys.AsSpan(start, plane));
            }
            gs[s] = (float)acc;
        });
    }

    /// <summary>Runs body(p) for every plane of n elements: in parallel when there is enough work to share.</summary>
    private static void ForEachPlane(long n, int plane, Action<int> body)
    {
        int planes = checked((int)(n / plane));
        if (n < ParallelThreshold)
            for (int p = 0; p < planes; p++)
                body(p);
        else
            Parallel.For(0, planes, body);
    }

    /// <summary>result = value where x &gt; 0, else slope·value.</summary>
    private static void ScaleNonPositive(ReadOnlySpan<float> x, ReadOnlySpan<float> value, float slope, Span<float> result)
    {
        int i = 0;
        var vs = new Vector<float>(slope);
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var v = new Vector<float>(value[i..]);
            Vector.ConditionalSelect(Vector.GreaterThan(new Vector<float>(x[i..]), Vector<float>.Zero), v, vs * v).CopyTo(result[i..]);
        }
        for (; i < x.Length; i++)
            result[i] = x[i] > 0 ? value[i] : slope * value[i];
    }

    /// <summary>Σ x·gy over the elements with x ≤ 0.</summary>
    private static float NonPositiveDot(ReadOnlySpan<float> x, ReadOnlySpan<float> gy)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            var xv = new Vector<float>(x[i..]);
            acc += Vector.ConditionalSelect(Vector.LessThanOrEqual(xv, Vector<float>.Zero), xv * new Vector<float>(gy[i..]), Vector<float>.Zero);
        }
        float sum = Vector.Sum(acc);
        for (; i < x.Length; i++)
            if (x[i] <= 0)
                sum += x[i] * gy[i];
        return sum;
    }

    /// <summary>y = 1 / (1 + e^−x)</summary>
    public static void Sigmoid(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid", OpLabel.Elements(n), 4.0 * n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("sigmoid", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "sigmoid", Defines), LaunchGrid.Linear(n), n, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = 1f / (1f + MathF.Exp(-xs[i]));
    }

    /// <summary>gx = gy·y·(1 − y) from sigmoid's output y</summary>
    public static void SigmoidBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sigmoid_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("sigmoid_backward", n, y, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "sigmoid_backward", Defines), LaunchGrid.Linear(n), n, y, gy, gx);
            return;
        }
        var ys = Launch.Span(y, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < ys.Length; i++)
            gxs[i] = gys[i] * ys[i] * (1f - ys[i]);
    }

    public static void Tanh(DeviceBuffer x, DeviceBuffer y, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_forward", OpLabel.Elements(n), n, OpCost.F32(2 * n)));
        if (Launch.SameDevice("tanh", n, x, y) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "tanh_forward", Defines), LaunchGrid.Linear(n), n, x, y);
            return;
        }
        var xs = Launch.Span(x, n);
        var ys = Launch.Span(y, n);
        for (int i = 0; i < xs.Length; i++)
            ys[i] = MathF.Tanh(xs[i]);
    }

    /// <summary>gx = gy·(1 − y²) from tanh's output y</summary>
    public static void TanhBackward(DeviceBuffer y, DeviceBuffer gy, DeviceBuffer gx, long n)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("tanh_backward", OpLabel.Elements(n), 3.0 * n, OpCost.F32(3 * n)));
        if (Launch.SameDevice("tanh_backward", n, y, gy, gx) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "tanh_backward", Defines), LaunchGrid.Linear(n), n, y, gy, gx);
            return;
        }
        var ys = Launch.Span(y, n);
        var gys = Launch.Span(gy, n);
        var gxs = Launch.Span(gx, n);
        for (int i = 0; i < ys.Length; i++)
            gxs[i] = gys[i] * (1f - ys[i] * ys[i]);
    }

    private static void CheckSlopes(string op, DeviceBuffer x, DeviceBuffer slope, int slopes, int plane, long n)
    {
        if (slope.Device != x.Device)
            throw new ArgumentException($"{op}: slopes on {slope.Device.Info.Id} but input on {x.Device.Info.Id}; move them to one device first");
        if (slopes < 1 || plane < 1 || n % ((long)slopes * plane) != 0)
            throw new ArgumentException($"{op}: {n} elements do not split into planes of {plane} for {slopes} slopes");
        if (slope.Length < slopes)
            throw new ArgumentException($"{op}: {slopes} slopes but the slope buffer holds {slope.Length}");
    }
}
