using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SuperRes.Tensors.Primitives;

/// <summary>
/// The C# reference, row by row in fixed chunks (<see cref="CpuChunks"/>): a wide row interleaves r deep rows,
/// so it is written one source row at a time (r = 2 with SSE unpacks), and a deep row gathers every r-th element
/// of a wide row (r = 2 with SSE shuffles); a chunk boundary inside a row goes element by element.
/// </summary>
internal sealed class PixelShuffleCpu : PixelShuffle.IBackend
{
    public void Shuffle(DeviceBuffer deep, DeviceBuffer wide, int planes, int h, int w, int r)
    {
        var src = Launch.Array(deep);
        var dst = Launch.Array(wide);
        int row = w * r;
        CpuChunks.ForSegments((long)planes * h * r * row, row, (wideRow, start, end) =>
        {
            int nc = wideRow / (h * r), y = wideRow % (h * r);
            // deep row of sub-pixel (y % r, j): plane (nc·r + y % r)·r + j, row y / r
            int first = ((nc * r + y % r) * r * h + y / r) * w;
            var output = dst.AsSpan(wideRow * row, row);
            if (start == 0 && end == row)
                Interleave(src, first, h * w, w, r, output);
            else
                for (int x = start; x < end; x++)
                    output[x] = src[first + x % r * h * w + x / r];
        });
    }

    public void Unshuffle(DeviceBuffer wide, DeviceBuffer deep, int planes, int h, int w, int r)
    {
        var src = Launch.Array(wide);
        var dst = Launch.Array(deep);
        CpuChunks.ForSegments((long)planes * r * r * h * w, w, (deepRow, start, end) =>
        {
            int y = deepRow % h, plane = deepRow / h;
            int j = plane % r, i = plane / r % r, nc = plane / (r * r);
            var wideRow = src.AsSpan((nc * h * r + y * r + i) * w * r, w * r);
            var output = dst.AsSpan(deepRow * w, w);
            int x = start;
            if (r == 2 && Sse.IsSupported)
                for (; x <= end - 4; x += 4)
                {
                    // lanes j and j + 2 of two consecutive wide vectors: the four sub-pixels of column j
                    var a = Vector128.Create<float>(wideRow[(2 * x)..]);
                    var b = Vector128.Create<float>(wideRow[(2 * x + 4)..]);
                    (j == 0 ? Sse.Shuffle(a, b, 0b10_00_10_00) : Sse.Shuffle(a, b, 0b11_01_11_01)).CopyTo(output[x..]);
                }
            for (; x < end; x++)
                output[x] = wideRow[x * r + j];
        });
    }

    /// <summary>output[x·r + j] = src[first + j·stride + x] for x &lt; w, j &lt; r.</summary>
    private static void Interleave(float[] src, int first, int stride, int w, int r, Span<float> output)
    {
        int x = 0;
        if (r == 2 && Sse.IsSupported)
        {
            var even = src.AsSpan(first, w);
            var odd = src.AsSpan(first + stride, w);
            for (; x <= w - 4; x += 4)
            {
                var a = Vector128.Create<float>(even[x..]);
                var b = Vector128.Create<float>(odd[x..]);
                Sse.UnpackLow(a, b).CopyTo(output[(2 * x)..]);
                Sse.UnpackHigh(a, b).CopyTo(output[(2 * x + 4)..]);
            }
        }
        for (int j = 0; j < r; j++)
        {
            var source = src.AsSpan(first + j * stride, w);
            for (int k = x; k < w; k++)
                output[k * r + j] = source[k];
        }
    }
}
