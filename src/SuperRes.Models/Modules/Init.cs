using SuperRes.Tensors;

namespace SuperRes.Models.Modules;

/// <summary>
/// Parameter initialisation as PyTorch does it by default, from a seedable per-thread generator, so two
/// networks built after the same <see cref="Seed"/> start from identical weights.
/// </summary>
public static class Init
{
    [ThreadStatic] private static Random? _random;
    [ThreadStatic] private static ParameterLimit? _limit;

    public static Random Random => _random ??= new Random(0);

    public static void Seed(int seed) => _random = new Random(seed);

    /// <summary>U(−1/√fanIn, 1/√fanIn): PyTorch's kaiming_uniform_(a=√5) for conv weights, and its bias init.</summary>
    public static Tensor Uniform(Device device, Shape shape, int fanIn, bool requiresGrad = true)
    {
        _limit?.Take(shape);
        double bound = 1.0 / Math.Sqrt(fanIn);
        var data = new float[shape.Length];
        for (int i = 0; i < data.Length; i++)
            data[i] = (float)((Random.NextDouble() * 2 - 1) * bound);
        return Tensor.FromArray(device, shape, data, requiresGrad);
    }

    /// <summary>
    /// Until disposed, <see cref="Uniform"/> on this thread refuses to go past <paramref name="maxParameters"/>
    /// elements in all, checked before each allocation: a network whose options ask for billions fails fast.
    /// </summary>
    public static IDisposable LimitParameters(long maxParameters, string what) => _limit = new ParameterLimit(maxParameters, what);

    private sealed class ParameterLimit(long max, string what) : IDisposable
    {
        private long _used;

        public void Take(Shape shape)
        {
            long n = 1;
            foreach (int d in shape.Dims) n = d == 0 ? 0 : n > max / d ? max + 1 : n * d;
            if (n > max - _used)
                throw new SuperResException($"{what} would have more than {max:N0} parameters (a {shape} tensor after {_used:N0}); check its options");
            _used += n;
        }

        public void Dispose() => _limit = null;
    }
}
