using System.Runtime.CompilerServices;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Weights packed once into the layout a Cpu kernel reads (Winograd-transformed panels, …), cached with the weight
/// array itself and dropped with it. Each use compares the live weights with the copy they were packed from (a vector
/// compare, microseconds per layer) and repacks every layout when they differ, so an optimizer step, a loaded
/// checkpoint or any other write into the array is seen whichever code made it: Cpu buffers are plain arrays that
/// every op writes directly, and a version counter that one writer forgot to bump would serve stale weights.
/// </summary>
internal static class PackedWeights
{
    private static readonly ConditionalWeakTable<float[], Packs> Cache = new();

    /// <summary>
    /// The packing <paramref name="layout"/> of weight[0..length) made by <paramref name="pack"/>, from the cache when
    /// the weights have not changed since it was made.
    /// </summary>
    public static T Get<T>(float[] weight, int length, string layout, Func<ReadOnlyMemory<float>, T> pack) where T : class
    {
        var packs = Cache.GetValue(weight, _ => new Packs());
        var live = weight.AsSpan(0, length);
        lock (packs)
        {
            if (!live.SequenceEqual(packs.Raw))
            {
                if (packs.Raw.Length == length)
                    live.CopyTo(packs.Raw); // a training step changes every layer's weights: no new array each time
                else
                    packs.Raw = live.ToArray();
                packs.ByLayout.Clear();
            }
            if (!packs.ByLayout.TryGetValue(layout, out var packed))
                packs.ByLayout[layout] = packed = pack(packs.Raw);
            return (T)packed;
        }
    }

    private sealed class Packs
    {
        public float[] Raw = [];
        public readonly Dictionary<string, object> ByLayout = [];
    }
}
