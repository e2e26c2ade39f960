namespace SuperRes.Tensors;

/// <summary>
/// Makes every Cpu convolution output's bits depend only on the input pixels in its window, not on where the pixel
/// falls in the tensor, for the code run inside <see cref="Enter"/> (it flows into tasks started there). Winograd's
/// F(4×4, 3×3) rounds each output through the whole 6×6 tile around it, so a pixel near a tile edge of an upscale
/// would change bits with the tile grid; inside this scope 3×3 layers run on the banded GEMM instead, whose per-pixel
/// sums are one fused multiply-add per tap in a fixed order. Tiled and untiled upscales then agree bit for bit, at
/// the cost of Winograd's speed on wide 3×3 layers. Other backends are not affected.
/// </summary>
public static class PositionIndependentConvolution
{
    private static readonly AsyncLocal<bool> Scope = new();

    /// <summary>True inside <see cref="Enter"/>.</summary>
    public static bool IsActive => Scope.Value;

    /// <summary>Enters the scope until the result is disposed (scopes nest).</summary>
    public static IDisposable Enter()
    {
        bool outer = Scope.Value;
        Scope.Value = true;
        return new Exit(outer);
    }

    private sealed class Exit(bool outer) : IDisposable
    {
        public void Dispose() => Scope.Value = outer;
    }
}
