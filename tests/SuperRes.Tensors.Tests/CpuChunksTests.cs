using SuperRes.Tensors.Backends;
using SuperRes.Tensors.Primitives;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>
/// The Cpu backend's chunked loops: the chunks cover each element once, reductions repeat to the bit, and the
/// ops whose chunks may cut a row or plane (pixel shuffle, PReLU, channel copies) match their definitions on
/// sizes spanning several chunks with boundaries inside rows.
/// </summary>
public sealed class CpuChunksTests
{
    private static Device Cpu => TestDevices.Cpu;

    [Theory]
    [InlineData(0L)]
    [InlineData(17L)]
    [InlineData(CpuChunks.MinChunk * 2L + 7)]
    [InlineData(CpuChunks.MinChunk * 64L * 3 + 5)]
    public void ChunksCoverEveryElementOnce(long n)
    {
        var hits = new int[n];
        CpuChunks.For(n, (start, end) =>
        {
            for (int i = start; i < end; i++)
                Interlocked.Increment(ref hits[i]);
        });
        Assert.All(hits, h => Assert.Equal(1, h));
        Assert.InRange(CpuChunks.Count(n), 1, CpuChunks.MaxChunks);
    }

    [Fact]
    public void SumIsTheSameBitsEveryTime()
    {
        var x = RandomData.Uniform(new Random(3), CpuChunks.MinChunk * 5L + 3, -1e3f, 1e3f);
        double Chunked() => CpuChunks.Sum(x.Length, (start, end) =>
        {
            double s = 0;
            for (int i = start; i < end; i++)
                s += x[i];
            return s;
        });
        double first = Chunked();
        for (int run = 0; run < 5; run++)
            Assert.Equal(BitConverter.DoubleToInt64Bits(first), BitConverter.DoubleToInt64Bits(Chunked()));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PixelShuffleAcrossChunksMatchesItsDefinition(int r)
    {
        const int planes = 2, h = 67, w = 131;
        var deep = RandomData.Uniform(new Random(r), (long)planes * r * r * h * w);
        using var ctx = new CheckContext(Cpu);
        var wide = ctx.Output(deep.Length);
        PixelShuffle.Shuffle(ctx.Input(deep), wide, planes, h, w, r);
        var got = ctx.Read(wide);
        for (int nc = 0; nc < planes; nc++)
            for (int y = 0; y < h * r; y++)
                for (int x = 0; x < w * r; x++)
                    Assert.Equal(deep[(((nc * r + y % r) * r + x % r) * h + y / r) * w + x / r], got[(nc * h * r + y) * w * r + x]);

        var back = ctx.Output(deep.Length);
        PixelShuffle.Unshuffle(ctx.Input(got), back, planes, h, w, r);
        Assert.Equal(deep, ctx.Read(back));
    }

    [Fact]
    public void PreluAcrossChunksMatchesItsDefinition()
    {
        const int batch = 4, slopes = 5, plane = 4099;
        long n = (long)batch * slopes * plane;
        var x = RandomData.Uniform(new Random(5), n);
        var slope = RandomData.Uniform(new Random(6), slopes);
        using var ctx = new CheckContext(Cpu);
        var y = ctx.Output(n);
        Activations.Prelu(ctx.Input(x), ctx.Input(slope), slopes, plane, y, n);
        var got = ctx.Read(y);
        for (int i = 0; i < n; i++)
            Assert.Equal(x[i] > 0 ? x[i] : slope[i / plane % slopes] * x[i], got[i]);
    }

    [Fact]
    public void ChannelCopyAcrossChunksMatchesItsDefinition()
    {
        const int batch = 3, channels = 7, first = 2, count = 4, plane = 5003;
        var source = RandomData.Uniform(new Random(7), (long)batch * count * plane);
        using var ctx = new CheckContext(Cpu);
        var destination = ctx.Output((long)batch * channels * plane);
        Channels.Copy(new ChannelSlice(ctx.Input(source), count, 0), new ChannelSlice(destination, channels, first), count, batch, plane);
        var got = ctx.Read(destination);
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < count * plane; i++)
                Assert.Equal(source[b * count * plane + i], got[(b * channels + first) * plane + i]);
    }
}
