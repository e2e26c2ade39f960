using System.Runtime.CompilerServices;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The 36 element-wise products of a Winograd block: m_e[co, t] = Σ_ci u_e[co, ci] · v_e[ci, t], with tiles t in the
/// vector lanes. The register block is 8 output channels × 2 vectors of tiles (16 accumulators; 32 tiles at
/// AVX-512): per input channel, two loads of transformed input, eight broadcasts from the packed weight panel
/// (<see cref="WinogradTransforms.Weights"/>, one cache line) and sixteen fused multiply-adds. Every output is one
/// chain of fused multiply-adds over ci = 0, 1, … from zero, whatever the width or position of its lane.
/// </summary>
internal static class WinogradProducts
{
    /// <summary>
    /// For each element e: m[e·mStride + r·width + t] = Σ_ci u[e, firstRow + r, ci] · v[e·vStride + ci·width + t],
    /// for r below <paramref name="rows"/> (a multiple of 8) and t below width (a multiple of two vectors).
    /// </summary>
    public static void Multiply<TLanes, TVector>(float[] u, int panels, int firstRow, int rows, int cin, Span<float> v, int vStride,
        int width, Span<float> m, int mStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        if (vStride < cin * width || mStride < rows * width || v.Length < (Elements - 1) * vStride + cin * width
            || m.Length < (Elements - 1) * mStride + rows * width || u.Length < Elements * panels * PanelRows * cin
            || rows % PanelRows != 0 || firstRow % PanelRows != 0 || firstRow + rows > panels * PanelRows || width % (2 * TLanes.Count) != 0)
            throw new ArgumentException($"Winograd products: {rows} rows from {firstRow}, {cin} channels, {width} tiles do not fit the buffers");
        ref float u0 = ref u[0];
        ref float v0 = ref v[0];
        ref float m0 = ref m[0];
        for (int e = 0; e < Elements; e++)
            for (int r = 0; r < rows; r += PanelRows)
            {
                ref float panel = ref Unsafe.Add(ref u0, ((e * panels + (firstRow + r) / PanelRows) * cin) * PanelRows);
                for (int t = 0; t < width; t += 2 * TLanes.Count)
                    Block<TLanes, TVector>(cin, ref panel, ref Unsafe.Add(ref v0, e * vStride + t), width,
                        ref Unsafe.Add(ref m0, e * mStride + r * width + t), width);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TLanes, TVector>(int cin, ref float panel, ref float v, int vStride, ref float m, int mStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TVector c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int ci = 0; ci < cin; ci++)
        {
            ref float row = ref Unsafe.Add(ref v, ci * vStride);
            var b0 = TLanes.Load(ref row);
            var b1 = TLanes.Load(ref Unsafe.Add(ref row, TLanes.Count));
            ref float a = ref Unsafe.Add(ref panel, ci * PanelRows);
            float a0 = a, a1 = Unsafe.Add(ref a, 1), a2 = Unsafe.Add(ref a, 2), a3 = Unsafe.Add(ref a, 3);
            c00 = TLanes.MultiplyAdd(a0, b0, c00);
            c01 = TLanes.MultiplyAdd(a0, b1, c01);
            c10 = TLanes.MultiplyAdd(a1, b0, c10);
            c11 = TLanes.MultiplyAdd(a1, b1, c11);
            c20 = TLanes.MultiplyAdd(a2, b0, c20);
            c21 = TLanes.MultiplyAdd(a2, b1, c21);
            c30 = TLanes.MultiplyAdd(a3, b0, c30);
            c31 = TLanes.MultiplyAdd(a3, b1, c31);
            float a4 = Unsafe.Add(ref a, 4), a5 = Unsafe.Add(ref a, 5), a6 = Unsafe.Add(ref a, 6), a7 = Unsafe.Add(ref a, 7);
            c40 = TLanes.MultiplyAdd(a4, b0, c40);
            c41 = TLanes.MultiplyAdd(a4, b1, c41);
            c50 = TLanes.MultiplyAdd(a5, b0, c50);
            c51 = TLanes.MultiplyAdd(a5, b1, c51);
            c60 = TLanes.MultiplyAdd(a6, b0, c60);
            c61 = TLanes.MultiplyAdd(a6, b1, c61);
            c70 = TLanes.MultiplyAdd(a7, b0, c70);
            c71 = TLanes.MultiplyAdd(a7, b1, c71);
        }
        Store<TLanes, TVector>(ref m, c00, c01);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, mStride), c10, c11);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 2 * mStride), c20, c21);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 3 * mStride), c30, c31);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 4 * mStride), c40, c41);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 5 * mStride), c50, c51);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 6 * mStride), c60, c61);
        Store<TLanes, TVector>(ref Unsafe.Add(ref m, 7 * mStride), c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TLanes, TVector>(ref float destination, TVector low, TVector high)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        TLanes.Store(low, ref destination);
        TLanes.Store(high, ref Unsafe.Add(ref destination, TLanes.Count));
    }
}
