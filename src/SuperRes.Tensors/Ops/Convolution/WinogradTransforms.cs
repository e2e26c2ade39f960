using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The transforms of Winograd's F(4×4, 3×3) (Lavin and Gray 2016, interpolation points 0, ±1, ±2, ∞): a 6×6 input
/// tile d becomes Bᵀ·d·B, a 3×3 kernel g becomes G·g·Gᵀ, and a 6×6 product m becomes the 4×4 output Aᵀ·m·A.
/// Tiles are processed side by side, one per vector lane: element e of the tiles sits at [e · lanes], so every step
/// is an add, subtract or fused multiply-add of whole vectors, in a fixed order whatever the vector width.
/// </summary>
internal static class WinogradTransforms
{
    public const int Tile = 6;
    public const int Output = 4;
    public const int Elements = Tile * Tile;

    /// <summary>Output channels are packed in panels of this many rows, the matrix product's register block.</summary>
    public const int PanelRows = 8;

    // The kernel transform, 6×3; the weight gradient applies its adjoint.
    internal static readonly double[] G =
    [
        1 / 4.0, 0, 0,
        -1 / 6.0, -1 / 6.0, -1 / 6.0,
        -1 / 6.0, 1 / 6.0, -1 / 6.0,
        1 / 24.0, 1 / 12.0, 1 / 6.0,
        1 / 24.0, -1 / 12.0, 1 / 6.0,
        0, 0, 1,
    ];

    /// <summary>Output channels rounded up to whole panels.</summary>
    public static int PaddedRows(int cout) => (cout + PanelRows - 1) / PanelRows * PanelRows;

    /// <summary>
    /// (G·w[co, ci]·Gᵀ)[e] for weight [Cout, Cin, 3, 3], in float64 then rounded once, packed as the matrix product
    /// reads them: for each element e and panel of 8 output channels, [Cin × 8] row-major
    /// (u[((e·panels + co/8)·Cin + ci)·8 + co%8]); the rows past Cout are zero.
    /// </summary>
    public static float[] Weights(ReadOnlyMemory<float> weight, int cout, int cin)
    {
        int panels = PaddedRows(cout) / PanelRows;
        var u = new float[Elements * panels * PanelRows * cin];
        if (weight.Length < cout * cin * 9)
            throw new ArgumentException($"Winograd weights: {weight.Length} floats for {cout}×{cin}×3×3");
        // One task per panel (a training step repacks every layer, on the step's critical path), its 8 output
        // channels in float64 lanes: each lane takes the scalar definition's operations in its order.
        CpuChunks.ForEachTask(panels, panel =>
        {
            Span<double> taps = stackalloc double[9 * PanelRows]; // taps[k · 8 + lane]
            Span<Vector512<double>> gg = stackalloc Vector512<double>[Tile * 3];
            Span<Vector512<double>> g = stackalloc Vector512<double>[9];
            var w = weight.Span;
            for (int ci = 0; ci < cin; ci++)
            {
                for (int lane = 0; lane < PanelRows; lane++)
                {
                    int co = panel * PanelRows + lane;
                    for (int k = 0; k < 9; k++)
                        taps[k * PanelRows + lane] = co < cout ? w[(co * cin + ci) * 9 + k] : 0;
                }
                for (int k = 0; k < 9; k++)
                    g[k] = Vector512.Create((ReadOnlySpan<double>)taps.Slice(k * PanelRows, PanelRows));
                for (int i = 0; i < Tile; i++)
                    for (int c = 0; c < 3; c++)
                        gg[i * 3 + c] = G[i * 3] * g[c] + G[i * 3 + 1] * g[3 + c] + G[i * 3 + 2] * g[6 + c];
                for (int i = 0; i < Tile; i++)
                    for (int j = 0; j < Tile; j++)
                    {
                        var sum = gg[i * 3] * G[j * 3] + gg[i * 3 + 1] * G[j * 3 + 1] + gg[i * 3 + 2] * G[j * 3 + 2];
                        Vector512.Narrow(sum, Vector512<double>.Zero).GetLower()
                            .CopyTo(u.AsSpan((((i * Tile + j) * panels + panel) * cin + ci) * PanelRows, PanelRows));
                    }
            }
        });
        return u;
    }

    /// <summary>
    /// v[e · stride] = (Bᵀ·d·B)[e] for the tiles d[e · lanes]; scratch holds <see cref="Elements"/> vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Input<TLanes, TVector>(ref float d, ref float scratch, ref float v, int stride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int n = TLanes.Count;
        // Bᵀ·d, one column at a time, then (Bᵀ·d)·B, one row at a time.
        for (int c = 0; c < Tile; c++)
            InputRow<TLanes, TVector>(ref Unsafe.Add(ref d, c * n), Tile * n, ref Unsafe.Add(ref scratch, c * n), Tile * n);
        for (int i = 0; i < Tile; i++)
            InputRow<TLanes, TVector>(ref Unsafe.Add(ref scratch, i * Tile * n), n, ref Unsafe.Add(ref v, i * Tile * stride), stride);
    }

    /// <summary>
    /// o[(a·4 + b) · lanes] = (Aᵀ·m·A)[a, b] for the products m[e · stride]; scratch holds 24 vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Inverse<TLanes, TVector>(ref float m, int stride, ref float scratch, ref float o)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        int n = TLanes.Count;
        for (int j = 0; j < Tile; j++)
            InverseRow<TLanes, TVector>(ref Unsafe.Add(ref m, j * stride), Tile * stride, ref Unsafe.Add(ref scratch, j * n), Tile * n);
        for (int a = 0; a < Output; a++)
            InverseRow<TLanes, TVector>(ref Unsafe.Add(ref scratch, a * Tile * n), n, ref Unsafe.Add(ref o, a * Output * n), n);
    }

    /// <summary>The widest width this machine runs in hardware.</summary>
    public static WinogradLanes Widest =>
        Vector512.IsHardwareAccelerated ? WinogradLanes.Vector512 : Vector256.IsHardwareAccelerated ? WinogradLanes.Vector256 : WinogradLanes.Scalar;

    // r = Bᵀ·s for six vectors s[j · sourceStride], written to r[i · destinationStride]; the rows of Bᵀ are
    // (4, 0, −5, 0, 1, 0), (0, −4, −4, 1, 1, 0), (0, 4, −4, −1, 1, 0), (0, −2, −1, 2, 1, 0), (0, 2, −1, −2, 1, 0),
    // (0, 4, 0, −5, 0, 1), grouped so that the rows share their sums and differences.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InputRow<TLanes, TVector>(ref float s, int sourceStride, ref float r, int destinationStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var (s0, s1, s2, s3, s4, s5) = Six<TLanes, TVector>(ref s, sourceStride);
        TLanes.Store(TLanes.MultiplyAdd(-5, s2, TLanes.MultiplyAdd(4, s0, s4)), ref r);
        TLanes.Store(TLanes.MultiplyAdd(-4, TLanes.Add(s1, s2), TLanes.Add(s3, s4)), ref Unsafe.Add(ref r, destinationStride));
        TLanes.Store(TLanes.MultiplyAdd(4, TLanes.Subtract(s1, s2), TLanes.Subtract(s4, s3)), ref Unsafe.Add(ref r, 2 * destinationStride));
        var odd = TLanes.Subtract(s1, s3);
        var even = TLanes.Subtract(s4, s2);
        TLanes.Store(TLanes.MultiplyAdd(-2, odd, even), ref Unsafe.Add(ref r, 3 * destinationStride));
        TLanes.Store(TLanes.MultiplyAdd(2, odd, even), ref Unsafe.Add(ref r, 4 * destinationStride));
        TLanes.Store(TLanes.MultiplyAdd(-5, s3, TLanes.MultiplyAdd(4, s1, s5)), ref Unsafe.Add(ref r, 5 * destinationStride));
    }

    // r = Aᵀ·s for six vectors s[j · sourceStride], written to r[a · destinationStride]; the rows of Aᵀ are
    // (1, 1, 1, 1, 1, 0), (0, 1, −1, 2, −2, 0), (0, 1, 1, 4, 4, 0), (0, 1, −1, 8, −8, 1).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InverseRow<TLanes, TVector>(ref float s, int sourceStride, ref float r, int destinationStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        var (s0, s1, s2, s3, s4, s5) = Six<TLanes, TVector>(ref s, sourceStride);
        var sum12 = TLanes.Add(s1, s2);
        var difference12 = TLanes.Subtract(s1, s2);
        var sum34 = TLanes.Add(s3, s4);
        var difference34 = TLanes.Subtract(s3, s4);
        TLanes.Store(TLanes.Add(TLanes.Add(s0, sum12), sum34), ref r);
        TLanes.Store(TLanes.MultiplyAdd(2, difference34, difference12), ref Unsafe.Add(ref r, destinationStride));
        TLanes.Store(TLanes.MultiplyAdd(4, sum34, sum12), ref Unsafe.Add(ref r, 2 * destinationStride));
        TLanes.Store(TLanes.Add(TLanes.MultiplyAdd(8, difference34, difference12), s5), ref Unsafe.Add(ref r, 3 * destinationStride));
    }

    // The six vectors s[j · stride], j = 0 … 5.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVector, TVector, TVector, TVector, TVector, TVector) Six<TLanes, TVector>(ref float s, int stride)
        where TLanes : ILanes<TVector> where TVector : struct =>
        (TLanes.Load(ref s), TLanes.Load(ref Unsafe.Add(ref s, stride)), TLanes.Load(ref Unsafe.Add(ref s, 2 * stride)),
            TLanes.Load(ref Unsafe.Add(ref s, 3 * stride)), TLanes.Load(ref Unsafe.Add(ref s, 4 * stride)), TLanes.Load(ref Unsafe.Add(ref s, 5 * stride)));
}
