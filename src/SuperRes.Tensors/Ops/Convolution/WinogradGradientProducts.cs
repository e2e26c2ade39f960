using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static SuperRes.Tensors.Primitives.WinogradTransforms;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The products of the Winograd weight gradient for one block of tiles and one element e:
/// partial[co, ci] += Σ_t z[co, t] · vt[t, ci], with input channels in the vector lanes. The register block is 8
/// output channels × 2 vectors of input channels (16 accumulators, 32 channels at AVX-512): per tile, two loads of
/// the transposed input transform, eight broadcasts of output-gradient transforms and sixteen fused multiply-adds.
/// Every sum is one chain of fused multiply-adds over t = 0, 1, … from zero, then added to the partial: the bits
/// depend neither on the vector width nor on where a channel falls in the lanes.
/// </summary>
internal static class WinogradGradientProducts
{
    /// <summary>Input channels are padded to a multiple of this: two vectors at the widest lanes.</summary>
    public const int ColumnBlock = 32;

    /// <summary>Input channels rounded up to whole column blocks.</summary>
    public static int PaddedColumns(int cin) => (cin + ColumnBlock - 1) / ColumnBlock * ColumnBlock;

    /// <summary>
    /// partial[r · columns + c] += Σ over t below <paramref name="tiles"/> of z[r · tiles + t] · vt[t · columns + c], for
    /// r below <paramref name="rows"/> (a multiple of 8) and c below <paramref name="columns"/> (a multiple of 32).
    /// </summary>
    public static void Accumulate<TLanes, TVector>(int rows, int columns, int tiles, ReadOnlySpan<float> z, ReadOnlySpan<float> vt, Span<float> partial)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        if (rows % PanelRows != 0 || columns % ColumnBlock != 0 || z.Length < rows * tiles || vt.Length < tiles * columns || partial.Length < rows * columns)
            throw new ArgumentException($"Winograd gradient products: {rows}×{columns} over {tiles} tiles do not fit the buffers");
        ref float z0 = ref MemoryMarshal.GetReference(z);
        ref float v0 = ref MemoryMarshal.GetReference(vt);
        ref float p0 = ref MemoryMarshal.GetReference(partial);
        for (int r = 0; r < rows; r += PanelRows)
            for (int c = 0; c < columns; c += 2 * TLanes.Count)
                Block<TLanes, TVector>(tiles, ref Unsafe.Add(ref z0, r * tiles), ref Unsafe.Add(ref v0, c), columns,
                    ref Unsafe.Add(ref p0, r * columns + c), columns);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TLanes, TVector>(int tiles, ref float z, ref float v, int vStride, ref float p, int pStride)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        TVector c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        TVector c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int t = 0; t < tiles; t++)
        {
            ref float row = ref Unsafe.Add(ref v, t * vStride);
            var b0 = TLanes.Load(ref row);
            var b1 = TLanes.Load(ref Unsafe.Add(ref row, TLanes.Count));
            ref float a = ref Unsafe.Add(ref z, t);
            float a0 = a, a1 = Unsafe.Add(ref a, tiles), a2 = Unsafe.Add(ref a, 2 * tiles), a3 = Unsafe.Add(ref a, 3 * tiles);
            c00 = TLanes.MultiplyAdd(a0, b0, c00);
            c01 = TLanes.MultiplyAdd(a0, b1, c01);
            c10 = TLanes.MultiplyAdd(a1, b0, c10);
            c11 = TLanes.MultiplyAdd(a1, b1, c11);
            c20 = TLanes.MultiplyAdd(a2, b0, c20);
            c21 = TLanes.MultiplyAdd(a2, b1, c21);
            c30 = TLanes.MultiplyAdd(a3, b0, c30);
            c31 = TLanes.MultiplyAdd(a3, b1, c31);
            float a4 = Unsafe.Add(ref a, 4 * tiles), a5 = Unsafe.Add(ref a, 5 * tiles), a6 = Unsafe.Add(ref a, 6 * tiles), a7 = Unsafe.Add(ref a, 7 * tiles);
            c40 = TLanes.MultiplyAdd(a4, b0, c40);
            c41 = TLanes.MultiplyAdd(a4, b1, c41);
            c50 = TLanes.MultiplyAdd(a5, b0, c50);
            c51 = TLanes.MultiplyAdd(a5, b1, c51);
            c60 = TLanes.MultiplyAdd(a6, b0, c60);
            c61 = TLanes.MultiplyAdd(a6, b1, c61);
            c70 = TLanes.MultiplyAdd(a7, b0, c70);
            c71 = TLanes.MultiplyAdd(a7, b1, c71);
        }
        AddTo<TLanes, TVector>(ref p, c00, c01);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, pStride), c10, c11);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 2 * pStride), c20, c21);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 3 * pStride), c30, c31);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 4 * pStride), c40, c41);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 5 * pStride), c50, c51);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 6 * pStride), c60, c61);
        AddTo<TLanes, TVector>(ref Unsafe.Add(ref p, 7 * pStride), c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TLanes, TVector>(ref float destination, TVector low, TVector high)
        where TLanes : ILanes<TVector> where TVector : struct
    {
        ref float upper = ref Unsafe.Add(ref destination, TLanes.Count);
        TLanes.Store(TLanes.Add(TLanes.Load(ref destination), low), ref destination);
        TLanes.Store(TLanes.Add(TLanes.Load(ref upper), high), ref upper);
    }

    /// <summary>
    /// destination[t · columns + r] = source[r · tiles + t] for r below <paramref name="rows"/> and t below
    /// <paramref name="tiles"/>; the columns from rows on are left as they are. 16×16 blocks by AVX-512 permutes
    /// where the sizes allow.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int tiles, Span<float> destination, int columns)
    {
        if (source.Length < rows * tiles || destination.Length < (tiles - 1) * columns + rows || columns < rows)
            throw new ArgumentException($"Winograd gradient transpose: {rows}×{tiles} does not fit its buffers");
        ref float from0 = ref MemoryMarshal.GetReference(source);
        ref float to0 = ref MemoryMarshal.GetReference(destination);
        int r = 0;
        if (Avx512F.IsSupported && tiles % 16 == 0)
            for (; r + 16 <= rows; r += 16)
                for (int t = 0; t < tiles; t += 16)
                    Transpose16(ref Unsafe.Add(ref from0, r * tiles + t), tiles, ref Unsafe.Add(ref to0, t * columns + r), columns);
        for (; r < rows; r++)
            for (int t = 0; t < tiles; t++)
                Unsafe.Add(ref to0, t * columns + r) = Unsafe.Add(ref from0, r * tiles + t);
    }

    // A 16×16 block: rows interleaved in pairs, then in fours (columns 4q + j of rows 4m … 4m + 3 in 128-bit lane
    // q of z[4m + j]), then the four 128-bit lanes of each column gathered by two rounds of 128-bit shuffles.
    private static void Transpose16(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        Span<Vector512<float>> x = stackalloc Vector512<float>[16];
        Span<Vector512<float>> z = stackalloc Vector512<float>[16];
        for (int i = 0; i < 16; i += 2)
        {
            var even = Vector512.LoadUnsafe(ref source, (nuint)(i * sourceStride));
            var odd = Vector512.LoadUnsafe(ref source, (nuint)((i + 1) * sourceStride));
            x[i] = Avx512F.UnpackLow(even, odd);
            x[i + 1] = Avx512F.UnpackHigh(even, odd);
        }
        for (int m = 0; m < 16; m += 4)
        {
            z[m] = Avx512F.UnpackLow(x[m].AsDouble(), x[m + 2].AsDouble()).AsSingle();
            z[m + 1] = Avx512F.UnpackHigh(x[m].AsDouble(), x[m + 2].AsDouble()).AsSingle();
            z[m + 2] = Avx512F.UnpackLow(x[m + 1].AsDouble(), x[m + 3].AsDouble()).AsSingle();
            z[m + 3] = Avx512F.UnpackHigh(x[m + 1].AsDouble(), x[m + 3].AsDouble()).AsSingle();
        }
        const byte evenLanes = 0b10_00_10_00, oddLanes = 0b11_01_11_01;
        for (int j = 0; j < 4; j++)
        {
            var lanes02Top = Avx512F.Shuffle4x128(z[j], z[4 + j], evenLanes);
            var lanes13Top = Avx512F.Shuffle4x128(z[j], z[4 + j], oddLanes);
            var lanes02Bottom = Avx512F.Shuffle4x128(z[8 + j], z[12 + j], evenLanes);
            var lanes13Bottom = Avx512F.Shuffle4x128(z[8 + j], z[12 + j], oddLanes);
            Avx512F.Shuffle4x128(lanes02Top, lanes02Bottom, evenLanes).StoreUnsafe(ref destination, (nuint)(j * destinationStride));
            Avx512F.Shuffle4x128(lanes13Top, lanes13Bottom, evenLanes).StoreUnsafe(ref destination, (nuint)((4 + j) * destinationStride));
            Avx512F.Shuffle4x128(lanes02Top, lanes02Bottom, oddLanes).StoreUnsafe(ref destination, (nuint)((8 + j) * destinationStride));
            Avx512F.Shuffle4x128(lanes13Top, lanes13Bottom, oddLanes).StoreUnsafe(ref destination, (nuint)((12 + j) * destinationStride));
        }
    }
}
