namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The hyper-parameters of one Adam update of one parameter tensor, in double as PyTorch holds them (Python
/// floats): derived constants such as 1 − β2 and the bias corrections are computed in double and only then
/// rounded to float, exactly as torch.optim.Adam does. <see cref="Step"/> is that tensor's own step count after
/// this update (1 on its first update), as PyTorch keeps it per parameter.
/// </summary>
public readonly record struct AdamHyperParameters(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, long Step)
{
    /// <summary>torch.optim.Adam's defaults (β1 0.9, β2 0.999, ε 1e-8, no weight decay).</summary>
    public static AdamHyperParameters Default(double learningRate, long step) => new(learningRate, 0.9, 0.999, 1e-8, 0, step);

    /// <summary>lr / (1 − β1^t), in double then rounded to float.</summary>
    public float StepSize => (float)(LearningRate / (1 - Math.Pow(Beta1, Step)));

    /// <summary>√(1 − β2^t), in double then rounded to float.</summary>
    public float BiasCorrection2Sqrt => (float)Math.Sqrt(1 - Math.Pow(Beta2, Step));

    public float OneMinusBeta1 => (float)(1 - Beta1);

    public float OneMinusBeta2 => (float)(1 - Beta2);
}

/// <summary>
/// The fused Adam update (kernels/adam.cl <c>adam_step</c>): moments and parameter in one pass over the tensor,
/// the gradient multiplied by a clipping coefficient read on the device. C# reference on Cpu, in float, with
/// the same operation order as the kernel and as torch.optim.Adam.
/// </summary>
public static class Adam
{
    private const string File = "adam.cl";
    internal const int Group = 256;
    internal static readonly KernelDefines Defines = new KernelDefines().With("GROUP", Group);

    /// <summary>
    /// param, m and v updated in place from grad·gradScale[0] (gradScale: one element, 1 without clipping).
    /// </summary>
    public static void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h)
    {
        // FLOPs: about 14 per element (16 with weight decay), the sqrt and divisions counted as one each;
        // bytes: param, grad, m, v read, param, m, v written.
        using var op = OpTimer.Start((n, h.WeightDecay != 0f), static s => new OpCost("adam_step", OpLabel.Elements(s.n), (s.Item2 ? 16.0 : 14.0) * s.n, OpCost.F32(7 * s.n + 1)));
        if (h.Step < 1)
            throw new ArgumentOutOfRangeException(nameof(h), h.Step, "adam: the step count starts at 1");
        Launch.SameDevice("adam", 1, param, gradScale);
        float stepSize = h.StepSize, bc2 = h.BiasCorrection2Sqrt, omb1 = h.OneMinusBeta1, omb2 = h.OneMinusBeta2;
        float beta1 = (float)h.Beta1, beta2 = (float)h.Beta2, eps = (float)h.Epsilon, wd = (float)h.WeightDecay;
        if (Launch.SameDevice("adam", n, param, grad, m, v) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "adam_step", Defines), LaunchGrid.Linear(n), n, param, grad, m, v, gradScale,
                stepSize, beta1, omb1, beta2, omb2, bc2, eps, wd);
            return;
        }
        var ps = Launch.Span(param, n);
        var gs = Launch.Span(grad, n);
        var ms = Launch.Span(m, n);
        var vs = Launch.Span(v, n);
        float scale = gradScale.HostArray![0];
        for (int i = 0; i < ps.Length; i++)
        {
            float p = ps[i];
            float g = gs[i] * scale;
            if (wd != 0f)
                g = g + wd * p;
            float mi = beta1 * ms[i] + omb1 * g;
            float vi = beta2 * vs[i] + omb2 * g * g;
            ms[i] = mi;
            vs[i] = vi;
            float denom = MathF.Sqrt(vi) / bc2 + eps;
            ps[i] = p - stepSize * mi / denom;
        }
    }
}

/// <summary>
/// The global L2 norm of a set of gradients and the clipping coefficient of torch.nn.utils.clip_grad_norm_,
/// reduced on the device (kernels/adam.cl): no value goes back to the host.
/// </summary>
public static class GradientNorm
{
    private const string File = "adam.cl";
    private const int MaxGroups = 1024;

    /// <summary>sums[slot] = Σ x[0..n)² (float on devices; the Cpu reference accumulates in double).</summary>
    public static void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sum_squares_partial", OpLabel.Elements(n), 2.0 * n, OpCost.F32(n + Math.Min((n + Adam.Group - 1) / Adam.Group, MaxGroups))));
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        Launch.SameDevice("sum_squares", 1, x, sums);
        Launch.SameDevice("sum_squares", slot + 1, sums);
        if (Launch.SameDevice("sum_squares", n, x) is KernelDevice k)
        {
            long groups = Math.Min((n + Adam.Group - 1) / Adam.Group, MaxGroups);
            using var partial = k.Allocate(groups);
            k.Launch(k.GetKernel(File, "sum_squares_partial", Adam.Defines), LaunchGrid.Linear(groups * Adam.Group, Adam.Group), n, x, partial);
            OpTimer.Next((n, groups), static s => new OpCost("sum_into", OpLabel.Elements(s.n) + " pass 2", s.groups, OpCost.F32(s.groups + 1)));
            k.Launch(k.GetKernel(File, "sum_into", Adam.Defines), LaunchGrid.Linear(Adam.Group, Adam.Group), groups, partial, sums, slot);
            return;
        }
        double acc = 0;
        foreach (var v in Launch.Span(x, n))
            acc += (double)v * v;
        sums.HostArray![slot] = (float)acc;
    }

    /// <summary>
    /// norm = √Σ sums[0..count); result[0] = min(1, maxNorm / (norm + 1e-6)) (a NaN norm gives 1, like
    /// fmin), result[1] = norm. <paramref name="result"/> holds at least two elements.
    /// </summary>
    public static void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result)
    {
        using var op = OpTimer.Start(count, static c => new OpCost("clip_coefficient", OpLabel.Elements(c), c + 3.0, OpCost.F32(c + 2L)));
        Launch.SameDevice("clip_coefficient", 1, sums, result);
        Launch.SameDevice("clip_coefficient", 2, result);
        if (Launch.SameDevice("clip_coefficient", count, sums) is KernelDevice k)
        {
            k.Launch(k.GetKernel(File, "clip_coefficient", Adam.Defines), LaunchGrid.Linear(Adam.Group, Adam.Group), count, sums, maxNorm, result);
            return;
        }
        double acc = 0;
        foreach (var v in Launch.Span(sums, count))
            acc += v;
        float norm = MathF.Sqrt((float)acc);
        result.HostArray![0] = float.MinNumber(1f, maxNorm / (norm + 1e-6f));
        result.HostArray[1] = norm;
    }
}
