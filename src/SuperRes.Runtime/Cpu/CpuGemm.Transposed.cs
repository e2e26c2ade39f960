using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Runtime.Cpu;

public static partial class CpuGemm
{
    /// <summary>
    /// C[m×n] (+)= A[m×k] · B[n×k]ᵀ, for gradients summed over pixels: both operands run along k, so each C element
    /// is a dot product. Register-blocked 4 rows of A × 3 rows of B, vectors along k, then each lane vector summed
    /// and the k remainder added in order: no transposed copy, any m and n at full vector speed, and a C element's
    /// bits depend only on its two rows, never on where it falls.
    /// </summary>
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
        {
            var rows = new RowSet(i, Math.Min(4, m - i));
            for (int j = 0; j < n; j += 3)
                DotBlock(k, ref a0, lda, ref b0, ldb, ref c0, ldc, rows, j, Math.Min(3, n - j), accumulate);
        }
    }

    /// <summary>C[rows of r, j…j+count) from dot products of A's rows with B's rows j…j+count (rows past count alias the last).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock(int k, ref float a0, int lda, ref float b0, int ldb, ref float c0, int ldc, RowSet r,
        int j, int count, bool accumulate)
    {
        ref float a_0 = ref Unsafe.Add(ref a0, r.R0 * lda);
        ref float a_1 = ref Unsafe.Add(ref a0, r.R1 * lda);
        ref float a_2 = ref Unsafe.Add(ref a0, r.R2 * lda);
        ref float a_3 = ref Unsafe.Add(ref a0, r.R3 * lda);
        ref float b_0 = ref Unsafe.Add(ref b0, j * ldb);
        ref float b_1 = ref Unsafe.Add(ref b0, (j + Math.Min(1, count - 1)) * ldb);
        ref float b_2 = ref Unsafe.Add(ref b0, (j + Math.Min(2, count - 1)) * ldb);
        Vector256<float> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector256<float> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        int p = 0;
        for (; p + Lanes <= k; p += Lanes)
        {
            var y0 = Vector256.LoadUnsafe(ref b_0, (nuint)p);
            var y1 = Vector256.LoadUnsafe(ref b_1, (nuint)p);
            var y2 = Vector256.LoadUnsafe(ref b_2, (nuint)p);
            var x = Vector256.LoadUnsafe(ref a_0, (nuint)p);
            c00 = Vector256.FusedMultiplyAdd(x, y0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, y1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, y2, c02);
            x = Vector256.LoadUnsafe(ref a_1, (nuint)p);
            c10 = Vector256.FusedMultiplyAdd(x, y0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, y1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, y2, c12);
            x = Vector256.LoadUnsafe(ref a_2, (nuint)p);
            c20 = Vector256.FusedMultiplyAdd(x, y0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, y1, c21);
            c22 = Vector256.FusedMultiplyAdd(x, y2, c22);
            x = Vector256.LoadUnsafe(ref a_3, (nuint)p);
            c30 = Vector256.FusedMultiplyAdd(x, y0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, y1, c31);
            c32 = Vector256.FusedMultiplyAdd(x, y2, c32);
        }
        var dots = new DotRow(k, p, ref c0, ldc, j, count, accumulate);
        dots.Store(ref a_0, ref b_0, ref b_1, ref b_2, r.R0, c00, c01, c02);
        if (r.Count > 1)
            dots.Store(ref a_1, ref b_0, ref b_1, ref b_2, r.R1, c10, c11, c12);
        if (r.Count > 2)
            dots.Store(ref a_2, ref b_0, ref b_1, ref b_2, r.R2, c20, c21, c22);
        if (r.Count > 3)
            dots.Store(ref a_3, ref b_0, ref b_1, ref b_2, r.R3, c30, c31, c32);
    }

    /// <summary>Finishes one row of a dot block: lane sums, the k remainder from <c>Tail</c> on, stored or added into C.</summary>
    private readonly ref struct DotRow(int k, int tail, ref float c0, int ldc, int j, int count, bool accumulate)
    {
        private readonly ref float _c0 = ref c0;

        public void Store(ref float a, ref float b_0, ref float b_1, ref float b_2, int row, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2)
        {
            ref float destination = ref Unsafe.Add(ref _c0, row * ldc + j);
            Finish(ref destination, Dot(ref a, ref b_0, v0));
            if (count > 1)
                Finish(ref Unsafe.Add(ref destination, 1), Dot(ref a, ref b_1, v1));
            if (count > 2)
                Finish(ref Unsafe.Add(ref destination, 2), Dot(ref a, ref b_2, v2));
        }

        private float Dot(ref float a, ref float b, Vector256<float> lanes)
        {
            float sum = Vector256.Sum(lanes);
            for (int p = tail; p < k; p++)
                sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a, p), Unsafe.Add(ref b, p), sum);
            return sum;
        }

        private void Finish(ref float destination, float sum) => destination = accumulate ? destination + sum : sum;
    }
}
