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
/// the gradient multiplied by a clipping coefficient read on the device. The Cpu reference computes in float, with
/// the same operation order as the kernel and as torch.optim.Adam.
/// </summary>
public static class Adam
{
    /// <summary>The buffer-level operations one backend provides (the update and the gradient norm of <see cref="GradientNorm"/>).</summary>
    public interface IBackend
    {
        void Step(DeviceBuffer param, DeviceBuffer grad, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradScale, long n, AdamHyperParameters h);

        void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot);

        void ClipCoefficient(DeviceBuffer sums, int count, float maxNorm, DeviceBuffer result);
    }

    public static BackendTable<IBackend> Backends { get; } = new BackendTable<IBackend>("adam")
        .With(new AdamCpu(), BackendKind.Cpu)
        .WithKernels(new AdamKernels());

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
        Backends.For(Launch.SameDevice("adam", n, param, grad, m, v)).Step(param, grad, m, v, gradScale, n, h);
    }
}

/// <summary>
/// The global L2 norm of a set of gradients and the clipping coefficient of torch.nn.utils.clip_grad_norm_,
/// reduced on the device (kernels/adam.cl): no value goes back to the host.
/// </summary>
public static class GradientNorm
{
    /// <summary>sums[slot] = Σ x[0..n)² (float on devices; the Cpu reference accumulates in double).</summary>
    public static void SumOfSquares(DeviceBuffer x, long n, DeviceBuffer sums, int slot)
    {
        using var op = OpTimer.Start(n, static n => new OpCost("sum_squares_partial", OpLabel.Elements(n), 2.0 * n, OpCost.F32(n + ReduceKernels.Groups(n))));
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        Launch.SameDevice("sum_squares", 1, x, sums);
        Launch.SameDevice("sum_squares", slot + 1, sums);
        Adam.Backends.For(Launch.SameDevice("sum_squares", n, x)).SumOfSquares(x, n, sums, slot);
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
        Adam.Backends.For(Launch.SameDevice("clip_coefficient", count, sums)).ClipCoefficient(sums, count, maxNorm, result);
    }
}
