using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Runtime.Cpu;

/// <summary>
/// The Cpu backend's float32 matrix product, single-threaded: callers (the Cpu convolutions, the peak calibration)
/// parallelise over independent blocks themselves. Register-blocked: 4 rows × 16 (or 8) columns per inner loop,
/// 256-bit FMA. Rows past the end of a block alias the last real row — computed, never stored — so one kernel
/// covers every remainder. The summation order depends only on the sizes: results are reproducible bit for bit.
/// </summary>
public static partial class CpuGemm
{
    private const int Lanes = 8; // Vector256<float>.Count

    /// <summary>C[m×n] (+)= A[m×k] · B[k×n], each row-major with the given row strides.</summary>
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0)
            return;
        Require(a, m, k, lda, "A");
        Require(b, k, n, ldb, "B");
        Require(c, m, n, ldc, "C");
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int vectorColumns = n / Lanes * Lanes, tail = n - vectorColumns;
        // The last < 8 columns of B, copied once into a zero-padded 8-wide panel that the vector kernel runs on.
        float[]? panel = tail == 0 ? null : TailPanel(k, ref Unsafe.Add(ref b0, vectorColumns), ldb, tail);
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            var r = new RowSet(i, rows);
            int j = 0;
            for (; j + 2 * Lanes <= n; j += 2 * Lanes)
                Block<Sixteen>(k, ref a0, lda, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, j), ldc, r, accumulate);
            if (j + Lanes <= n)
                Block<Eight>(k, ref a0, lda, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, j), ldc, r, accumulate);
            if (panel is not null)
                Tail(k, ref Unsafe.Add(ref a0, i * lda), lda, panel, ref Unsafe.Add(ref c0, i * ldc + vectorColumns), ldc, rows, tail, accumulate);
        }
        if (panel is not null)
            ArrayPool<float>.Shared.Return(panel);
    }

    /// <summary>B's last <paramref name="columns"/> (&lt; 8) columns, k rows deep, in a zero-padded panel of 8 columns, followed by room for 4 × 8 results.</summary>
    private static float[] TailPanel(int k, ref float b0, int ldb, int columns)
    {
        var panel = ArrayPool<float>.Shared.Rent(k * Lanes + 4 * Lanes);
        panel.AsSpan(0, k * Lanes).Clear();
        for (int p = 0; p < k; p++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b0, p * ldb), columns).CopyTo(panel.AsSpan(p * Lanes));
        return panel;
    }

    /// <summary>
    /// The last <paramref name="columns"/> (&lt; 8) columns of up to four rows: the vector kernel on the padded panel of
    /// <see cref="TailPanel"/>, whose lanes do each column's fused multiply-adds in the same order as any other column's
    /// (a column's bits do not depend on where it falls), then the real columns copied back.
    /// </summary>
    private static void Tail(int k, ref float a0, int lda, float[] panel, ref float c0, int ldc, int rows, int columns, bool accumulate)
    {
        var c = panel.AsSpan(k * Lanes, 4 * Lanes);
        for (int row = 0; row < rows; row++)
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref c0, row * ldc), columns).CopyTo(c.Slice(row * Lanes));
        Block<Eight>(k, ref a0, lda, ref MemoryMarshal.GetArrayDataReference(panel), Lanes, ref MemoryMarshal.GetReference(c), Lanes, new RowSet(0, rows), accumulate);
        for (int row = 0; row < rows; row++)
            c.Slice(row * Lanes, columns).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c0, row * ldc), columns));
    }

    private static void Require(ReadOnlySpan<float> span, int rows, int columns, int stride, string name)
    {
        if (columns > stride && rows > 1 || span.Length < (long)(rows - 1) * stride + columns)
            throw new ArgumentException($"matrix {name}: {rows}×{columns} with row stride {stride} does not fit in {span.Length} elements");
    }

    /// <summary>Up to four row indices starting at <c>first</c>; those past <c>Count</c> repeat the last real row.</summary>
    private readonly struct RowSet(int first, int count)
    {
        public readonly int Count = count;
        public readonly int R0 = first;
        public readonly int R1 = first + Math.Min(1, count - 1);
        public readonly int R2 = first + Math.Min(2, count - 1);
        public readonly int R3 = first + Math.Min(3, count - 1);
    }

    /// <summary>How many vectors wide a register block is, as a type argument: the JIT compiles each width as its own
    /// loop with the other width's code removed, so one source serves both.</summary>
    private interface IBlockWidth
    {
        static abstract bool TwoVectors { get; }
    }

    private readonly struct Sixteen : IBlockWidth
    {
        public static bool TwoVectors => true;
    }

    private readonly struct Eight : IBlockWidth
    {
        public static bool TwoVectors => false;
    }

    /// <summary>C rows of <paramref name="r"/> × 8 or 16 columns: four rows of A times the block's columns of B, k deep.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TWidth>(int k, ref float a0, int lda, ref float b0, int ldb, ref float c0, int ldc, RowSet r, bool accumulate)
        where TWidth : struct, IBlockWidth
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        ref float a_0 = ref Unsafe.Add(ref a0, r.R0 * lda);
        ref float a_1 = ref Unsafe.Add(ref a0, r.R1 * lda);
        ref float a_2 = ref Unsafe.Add(ref a0, r.R2 * lda);
        ref float a_3 = ref Unsafe.Add(ref a0, r.R3 * lda);
        for (int p = 0; p < k; p++)
        {
            ref float bRow = ref Unsafe.Add(ref b0, p * ldb);
            var b_0 = Vector256.LoadUnsafe(ref bRow);
            var b_1 = TWidth.TwoVectors ? Vector256.LoadUnsafe(ref bRow, Lanes) : default;
            // Written out, with Store inlined: through a helper taking the accumulators by ref, or with a call after the
            // loop, ahead-of-time compilation kept six of them in memory (a store and a load each per step, 2.4× slower).
            var a_p0 = Vector256.Create(Unsafe.Add(ref a_0, p));
            var a_p1 = Vector256.Create(Unsafe.Add(ref a_1, p));
            var a_p2 = Vector256.Create(Unsafe.Add(ref a_2, p));
            var a_p3 = Vector256.Create(Unsafe.Add(ref a_3, p));
            c00 = Vector256.FusedMultiplyAdd(a_p0, b_0, c00);
            c10 = Vector256.FusedMultiplyAdd(a_p1, b_0, c10);
            c20 = Vector256.FusedMultiplyAdd(a_p2, b_0, c20);
            c30 = Vector256.FusedMultiplyAdd(a_p3, b_0, c30);
            if (TWidth.TwoVectors)
            {
                c01 = Vector256.FusedMultiplyAdd(a_p0, b_1, c01);
                c11 = Vector256.FusedMultiplyAdd(a_p1, b_1, c11);
                c21 = Vector256.FusedMultiplyAdd(a_p2, b_1, c21);
                c31 = Vector256.FusedMultiplyAdd(a_p3, b_1, c31);
            }
        }
        Store<TWidth>(ref Unsafe.Add(ref c0, r.R0 * ldc), c00, c01, accumulate);
        if (r.Count > 1)
            Store<TWidth>(ref Unsafe.Add(ref c0, r.R1 * ldc), c10, c11, accumulate);
        if (r.Count > 2)
            Store<TWidth>(ref Unsafe.Add(ref c0, r.R2 * ldc), c20, c21, accumulate);
        if (r.Count > 3)
            Store<TWidth>(ref Unsafe.Add(ref c0, r.R3 * ldc), c30, c31, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TWidth>(ref float destination, Vector256<float> low, Vector256<float> high, bool accumulate)
        where TWidth : struct, IBlockWidth
    {
        if (accumulate)
        {
            low += Vector256.LoadUnsafe(ref destination);
            if (TWidth.TwoVectors)
                high += Vector256.LoadUnsafe(ref destination, Lanes);
        }
        low.StoreUnsafe(ref destination);
        if (TWidth.TwoVectors)
            high.StoreUnsafe(ref destination, Lanes);
    }
}
