using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>
/// Parameter initialisation as PyTorch does it by default, from a seedable per-thread generator, so two
/// networks built after the same <see cref="Seed"/> start from identical weights.
/// </summary>
public static class Init
{
    [ThreadStatic] private static Random? _random;

    public static Random Random => _random ??= new Random(0);

    public static void Seed(int seed) => _random = new Random(seed);

    /// <summary>U(−1/√fanIn, 1/√fanIn): PyTorch's kaiming_uniform_(a=√5) for conv weights, and its bias init.</summary>
    public static Tensor Uniform(Device device, Shape shape, int fanIn, bool requiresGrad = true)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        var data = new float[shape.Length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)((Random.NextDouble() * 2 - 1) * bound);
        return Tensor.FromArray(device, shape, data, requiresGrad);
    }
}
