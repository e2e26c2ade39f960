using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// What a convolution does to each output value v = Σ(weights · inputs) before storing it, in this order and with
/// the rounding of the separate ops (conv2d's bias, Relu/LeakyRelu/Prelu, ResidualAdd):
/// v + bias[co], then the activation, then residual[i] + residualScale · v; and where it stores it: with
/// <see cref="Shuffle"/> r &gt; 1, at the place PixelShuffle(r) would move it to (<see cref="Placement"/>).
/// </summary>
internal readonly record struct ConvEpilogue(float[]? Bias, ConvActivation Activation = ConvActivation.None, float Slope = 0f,
    float[]? Slopes = null, int SlopeCount = 0, float[]? Residual = null, float ResidualScale = 1f, int Shuffle = 1)
{
    /// <summary>Only the bias (or nothing) at the plain places: what a plain conv2d stores.</summary>
    public bool IsBiasOnly => Activation == ConvActivation.None && Residual is null && Shuffle == 1;

    /// <summary>Where output channel co of image n goes in y, for a conv output of cout channels × h × w.</summary>
    public OutputPlacement Placement(int n, int co, int cout, int h, int w)
    {
        if (Shuffle == 1)
            return new OutputPlacement((n * cout + co) * h * w, w, 1);
        int r = Shuffle, rr = r * r, channel = co / rr, i = co % rr / r, j = co % r;
        return new OutputPlacement(((n * (cout / rr) + channel) * h * r + i) * w * r + j, w * r * r, r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(int co, float value, int index)
    {
        if (Bias is not null)
            value += Bias[co];
        value = Activation switch
        {
            ConvActivation.Relu => Math.Max(value, 0f),
            ConvActivation.LeakyRelu => value > 0 ? value : Slope * value,
            ConvActivation.PRelu => value > 0 ? value : SlopeOf(co) * value,
            _ => value,
        };
        return Residual is null ? value : Residual[index] + ResidualScale * value;
    }

    /// <summary><see cref="Apply(int, float, int)"/> on 16 consecutive outputs of channel co from <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector512<float> Apply(int co, Vector512<float> value, int index)
    {
        if (Bias is not null)
            value += Vector512.Create(Bias[co]);
        value = Activation switch
        {
            ConvActivation.Relu => Vector512.Max(value, Vector512<float>.Zero),
            ConvActivation.LeakyRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(value, Vector512<float>.Zero), value, Slope * value),
            ConvActivation.PRelu => Vector512.ConditionalSelect(Vector512.GreaterThan(value, Vector512<float>.Zero), value, SlopeOf(co) * value),
            _ => value,
        };
        return Residual is null ? value : Vector512.LoadUnsafe(ref Residual[index]) + ResidualScale * value;
    }

    /// <summary>
    /// <see cref="Apply(int, Vector512{float}, int)"/> where only the lanes set in <paramref name="mask"/> are outputs:
    /// the residual is read under the mask, so the other lanes may lie outside it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe Vector512<float> Apply(int co, Vector512<float> value, int index, Vector512<float> mask)
    {
        if (Residual is null)
            return Apply(co, value, index);
        var own = (this with { Residual = null }).Apply(co, value, index);
        fixed (float* residual = Residual)
            return Avx512F.MaskLoad(residual + index, mask, Vector512<float>.Zero) + ResidualScale * own;
    }

    /// <summary>The same, in place, over a run of outputs of channel co that starts at plane index <paramref name="index"/>.</summary>
    public void ApplyInPlace(int co, Span<float> values, int index)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + Vector512<float>.Count <= values.Length; i += Vector512<float>.Count)
            {
                ref float at = ref values[i];
                Apply(co, Vector512.LoadUnsafe(ref at), index + i).StoreUnsafe(ref at);
            }
        for (; i < values.Length; i++)
            values[i] = Apply(co, values[i], index + i);
    }

    private float SlopeOf(int co) => Slopes![SlopeCount == 1 ? 0 : co];
}

/// <summary>Output pixel (row, column) of one channel goes to y[Start + row · RowStride + column · Step].</summary>
internal readonly record struct OutputPlacement(int Start, int RowStride, int Step)
{
    public int Of(int row, int column) => Start + row * RowStride + column * Step;
}
