using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of conv2d, also the inference fallback: per band of output rows, a patch matrix of the input
/// (im2col, <see cref="Patches"/>) multiplied by the weights (<see cref="CpuGemm"/>). Tasks write disjoint outputs
/// and reductions run in a fixed order, so the results are deterministic whatever the thread count.
/// </summary>
public static partial class Conv2d
{
    private static Patches PatchesOf(Conv2dShape s) =>
        new(s.Cin, s.H, s.W, s.OutH, s.OutW, s.K, s.Stride, s.Pad, s.Padding == PaddingMode.Replicate);

    private static void ForwardCpu(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y)
    {
        var patches = PatchesOf(s);
        var bands = new ConvBands(patches, s.N);
        int outPlane = s.OutH * s.OutW, inImage = s.Cin * s.H * s.W;
        bands.ForEach((n, firstRow, rows) =>
        {
            int col = firstRow * s.OutW, width = rows * s.OutW;
            var output = y.AsSpan(n * s.Cout * outPlane, s.Cout * outPlane);
            if (bias is not null)
                for (int co = 0; co < s.Cout; co++)
                    output.Slice(co * outPlane + col, width).Fill(bias[co]);
            var input = x.AsSpan(n * inImage, inImage);
            if (patches.IsIdentity)
            {
                CpuGemm.Multiply(s.Cout, width, s.Cin, weight, s.Cin, input[col..], outPlane, output[col..], outPlane, bias is not null);
                return;
            }
            var cols = bands.RentPatch();
            patches.Gather(input, firstRow, rows, cols);
            CpuGemm.Multiply(s.Cout, width, patches.Rows, weight, patches.Rows, cols, width, output[col..], outPlane, bias is not null);
            ConvBands.Return(cols);
        });
    }

    // The adjoint of the forward: the weightsᵀ times gy gives a patch matrix of input gradients, which scatters
    // back onto the input (clamped reads of replicate padding pile their gradient onto the border pixels).
    private static void InputGradCpu(Conv2dShape s, float[] gy, float[] weight, float[] gx)
    {
        if (s.Stride == 1 && (s.Padding == PaddingMode.Zeros || s.Pad == 0))
        {
            // Stride 1 with zero padding: the adjoint is itself a "same" convolution, of gy with the weights flipped
            // and transposed, which gathers instead of scattering.
            ForwardCpu(s with { Cin = s.Cout, Cout = s.Cin, Padding = PaddingMode.Zeros }, gy, FlippedTranspose(s, weight), null, gx);
            return;
        }
        var patches = PatchesOf(s);
        var bands = new ConvBands(patches, s.N);
        int outPlane = s.OutH * s.OutW, inImage = s.Cin * s.H * s.W;
        var weightT = Transpose(weight, s.Cout, patches.Rows);
        gx.AsSpan(0, s.N * inImage).Clear();
        bands.ForEachScatter((n, firstRow, rows) =>
        {
            int col = firstRow * s.OutW, width = rows * s.OutW;
            var upstream = gy.AsSpan(n * s.Cout * outPlane + col);
            var input = gx.AsSpan(n * inImage, inImage);
            var cols = bands.RentPatch();
            CpuGemm.Multiply(patches.Rows, width, s.Cout, weightT, s.Cout, upstream, outPlane, cols, width, accumulate: false);
            patches.ScatterAdd(cols, firstRow, rows, input);
            ConvBands.Return(cols);
        });
    }

    private static void WeightGradCpu(Conv2dShape s, float[] x, float[] gy, float[] gw)
    {
        var patches = PatchesOf(s);
        var bands = new ConvBands(patches, s.N);
        int outPlane = s.OutH * s.OutW, inImage = s.Cin * s.H * s.W;
        bands.Reduce(gw.AsSpan(0, s.Cout * patches.Rows), (n, firstRow, rows, partial) =>
        {
            int col = firstRow * s.OutW, width = rows * s.OutW;
            var upstream = gy.AsSpan(n * s.Cout * outPlane + col);
            var input = x.AsSpan(n * inImage, inImage);
            if (patches.IsIdentity)
            {
                CpuGemm.MultiplyTransposed(s.Cout, s.Cin, width, upstream, outPlane, input[col..], outPlane, partial, s.Cin, accumulate: true);
                return;
            }
            var cols = bands.RentPatch();
            patches.Gather(input, firstRow, rows, cols);
            CpuGemm.MultiplyTransposed(s.Cout, patches.Rows, width, upstream, outPlane, cols, width, partial, patches.Rows, accumulate: true);
            ConvBands.Return(cols);
        });
    }

    private static void BiasGradCpu(Conv2dShape s, float[] gy, float[] gb)
    {
        int plane = s.OutH * s.OutW;
        Parallel.For(0, s.Cout, co =>
        {
            double sum = 0;
            for (int n = 0; n < s.N; n++)
                sum += Sum(gy.AsSpan((n * s.Cout + co) * plane, plane));
            gb[co] = (float)sum;
        });
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        int i = 0;
        var acc = Vector<float>.Zero;
        for (; i + Vector<float>.Count <= values.Length; i += Vector<float>.Count)
            acc += new Vector<float>(values[i..]);
        float sum = Vector.Sum(acc);
        for (; i < values.Length; i++)
            sum += values[i];
        return sum;
    }

    /// <summary>w'[ci, co, ky, kx] = w[co, ci, K−1−ky, K−1−kx]: the weights of the adjoint convolution.</summary>
    private static float[] FlippedTranspose(Conv2dShape s, float[] weight)
    {
        int taps = s.K * s.K;
        var result = new float[s.Cin * s.Cout * taps];
        for (int co = 0; co < s.Cout; co++)
            for (int ci = 0; ci < s.Cin; ci++)
                for (int t = 0; t < taps; t++)
                    result[(ci * s.Cout + co) * taps + taps - 1 - t] = weight[(co * s.Cin + ci) * taps + t];
        return result;
    }

    /// <summary>The [columns × rows] transpose of a row-major [rows × columns] matrix.</summary>
    internal static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var result = new float[rows * columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                result[c * rows + r] = matrix[r * columns + c];
        return result;
    }
}
