using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SuperRes.Imaging;

/// <summary>
/// The columns pass of an enlargement by an integer factor s, away from the edges: output s·j + p reads the taps
/// contiguous input columns from j + offset[p] with the weights of its phase p alone. So s neighbouring outputs need no
/// gathered indices: each phase is a run of contiguous loads, four input steps at a time, and the phases are interleaved
/// on store. Each output's sum is the gathered kernel's (from 0, taps in order, in double, no fused multiply-add), so
/// the bits are the same.
/// </summary>
internal sealed class PeriodicColumns
{
    private readonly int _scale, _taps;
    private readonly int[] _offsets;
    private readonly double[] _weights;
    private readonly int _first, _end;

    private PeriodicColumns(int scale, int taps, int[] offsets, double[] weights, int first, int end) =>
        (_scale, _taps, _offsets, _weights, _first, _end) = (scale, taps, offsets, weights, first, end);

    /// <summary>Outputs one block of <see cref="Run"/> writes: four input steps of s outputs.</summary>
    public int BlockOutputs => 4 * _scale;

    /// <summary>The periodic form of <paramref name="cols"/> when it is an enlargement by an integer factor with a regular middle; else null.</summary>
    public static PeriodicColumns? Find(Resize.Contribution cols, int inLength)
    {
        int scale = cols.Count / Math.Max(1, inLength), taps = cols.Taps;
        if (scale < 2 || cols.Count != scale * inLength)
            return null;
        var offsets = new int[scale];
        var weights = new double[scale * taps];
        int middle = inLength / 2;
        for (int p = 0; p < scale; p++)
        {
            int o = (middle * scale + p) * taps;
            offsets[p] = cols.Index[o] - middle;
            Array.Copy(cols.Weight, o, weights, p * taps, taps);
        }
        bool Regular(int j)
        {
            for (int p = 0; p < scale; p++)
            {
                int o = (j * scale + p) * taps;
                for (int k = 0; k < taps; k++)
                    if (cols.Index[o + k] != j + offsets[p] + k || cols.Weight[o + k] != weights[p * taps + k])
                        return false;
            }
            return true;
        }
        if (!Regular(middle))
            return null;
        int lo = middle, hi = middle + 1;
        while (lo > 0 && Regular(lo - 1))
            lo--;
        while (hi < inLength && Regular(hi))
            hi++;
        return new PeriodicColumns(scale, taps, offsets, weights, lo * scale, hi * scale);
    }

    /// <summary>
    /// For the outputs [x, x + count): where whole blocks of the regular middle begin (an output column, a multiple of
    /// s) and how many fit.
    /// </summary>
    public (int Start, int Blocks) Within(int x, int count)
    {
        int start = Math.Max(x, _first);
        start = (start + _scale - 1) / _scale * _scale;
        int end = Math.Min(x + count, _end);
        return (start, Math.Max(0, end - start) / BlockOutputs);
    }

    /// <summary>
    /// <paramref name="blocks"/> blocks of outputs from column <paramref name="start"/> (a multiple of s) into
    /// <paramref name="dst"/>; <paramref name="input"/> is the row at input column 0.
    /// </summary>
    public unsafe void Run(float* input, float* dst, int start, int blocks)
    {
        int s = _scale, taps = _taps;
        Span<Vector128<float>> phase = stackalloc Vector128<float>[s];
        fixed (double* weights = _weights)
            for (int b = 0, j = start / s; b < blocks; b++, j += 4, dst += 4 * s)
            {
                for (int p = 0; p < s; p++)
                {
                    float* at = input + j + _offsets[p];
                    double* w = weights + p * taps;
                    var acc = Vector256<double>.Zero;
                    for (int k = 0; k < taps; k++)
                        acc = Avx.Add(acc, Avx.Multiply(Vector256.Create(w[k]), Avx.ConvertToVector256Double(Sse.LoadVector128(at + k))));
                    phase[p] = Avx.ConvertToVector128Single(acc);
                }
                if (s == 2)
                {
                    Sse.Store(dst, Sse.UnpackLow(phase[0], phase[1]));
                    Sse.Store(dst + 4, Sse.UnpackHigh(phase[0], phase[1]));
                }
                else
                    for (int l = 0; l < 4; l++)
                        for (int p = 0; p < s; p++)
                            dst[l * s + p] = phase[p].GetElement(l);
            }
    }
}
