using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu forward of the transposed convolution as a gather: each output pixel sums its own taps,
/// y[co, oy, ox] = bias[co] + Σ over ci, then the kernel rows ky, then the columns kx that reach it, of
/// w[ci, co, ky, kx]·x[ci, iy, ix], one fused multiply-add per tap in that order. Output row oy and column phase
/// ox mod Stride fix which taps reach a pixel, so its bits depend only on the input it reads, never on where it
/// falls in a row, a band or a tile: a tiled upscale gives the untiled one's bits. (A scatter adds each input
/// pixel's contributions band by band, in an order that depends on where the bands fall.)
/// </summary>
internal static class ConvTranspose2dGather
{
    private const int RowsPerTask = 8;
    private const int Lanes = 8; // Vector256<float>.Count
    private const int Chunk = 4 * Lanes;

    public static void Forward(ConvTranspose2dGeometry g, float[] x, float[] weight, float[]? bias, float[] y)
    {
        int s = g.Stride, phaseRows = (g.Ho + s - 1) / s;
        int bands = (phaseRows + RowsPerTask - 1) / RowsPerTask;
        CpuChunks.ForEachTask(g.N * g.Cout * s * bands, task =>
        {
            int band = task % bands, rest = task / bands;
            int ry = rest % s, co = rest / s % g.Cout, n = rest / s / g.Cout;
            var taps = ArrayPool<Tap>.Shared.Rent(g.Cin * g.K * g.K);
            for (int qy = band * RowsPerTask; qy < Math.Min(phaseRows, (band + 1) * RowsPerTask); qy++)
            {
                int oy = qy * s + ry;
                if (oy >= g.Ho)
                    break;
                for (int rx = 0; rx < s && rx < g.Wo; rx++)
                    Row(g, x, weight, bias?[co] ?? 0f, y, n, co, oy, rx, taps);
            }
            ArrayPool<Tap>.Shared.Return(taps);
        });
    }

    /// <summary>One tap of a phase row: a weight and the input column offset ix − qx it reads, at the input row's start.</summary>
    private readonly record struct Tap(float Weight, int RowStart, int Shift);

    /// <summary>Output row oy, the columns ox = qx·Stride + rx.</summary>
    private static void Row(ConvTranspose2dGeometry g, float[] x, float[] weight, float bias, float[] y, int n, int co, int oy, int rx, Tap[] taps)
    {
        int s = g.Stride, columns = (g.Wo - rx + s - 1) / s;
        int count = 0, first = 0, end = columns; // [first, end): columns where every tap reads inside the row
        int ky0 = (oy + g.Padding) % s, kx0 = (rx + g.Padding) % s;
        for (int ci = 0; ci < g.Cin; ci++)
            for (int ky = ky0; ky < g.K; ky += s)
            {
                int iy = (oy + g.Padding - ky) / s;
                if (iy < 0 || iy >= g.H)
                    continue;
                int rowStart = ((n * g.Cin + ci) * g.H + iy) * g.W;
                for (int kx = kx0; kx < g.K; kx += s)
                {
                    int shift = (rx + g.Padding - kx) / s; // exact: rx + Padding − kx is a multiple of the stride
                    taps[count++] = new Tap(weight[((ci * g.Cout + co) * g.K + ky) * g.K + kx], rowStart, shift);
                    first = Math.Max(first, -shift);
                    end = Math.Min(end, g.W - shift);
                }
            }
        var tapSpan = taps.AsSpan(0, count);
        var output = y.AsSpan(((n * g.Cout + co) * g.Ho + oy) * g.Wo);
        int qx = 0;
        if (count > 0 && end > first)
        {
            for (; qx < first; qx++)
                output[qx * s + rx] = bias + Edge(tapSpan, x, g.W, qx);
            for (; qx + Chunk <= end; qx += Chunk)
                Inside(tapSpan, x, qx, output, s, rx, bias);
            // Narrow planes (FSRCNN's 32-pixel patches) have no room for a 32-column chunk: one vector at a time.
            for (; qx + Lanes <= end; qx += Lanes)
                InsideVector(tapSpan, x, qx, output, s, rx, bias);
        }
        for (; qx < columns; qx++)
            output[qx * s + rx] = bias + Edge(tapSpan, x, g.W, qx);
    }

    /// <summary>Column qx where some taps read outside the row: those are skipped, the rest fused in tap order.</summary>
    private static float Edge(ReadOnlySpan<Tap> taps, float[] x, int width, int qx)
    {
        float sum = 0;
        foreach (var tap in taps)
        {
            int ix = qx + tap.Shift;
            if (ix >= 0 && ix < width)
                sum = MathF.FusedMultiplyAdd(tap.Weight, x[tap.RowStart + ix], sum);
        }
        return sum;
    }

    /// <summary>Columns qx … qx + 7, all inside for every tap: one vector fused tap by tap, in the same order as <see cref="Edge"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InsideVector(ReadOnlySpan<Tap> taps, float[] x, int qx, Span<float> output, int s, int rx, float bias)
    {
        Vector256<float> a = default;
        ref float x0 = ref MemoryMarshal.GetArrayDataReference(x);
        foreach (var tap in taps)
            a = Vector256.FusedMultiplyAdd(Vector256.Create(tap.Weight), Vector256.LoadUnsafe(ref Unsafe.Add(ref x0, tap.RowStart + qx + tap.Shift)), a);
        for (int i = 0; i < Lanes; i++)
            output[(qx + i) * s + rx] = bias + a.GetElement(i);
    }

    /// <summary>Columns qx … qx + 31, all inside for every tap: four vectors fused tap by tap, in the same order as <see cref="Edge"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Inside(ReadOnlySpan<Tap> taps, float[] x, int qx, Span<float> output, int s, int rx, float bias)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        ref float x0 = ref MemoryMarshal.GetArrayDataReference(x);
        foreach (var tap in taps)
        {
            ref float source = ref Unsafe.Add(ref x0, tap.RowStart + qx + tap.Shift);
            var w = Vector256.Create(tap.Weight);
            a0 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref source), a0);
            a1 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref source, Lanes), a1);
            a2 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref source, 2 * Lanes), a2);
            a3 = Vector256.FusedMultiplyAdd(w, Vector256.LoadUnsafe(ref source, 3 * Lanes), a3);
        }
        Span<float> sums = stackalloc float[Chunk];
        a0.StoreUnsafe(ref sums[0]);
        a1.StoreUnsafe(ref sums[0], Lanes);
        a2.StoreUnsafe(ref sums[0], 2 * Lanes);
        a3.StoreUnsafe(ref sums[0], 3 * Lanes);
        for (int i = 0; i < Chunk; i++)
            output[(qx + i) * s + rx] = bias + sums[i];
    }
}
