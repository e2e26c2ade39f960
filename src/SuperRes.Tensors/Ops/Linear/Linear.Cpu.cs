using System.Numerics;
using SuperRes.Runtime.Cpu;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference: the forward as row-by-row dot products, the gradients as <see cref="CpuGemm"/> products over
/// column or row blocks; one task per output row or block (CpuChunks), so each
/// value's summation order depends only on the sizes (bit-for-bit reproducible whatever the core count).
/// </summary>
internal sealed class LinearCpu : Linear.IBackend
{
    // Columns (or rows) per parallel task: wide enough for the GEMM's 16-column inner loop.
    private const int Block = 64;

    public void Forward(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, int batch, int inFeatures, int outFeatures)
    {
        var (xs, ws, ys) = (Launch.Array(x), Launch.Array(weight), Launch.Array(y));
        var bs = bias is null ? null : Launch.Array(bias);
        // Row times row: x and W are both [·, in], so each output is one contiguous dot product.
        CpuChunks.ForEachTask(outFeatures, o =>
        {
            var row = ws.AsSpan(o * inFeatures, inFeatures);
            for (int b = 0; b < batch; b++)
                ys[b * outFeatures + o] = Dot(xs.AsSpan(b * inFeatures, inFeatures), row) + (bs is null ? 0f : bs[o]);
        });
    }

    public void InputGrad(DeviceBuffer gy, DeviceBuffer weight, DeviceBuffer gx, int batch, int inFeatures, int outFeatures)
    {
        var (gys, ws, gxs) = (Launch.Array(gy), Launch.Array(weight), Launch.Array(gx));
        ParallelBlocks(inFeatures, (j0, count) =>
            CpuGemm.Multiply(batch, count, outFeatures, gys, outFeatures, ws.AsSpan(j0), inFeatures, gxs.AsSpan(j0), inFeatures, accumulate: false));
    }

    public void WeightGrad(DeviceBuffer gy, DeviceBuffer x, DeviceBuffer gw, int batch, int inFeatures, int outFeatures)
    {
        var (gys, xs, gws) = (Launch.Array(gy), Launch.Array(x), Launch.Array(gw));
        var gyT = Transpose(gys, batch, outFeatures); // [out, batch]
        ParallelBlocks(outFeatures, (i0, count) =>
            CpuGemm.Multiply(count, inFeatures, batch, gyT.AsSpan(i0 * batch), batch, xs, inFeatures, gws.AsSpan(i0 * inFeatures), inFeatures, accumulate: false));
    }

    public void BiasGrad(DeviceBuffer gy, DeviceBuffer gb, int batch, int outFeatures)
    {
        var (gys, gbs) = (Launch.Array(gy), Launch.Array(gb));
        for (int o = 0; o < outFeatures; o++)
        {
            float sum = 0;
            for (int b = 0; b < batch; b++)
                sum += gys[b * outFeatures + o];
            gbs[o] = sum;
        }
    }

    /// <summary>Σ a·b in vector lanes, then the lanes and the tail in order.</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var acc = Vector<float>.Zero;
        int i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            acc += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }

    private static float[] Transpose(float[] source, int rows, int columns)
    {
        var result = new float[(long)rows * columns];
        CpuChunks.ForEachTask(rows, r =>
        {
            for (int c = 0; c < columns; c++)
                result[(long)c * rows + r] = source[(long)r * columns + c];
        });
        return result;
    }

    private static void ParallelBlocks(int length, Action<int, int> block) =>
        CpuChunks.ForEachTask((length + Block - 1) / Block, b =>
        {
            int start = b * Block;
            block(start, Math.Min(Block, length - start));
        });
}
