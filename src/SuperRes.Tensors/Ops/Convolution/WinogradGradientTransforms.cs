using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The adjoints of F(4×4, 3×3)'s transforms, for the weight gradient. The forward computes a tile's output as
/// Aᵀ·[(G·w·Gᵀ) ⊙ (Bᵀ·d·B)]·A, so with gy the tile's output gradient, ∂/∂w = Gᵀ·[(A·gy·Aᵀ) ⊙ (Bᵀ·d·B)]·G: the input
/// tiles take the forward's transform, the output-gradient tiles take A·gy·Aᵀ (<see cref="OutputGradient"/>), their
/// element-wise products are summed over every tile, and Gᵀ·(sum)·G (<see cref="WeightGradient"/>) gives the 3×3
/// gradient. Tiles sit in vector lanes as in <see cref="WinogradTransforms"/>: element e of the tiles at [e · lanes].
/// </summary>
internal static class WinogradGradientTransforms
{
    /// <summary>
    /// z[e · stride] = (A·g·Aᵀ)[e] for the 4×4 output-gradient tiles g[(a·4 + b) · lanes]; scratch holds 24 vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OutputGradient<TLanes, TVector>(ref float g, ref float scratch, ref float z, int stride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int n = TLanes.Count;
        // A·g, one column at a time, then (A·g)·Aᵀ, one row at a time.
        for (int b = 0; b < Output; b++)
            Row<TLanes, TVector>(ref Unsafe.Add(ref g, b * n), Output * n, ref Unsafe.Add(ref scratch, b * n), Output * n);
        for (int i = 0; i < Tile; i++)
            Row<TLanes, TVector>(ref Unsafe.Add(ref scratch, i * Output * n), n, ref Unsafe.Add(ref z, i * Tile * stride), stride);
    }

    /// <summary>(Gᵀ·m·G)[ky, kx] for one channel pair's summed products m[e] (6×6, float64): its 3×3 weight gradient.</summary>
    public static void WeightGradient(ReadOnlySpan<double> m, Span<float> gw)
    {
        Span<double> mg = stackalloc double[Tile * 3]; // m·G
        for (int i = 0; i < Tile; i++)
            for (int kx = 0; kx < 3; kx++)
            {
                double sum = 0;
                for (int j = 0; j < Tile; j++)
                    sum += m[i * Tile + j] * G[j * 3 + kx];
                mg[i * 3 + kx] = sum;
            }
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                double sum = 0;
                for (int i = 0; i < Tile; i++)
                    sum += G[i * 3 + ky] * mg[i * 3 + kx];
                gw[ky * 3 + kx] = (float)sum;
            }
    }

    /// <summary>
    /// <see cref="WeightGradient"/> for eight channel pairs side by side, one per float64 lane: m[e] holds element e
    /// of each pair's sums, gw[k] receives tap k. Each lane takes exactly the scalar version's operations, in its order.
    /// </summary>
    public static void WeightGradients(ReadOnlySpan<Vector512<double>> m, Span<Vector512<double>> gw)
    {
        Span<Vector512<double>> mg = stackalloc Vector512<double>[Tile * 3];
        for (int i = 0; i < Tile; i++)
            for (int kx = 0; kx < 3; kx++)
            {
                var sum = Vector512<double>.Zero;
                for (int j = 0; j < Tile; j++)
                    sum += m[i * Tile + j] * G[j * 3 + kx];
                mg[i * 3 + kx] = sum;
            }
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
            {
                var sum = Vector512<double>.Zero;
                for (int i = 0; i < Tile; i++)
                    sum += G[i * 3 + ky] * mg[i * 3 + kx];
                gw[ky * 3 + kx] = sum;
            }
    }

    // r = A·s for four vectors s[j · sourceStride], written to r[i · destinationStride]; A = (Aᵀ)ᵀ has the rows
    // (1, 0, 0, 0), (1, 1, 1, 1), (1, −1, 1, −1), (1, 2, 4, 8), (1, −2, 4, −8), (0, 0, 0, 1), grouped so that rows
    // 1–2 and 3–4 share their even and odd sums.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TLanes, TVector>(ref float s, int sourceStride, ref float r, int destinationStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var s0 = TLanes.Load(ref s);
        var s1 = TLanes.Load(ref Unsafe.Add(ref s, sourceStride));
        var s2 = TLanes.Load(ref Unsafe.Add(ref s, 2 * sourceStride));
        var s3 = TLanes.Load(ref Unsafe.Add(ref s, 3 * sourceStride));
        var even = TLanes.Add(s0, s2);
        var odd = TLanes.Add(s1, s3);
        var evenWide = TLanes.MultiplyAdd(4, s2, s0);
        var oddWide = TLanes.MultiplyAdd(8, s3, TLanes.Add(s1, s1));
        TLanes.Store(s0, ref r);
        TLanes.Store(TLanes.Add(even, odd), ref Unsafe.Add(ref r, destinationStride));
        TLanes.Store(TLanes.Subtract(even, odd), ref Unsafe.Add(ref r, 2 * destinationStride));
        TLanes.Store(TLanes.Add(evenWide, oddWide), ref Unsafe.Add(ref r, 3 * destinationStride));
        TLanes.Store(TLanes.Subtract(evenWide, oddWide), ref Unsafe.Add(ref r, 4 * destinationStride));
        TLanes.Store(s3, ref Unsafe.Add(ref r, 5 * destinationStride));
    }
}
