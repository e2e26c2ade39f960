using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// Single-threaded float32 matrix products for the Cpu convolutions, which parallelise over independent bands
/// themselves. Register-blocked: 4 rows × 16 columns (NN) or 4 × 4 dot products (NT) per inner loop, 256-bit
/// FMA. Rows past the end of a block alias the last real row — computed, never stored — so one kernel covers
/// every remainder. The summation order depends only on the sizes: results are reproducible bit for bit.
/// </summary>
internal static class CpuGemm
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

    /// <summary>C[m×n] (+)= A[m×k] · B[n×k]ᵀ: dot products of rows, for gradients summed over pixels.</summary>
    public static void MultiplyTransposed(int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0)
            return;
        Require(a, m, k, lda, "A");
        Require(b, n, k, ldb, "B");
        Require(c, m, n, ldc, "C");
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < m; i += 4)
            for (int j = 0; j < n; j += 4)
                Dots4x4(k, ref a0, lda, new RowSet(i, Math.Min(4, m - i)), ref b0, ldb, new RowSet(j, Math.Min(4, n - j)),
                    ref c0, ldc, accumulate);
    }

    private static void Require(ReadOnlySpan<float> span, int rows, int columns, int stride, string name)
    {
        if (columns > stride && rows > 1 || span.Length < (long)(rows - 1) * stride + columns)
            throw new ArgumentException($"matrix {name}: {rows}×{columns} with row stride {stride} does not fit in {span.Length} elements");
    }

    /// <summary>Up to four row indices starting at <c>First</c>; those past <c>Count</c> repeat the last real row.</summary>
    private readonly struct RowSet(int first, int count)
    {
        public readonly int Count = count;
        public readonly int R0 = first;
        public readonly int R1 = first + Math.Min(1, count - 1);
        public readonly int R2 = first + Math.Min(2, count - 1);
        public readonly int R3 = first + Math.Min(3, count - 1);

        public int this[int index] => index switch { 0 => R0, 1 => R1, 2 => R2, _ => R3 };
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots4x4(int k, ref float a0, int lda, RowSet ra, ref float b0, int ldb, RowSet rb, ref float c0, int ldc, bool accumulate)
    {
        ref float a_0 = ref Unsafe.Add(ref a0, ra.R0 * lda);
        ref float a_1 = ref Unsafe.Add(ref a0, ra.R1 * lda);
        ref float a_2 = ref Unsafe.Add(ref a0, ra.R2 * lda);
        ref float a_3 = ref Unsafe.Add(ref a0, ra.R3 * lda);
        ref float b_0 = ref Unsafe.Add(ref b0, rb.R0 * ldb);
        ref float b_1 = ref Unsafe.Add(ref b0, rb.R1 * ldb);
        ref float b_2 = ref Unsafe.Add(ref b0, rb.R2 * ldb);
        ref float b_3 = ref Unsafe.Add(ref b0, rb.R3 * ldb);
        Vector256<float> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<float> s10 = default, s11 = default, s12 = default, s13 = default;
        Vector256<float> s20 = default, s21 = default, s22 = default, s23 = default;
        Vector256<float> s30 = default, s31 = default, s32 = default, s33 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            var x0 = Vector256.LoadUnsafe(ref a_0, (nuint)p);
            var x1 = Vector256.LoadUnsafe(ref a_1, (nuint)p);
            var x2 = Vector256.LoadUnsafe(ref a_2, (nuint)p);
            var x3 = Vector256.LoadUnsafe(ref a_3, (nuint)p);
            var y = Vector256.LoadUnsafe(ref b_0, (nuint)p);
            s00 = Vector256.FusedMultiplyAdd(x0, y, s00);
            s10 = Vector256.FusedMultiplyAdd(x1, y, s10);
            s20 = Vector256.FusedMultiplyAdd(x2, y, s20);
            s30 = Vector256.FusedMultiplyAdd(x3, y, s30);
            y = Vector256.LoadUnsafe(ref b_1, (nuint)p);
            s01 = Vector256.FusedMultiplyAdd(x0, y, s01);
            s11 = Vector256.FusedMultiplyAdd(x1, y, s11);
            s21 = Vector256.FusedMultiplyAdd(x2, y, s21);
            s31 = Vector256.FusedMultiplyAdd(x3, y, s31);
            y = Vector256.LoadUnsafe(ref b_2, (nuint)p);
            s02 = Vector256.FusedMultiplyAdd(x0, y, s02);
            s12 = Vector256.FusedMultiplyAdd(x1, y, s12);
            s22 = Vector256.FusedMultiplyAdd(x2, y, s22);
            s32 = Vector256.FusedMultiplyAdd(x3, y, s32);
            y = Vector256.LoadUnsafe(ref b_3, (nuint)p);
            s03 = Vector256.FusedMultiplyAdd(x0, y, s03);
            s13 = Vector256.FusedMultiplyAdd(x1, y, s13);
            s23 = Vector256.FusedMultiplyAdd(x2, y, s23);
            s33 = Vector256.FusedMultiplyAdd(x3, y, s33);
        }
        Span<Vector256<float>> sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
        for (int i = 0; i < ra.Count; i++)
        {
            ref float aRow = ref Unsafe.Add(ref a0, ra[i] * lda);
            for (int j = 0; j < rb.Count; j++)
            {
                ref float bRow = ref Unsafe.Add(ref b0, rb[j] * ldb);
                float sum = Vector256.Sum(sums[i * 4 + j]);
                for (int q = p; q < k; q++)
                    sum += Unsafe.Add(ref aRow, q) * Unsafe.Add(ref bRow, q);
                ref float dst = ref Unsafe.Add(ref c0, ra[i] * ldc + rb[j]);
                dst = accumulate ? dst + sum : sum;
            }
        }
    }
}
