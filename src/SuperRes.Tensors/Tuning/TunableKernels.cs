using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors.Tuning;

/// <summary>Every kernel <c>superres tune</c> can tune, by name.</summary>
public static class TunableKernels
{
    public static IReadOnlyList<TunableKernel> All { get; } = [new Conv2dWinogradTunable(), new Conv2dForwardTunable(), new Conv2dBackwardTunable(), new ConvTranspose2dTunable(), new ReduceTunable(), new PoolingTunable(), new BatchNormTunable(), new PreluSlopeTunable(), new AdamNormTunable(), new LinearTunable(), new CalibrationSgemmTunable()];

    /// <summary>The kernels named in <paramref name="names"/> (all when null or empty); an unknown name is an error listing the known ones.</summary>
    public static IReadOnlyList<TunableKernel> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0)
            return All;
        return names.Select(n => All.FirstOrDefault(k => k.Name == n)
            ?? throw new SuperResException($"no tunable kernel '{n}' (known: {string.Join(", ", All.Select(k => k.Name))})")).ToList();
    }
}
