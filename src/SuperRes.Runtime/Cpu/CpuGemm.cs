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
public static class CpuGemm
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
        for (int i = 0; i < m; i += 4)
        {
            int rows = Math.Min(4, m - i);
            var r = new RowSet(i, rows);
            int j = 0;
            for (; j + 2 * Lanes <= n; j += 2 * Lanes)
                Block4x16(k, ref a0, lda, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, j), ldc, r, accumulate);
            if (j + Lanes <= n)
            {
                Block4x8(k, ref a0, lda, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, j), ldc, r, accumulate);
                j += Lanes;
            }
            for (; j < n; j++)
                for (int row = i; row < i + rows; row++)
                {
                    float sum = 0; // fused, in the vector lanes' order: a column's bits do not depend on where it falls
                    for (int p = 0; p < k; p++)
                        sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a0, row * lda + p), Unsafe.Add(ref b0, p * ldb + j), sum);
                    ref float dst = ref Unsafe.Add(ref c0, row * ldc + j);
                    dst = accumulate ? dst + sum : sum;
                }
        }
    }

    /// <summary>C[m×n] (+)= A[m×k] · B[n×k]ᵀ, for gradients summed over pixels: B is transposed into a scratch
    /// buffer first, so the product runs in the same row-times-matrix kernel as <see cref="Multiply"/>.</summary>
    public static void MultiplyTransposed(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        Require(b, n, k, ldb, "B");
        var bT = ArrayPool<float>.Shared.Rent(k * n);
        for (int row = 0; row < n; row++)
        {
            var source = b.Slice(row * ldb, k);
            for (int p = 0; p < k; p++)
                bT[p * n + row] = source[p];
        }
        Multiply(m, n, k, a, lda, bT, n, c, ldc, accumulate);
        ArrayPool<float>.Shared.Return(bT);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x16(int k, ref float a0, int lda, ref float b0, int ldb, ref float c0, int ldc, RowSet r, bool accumulate)
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
            var b_1 = Vector256.LoadUnsafe(ref bRow, Lanes);
            var a = Vector256.Create(Unsafe.Add(ref a_0, p));
            c00 = Vector256.FusedMultiplyAdd(a, b_0, c00);
            c01 = Vector256.FusedMultiplyAdd(a, b_1, c01);
            a = Vector256.Create(Unsafe.Add(ref a_1, p));
            c10 = Vector256.FusedMultiplyAdd(a, b_0, c10);
            c11 = Vector256.FusedMultiplyAdd(a, b_1, c11);
            a = Vector256.Create(Unsafe.Add(ref a_2, p));
            c20 = Vector256.FusedMultiplyAdd(a, b_0, c20);
            c21 = Vector256.FusedMultiplyAdd(a, b_1, c21);
            a = Vector256.Create(Unsafe.Add(ref a_3, p));
            c30 = Vector256.FusedMultiplyAdd(a, b_0, c30);
            c31 = Vector256.FusedMultiplyAdd(a, b_1, c31);
        }
        Store(ref Unsafe.Add(ref c0, r.R0 * ldc), c00, c01, accumulate);
        if (r.Count > 1)
            Store(ref Unsafe.Add(ref c0, r.R1 * ldc), c10, c11, accumulate);
        if (r.Count > 2)
            Store(ref Unsafe.Add(ref c0, r.R2 * ldc), c20, c21, accumulate);
        if (r.Count > 3)
            Store(ref Unsafe.Add(ref c0, r.R3 * ldc), c30, c31, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4x8(int k, ref float a0, int lda, ref float b0, int ldb, ref float c0, int ldc, RowSet r, bool accumulate)
    {
        Vector256<float> c0v = default, c1v = default, c2v = default, c3v = default;
        ref float a_0 = ref Unsafe.Add(ref a0, r.R0 * lda);
        ref float a_1 = ref Unsafe.Add(ref a0, r.R1 * lda);
        ref float a_2 = ref Unsafe.Add(ref a0, r.R2 * lda);
        ref float a_3 = ref Unsafe.Add(ref a0, r.R3 * lda);
        for (int p = 0; p < k; p++)
        {
            var bv = Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, p * ldb));
            c0v = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a_0, p)), bv, c0v);
            c1v = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a_1, p)), bv, c1v);
            c2v = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a_2, p)), bv, c2v);
            c3v = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a_3, p)), bv, c3v);
        }
        Store(ref Unsafe.Add(ref c0, r.R0 * ldc), c0v, accumulate);
        if (r.Count > 1)
            Store(ref Unsafe.Add(ref c0, r.R1 * ldc), c1v, accumulate);
        if (r.Count > 2)
            Store(ref Unsafe.Add(ref c0, r.R2 * ldc), c2v, accumulate);
        if (r.Count > 3)
            Store(ref Unsafe.Add(ref c0, r.R3 * ldc), c3v, accumulate);
    }

    private static void Store(ref float destination, Vector256<float> value, bool accumulate)
    {
        if (accumulate)
            value += Vector256.LoadUnsafe(ref destination);
        value.StoreUnsafe(ref destination);
    }

    private static void Store(ref float destination, Vector256<float> low, Vector256<float> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.LoadUnsafe(ref destination);
            high += Vector256.LoadUnsafe(ref destination, Lanes);
        }
        low.StoreUnsafe(ref destination);
        high.StoreUnsafe(ref destination, Lanes);
    }
}
