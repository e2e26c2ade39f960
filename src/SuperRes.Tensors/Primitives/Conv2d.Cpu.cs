using System.Numerics;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The Cpu reference of conv2d, also the inference fallback: the weights times a patch matrix of the input (im2col,
/// <see cref="Patches"/>), band by band (<see cref="ConvBands"/>), deterministic whatever the thread count.
/// </summary>
public static partial class Conv2d
{
    private static Patches PatchesOf(Conv2dShape s) =>
        new(s.Cin, s.H, s.W, s.OutH, s.OutW, s.K, s.Stride, s.Pad, s.Padding == PaddingMode.Replicate);

    private static void ForwardCpu(Conv2dShape s, float[] x, float[] weight, float[]? bias, float[] y)
    {
        if (bias is not null)
            ConvBands.FillBias(y, s.N, s.Cout, s.OutH * s.OutW, bias);
        new ConvBands(PatchesOf(s), s.N).Correlate(x, weight, s.Cout, y, accumulate: bias is not null);
    }

    // The adjoint of the forward: the weightsᵀ times gy gives a patch matrix of input gradients, which spreads
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
        gx.AsSpan(0, s.N * s.Cin * s.H * s.W).Clear();
        new ConvBands(patches, s.N).Spread(gy, Transpose(weight, s.Cout, patches.Rows), s.Cout, gx);
    }

    private static void WeightGradCpu(Conv2dShape s, float[] x, float[] gy, float[] gw)
    {
        var patches = PatchesOf(s);
        new ConvBands(patches, s.N).CorrelationGradient(gy, s.Cout, x, gw.AsSpan(0, s.Cout * patches.Rows));
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
