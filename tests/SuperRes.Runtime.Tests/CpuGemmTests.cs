using SuperRes.Runtime.Cpu;

namespace SuperRes.Runtime.Tests;

/// <summary>
/// The Cpu backend's matrix product against a float64 product: every block shape (4 rows or fewer, 16, 8 and single
/// columns), row strides wider than the rows, accumulation, the transposed variant, and its reproducibility claim.
/// </summary>
public sealed class CpuGemmTests
{
    [Theory]
    [InlineData(4, 16, 3)]
    [InlineData(7, 27, 5)]   // a 3-row remainder; 16 + 8 + 3 columns
    [InlineData(1, 1, 1)]
    [InlineData(2, 7, 64)]   // columns only through the padded tail panel
    [InlineData(9, 41, 33)]
    public void MultiplyMatchesTheDefinition(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        int lda = k + 2, ldb = n + 3, ldc = n + 1; // padded rows: the strides, not the sizes, step between rows
        var a = Random(rng, m * lda);
        var b = Random(rng, k * ldb);
        var c = Random(rng, m * ldc);
        var start = (float[])c.Clone();
        CpuGemm.Multiply(m, n, k, a, lda, b, ldb, c, ldc, accumulate: true);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = start[i * ldc + j];
                for (int p = 0; p < k; p++)
                    expected += (double)a[i * lda + p] * b[p * ldb + j];
                Assert.True(Math.Abs(expected - c[i * ldc + j]) <= 1e-5 * (1 + Math.Abs(expected)), $"C[{i},{j}] = {c[i * ldc + j]}, expected {expected}");
            }
        for (int i = 0; i < m; i++)
            Assert.Equal(start.AsSpan(i * ldc + n, ldc - n).ToArray(), c.AsSpan(i * ldc + n, ldc - n).ToArray()); // the padding is left alone
    }

    [Theory]
    [InlineData(5, 19, 12)]  // 3-row A remainder, 1-row B remainder, k short of two vectors
    [InlineData(4, 3, 8)]
    [InlineData(1, 1, 1)]
    [InlineData(9, 7, 301)]  // deep k with a 5-element tail
    [InlineData(2, 5, 0)]
    public void MultiplyTransposedMatchesTheDefinition(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        int lda = k + 3, ldb = k + 1, ldc = n + 2; // B [n × k]: C = A · Bᵀ
        var a = Random(rng, m * lda);
        var b = Random(rng, n * ldb);
        var c = Random(rng, m * ldc);
        var start = (float[])c.Clone();
        CpuGemm.MultiplyTransposed(m, n, k, a, lda, b, ldb, c, ldc, accumulate: true);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = start[i * ldc + j];
                for (int p = 0; p < k; p++)
                    expected += (double)a[i * lda + p] * b[j * ldb + p];
                Assert.True(Math.Abs(expected - c[i * ldc + j]) <= 1e-5 * (1 + Math.Abs(expected)), $"C[{i},{j}] = {c[i * ldc + j]}, expected {expected}");
            }
            Assert.Equal(start.AsSpan(i * ldc + n, ldc - n).ToArray(), c.AsSpan(i * ldc + n, ldc - n).ToArray());
        }
    }

    [Fact]
    public void MultiplyTransposedBitsDoNotDependOnWhereAnElementFalls()
    {
        // C[0, 0] sits in a full 4×3 block, C[4, 4] in a 1×2 remainder: same rows, same bits.
        const int m = 5, n = 5, k = 203;
        var rng = new Random(5);
        var a = Random(rng, m * k);
        var b = Random(rng, n * k);
        a.AsSpan(0, k).CopyTo(a.AsSpan(4 * k));
        b.AsSpan(0, k).CopyTo(b.AsSpan(4 * k));
        var c = new float[m * n];
        CpuGemm.MultiplyTransposed(m, n, k, a, k, b, k, c, n, accumulate: false);
        Assert.Equal(BitConverter.SingleToInt32Bits(c[0]), BitConverter.SingleToInt32Bits(c[4 * n + 4]));
    }

    [Fact]
    public void AColumnsBitsDoNotDependOnWhereItFalls()
    {
        // Column 0 of a 17-wide product runs in a vector block, column 16 in the padded tail panel: same inputs, same bits.
        const int m = 3, n = 17, k = 300;
        var rng = new Random(11);
        var a = Random(rng, m * k);
        var b = Random(rng, k * n);
        for (int p = 0; p < k; p++)
            b[p * n + 16] = b[p * n];
        var c = new float[m * n];
        CpuGemm.Multiply(m, n, k, a, k, b, n, c, n, accumulate: false);
        for (int i = 0; i < m; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(c[i * n]), BitConverter.SingleToInt32Bits(c[i * n + 16]));
    }

    [Fact]
    public void AMatrixThatDoesNotFitItsSpanIsRefusedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => CpuGemm.Multiply(2, 4, 3, new float[6], 3, new float[11], 4, new float[8], 4, accumulate: false));
        Assert.Contains("matrix B: 3×4", e.Message);
    }

    private static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = rng.NextSingle() * 2 - 1;
        return values;
    }
}
