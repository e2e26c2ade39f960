namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Mean losses of a prediction against a target, reduced on the device into a one-element buffer
/// (kernels/loss.cl plus reduce.cl's final pass), and their backwards, which read the upstream gradient
/// on the device. C# reference on Cpu.
/// </summary>
public static class Losses
{
    private const string File = "loss.cl";
    private const int Group = 256;
    private const int MaxGroups = 1024;
    private static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>result[0] = mean |p − t|</summary>
    public static void L1(DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result) =>
        Mean("l1_partial", p, t, n, result, static d => Math.Abs(d));

    /// <summary>result[0] = mean (p − t)²</summary>
    public static void Mse(DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result) =>
        Mean("mse_partial", p, t, n, result, static d => d * d);

    /// <summary>gp = gy[0]·sign(p − t) / n, with sign(0) = 0</summary>
    public static void L1Backward(DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Backward("l1_backward", 1f / n, p, t, gy, gp, n, static (d, g) => d > 0 ? g : d < 0 ? -g : 0f);

    /// <summary>gp = gy[0]·2(p − t) / n</summary>
    public static void MseBackward(DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n) =>
        Backward("mse_backward", 2f / n, p, t, gy, gp, n, static (d, g) => g * d);

    private static void Mean(string kernel, DeviceBuffer p, DeviceBuffer t, long n, DeviceBuffer result, Func<double, double> term)
    {
        using var op = OpTimer.Start((kernel, n), static s => new OpCost(s.kernel, OpLabel.Elements(s.n), 3.0 * s.n, OpCost.F32(2 * s.n + Math.Min((s.n + Group - 1) / Group, MaxGroups))));
        Launch.SameDevice(kernel, 1, p, result);
        float scale = 1f / n;
        if (Launch.SameDevice(kernel, n, p, t) is KernelDevice k)
        {
            long groups = Math.Min((n + Group - 1) / Group, MaxGroups);
            using var partial = k.Allocate(groups);
            k.Launch(k.GetKernel(File, kernel, Defines), LaunchGrid.Linear(groups * Group, Group), n, scale, p, t, partial);
            OpTimer.Next((kernel, n, groups), static s => new OpCost("sum_partial", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
            k.Launch(k.GetKernel("reduce.cl", "sum_partial", Defines), LaunchGrid.Linear(Group, Group), groups, partial, result);
            return;
        }
        var ps = Launch.Span(p, n);
        var ts = Launch.Span(t, n);
        double acc = 0;
        for (int i = 0; i < ps.Length; i++)
            acc += term((double)ps[i] - ts[i]);
        result.HostArray![0] = (float)(acc / n);
    }

    private static void Backward(string kernel, float scale, DeviceBuffer p, DeviceBuffer t, DeviceBuffer gy, DeviceBuffer gp, long n, Func<float, float, float> grad)
    {
        using var op = OpTimer.Start((kernel, n), static s => new OpCost(s.kernel, OpLabel.Elements(s.n), 3.0 * s.n, OpCost.F32(3 * s.n + 1)));
        Launch.SameDevice(kernel, 1, p, gy);
        if (Launch.SameDevice(kernel, n, p, t, gp) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, kernel, Defines), LaunchGrid.Linear(n), n, scale, p, t, gy, gp);
            return;
        }
        var ps = Launch.Span(p, n);
        var ts = Launch.Span(t, n);
        var gps = Launch.Span(gp, n);
        float g = scale * gy.HostArray![0];
        for (int i = 0; i < ps.Length; i++)
            gps[i] = grad(ps[i] - ts[i], g);
    }
}
