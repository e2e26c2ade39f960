using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The transforms of Winograd's F(4×4, 3×3) (Lavin and Gray 2016, interpolation points 0, ±1, ±2, ∞): a 6×6 input
/// tile d becomes Bᵀ·d·B, a 3×3 kernel g becomes G·g·Gᵀ, and a 6×6 product m becomes the 4×4 output Aᵀ·m·A.
/// Tiles are processed side by side: element e of tile t sits at [e·width + t], so each step is a fused
/// multiply-add of whole vectors of tiles by constants, in a fixed order whatever the vector width.
/// </summary>
internal static class WinogradTransforms
{
    public const int Tile = 6;
    public const int Output = 4;
    public const int Elements = Tile * Tile;

    private static readonly float[] BTransposed =
    [
        4, 0, -5, 0, 1, 0,
        0, -4, -4, 1, 1, 0,
        0, 4, -4, -1, 1, 0,
        0, -2, -1, 2, 1, 0,
        0, 2, -1, -2, 1, 0,
        0, 4, 0, -5, 0, 1,
    ];

    private static readonly float[] ATransposed =
    [
        1, 1, 1, 1, 1, 0,
        0, 1, -1, 2, -2, 0,
        0, 1, 1, 4, 4, 0,
        0, 1, -1, 8, -8, 1,
    ];

    private static readonly double[] G =
    [
        1 / 4.0, 0, 0,
        -1 / 6.0, -1 / 6.0, -1 / 6.0,
        -1 / 6.0, 1 / 6.0, -1 / 6.0,
        1 / 24.0, 1 / 12.0, 1 / 6.0,
        1 / 24.0, -1 / 12.0, 1 / 6.0,
        0, 0, 1,
    ];

    /// <summary>
    /// u[e, co, ci] = (G·w[co, ci]·Gᵀ)[e] for weight [Cout, Cin, 3, 3], in float64 then rounded once: 36 matrices
    /// [Cout × Cin], the left operands of the per-element products.
    /// </summary>
    public static float[] Weights(ReadOnlySpan<float> weight, int cout, int cin)
    {
        var u = new float[Elements * cout * cin];
        Span<double> gg = stackalloc double[Tile * 3];
        for (int co = 0; co < cout; co++)
            for (int ci = 0; ci < cin; ci++)
            {
                var g = weight.Slice((co * cin + ci) * 9, 9);
                for (int i = 0; i < Tile; i++)
                    for (int c = 0; c < 3; c++)
                        gg[i * 3 + c] = G[i * 3] * g[c] + G[i * 3 + 1] * g[3 + c] + G[i * 3 + 2] * g[6 + c];
                for (int i = 0; i < Tile; i++)
                    for (int j = 0; j < Tile; j++)
                    {
                        double sum = gg[i * 3] * G[j * 3] + gg[i * 3 + 1] * G[j * 3 + 1] + gg[i * 3 + 2] * G[j * 3 + 2];
                        u[((i * Tile + j) * cout + co) * cin + ci] = (float)sum;
                    }
            }
        return u;
    }

    /// <summary>
    /// v[e · stride] = (Bᵀ·d·B)[e] for the tiles d[e · width + t], t below width (a multiple of 16); scratch holds
    /// Elements · width floats.
    /// </summary>
    public static void Input(WinogradLanes lanes, Span<float> d, Span<float> scratch, Span<float> v, int stride, int width)
    {
        // First Bᵀ·d (column c of each row combination), then (Bᵀ·d)·B (row i of the result).
        for (int c = 0; c < Tile; c++)
            Combine(lanes, BTransposed, Tile, d[(c * width)..], Tile * width, scratch[(c * width)..], Tile * width, width);
        for (int i = 0; i < Tile; i++)
            Combine(lanes, BTransposed, Tile, scratch[(i * Tile * width)..], width, v[(i * Tile * stride)..], stride, width);
    }

    /// <summary>
    /// o[(a·4 + b) · width + t] = (Aᵀ·m·A)[a, b] for the products m[e · stride + t]; scratch holds 24 · width floats.
    /// </summary>
    public static void Inverse(WinogradLanes lanes, Span<float> m, int stride, Span<float> scratch, Span<float> o, int width)
    {
        for (int j = 0; j < Tile; j++)
            Combine(lanes, ATransposed, Output, m[(j * stride)..], Tile * stride, scratch[(j * width)..], Tile * width, width);
        for (int a = 0; a < Output; a++)
            Combine(lanes, ATransposed, Output, scratch[(a * Tile * width)..], width, o[(a * Output * width)..], width, width);
    }

    /// <summary>The widest width this machine runs in hardware.</summary>
    public static WinogradLanes Widest =>
        Vector512.IsHardwareAccelerated ? WinogradLanes.Vector512 : Vector256.IsHardwareAccelerated ? WinogradLanes.Vector256 : WinogradLanes.Scalar;

    // destination[i · destinationStride + t] = Σ_j matrix[i, j] · source[j · sourceStride + t], for i below rows.
    private static void Combine(WinogradLanes lanes, float[] matrix, int rows, Span<float> source, int sourceStride,
        Span<float> destination, int destinationStride, int width)
    {
        // Bounds once here: the kernels below address by offsets inside these extents.
        if (source.Length < (Tile - 1) * sourceStride + width || destination.Length < (rows - 1) * destinationStride + width)
            throw new ArgumentException($"Winograd transform: {rows}×{Tile} tiles of width {width} overrun the buffers");
        ref float s = ref source[0];
        ref float d = ref destination[0];
        switch (lanes == WinogradLanes.Widest ? Widest : lanes)
        {
            case WinogradLanes.Vector512:
                Combine<Lanes512, Vector512<float>>(matrix, rows, ref s, sourceStride, ref d, destinationStride, width);
                break;
            case WinogradLanes.Vector256:
                Combine<Lanes256, Vector256<float>>(matrix, rows, ref s, sourceStride, ref d, destinationStride, width);
                break;
            default:
                Combine<LanesScalar, float>(matrix, rows, ref s, sourceStride, ref d, destinationStride, width);
                break;
        }
    }

    private static void Combine<TLanes, TVector>(float[] matrix, int rows, ref float source, int sourceStride,
        ref float destination, int destinationStride, int width)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        for (int t = 0; t < width; t += TLanes.Count)
            for (int i = 0; i < rows; i++)
            {
                TVector sum = default;
                for (int j = 0; j < Tile; j++)
                {
                    float coefficient = matrix[i * Tile + j];
                    if (coefficient != 0)
                        sum = TLanes.MultiplyAdd(coefficient, TLanes.Load(ref Unsafe.Add(ref source, j * sourceStride + t)), sum);
                }
                TLanes.Store(sum, ref Unsafe.Add(ref destination, i * destinationStride + t));
            }
    }
}
