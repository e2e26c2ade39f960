namespace SuperRes.Training;

/// <summary>One training batch on the host: NCHW input and target, and the scale it was drawn at.</summary>
public sealed record Batch(long Iteration, int Scale, int[] InputShape, float[] Input, int[] TargetShape, float[] Target)
{
    /// <summary>Patches <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 as a batch of their own.</summary>
    public Batch Rows(int first, int count)
    {
        int n = InputShape[0];
        if (first < 0 || count < 1 || first + count > n)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {first}..{first + count - 1} of a batch of {n}");
        long inSize = Input.LongLength / n, outSize = Target.LongLength / n;
        return new Batch(Iteration, Scale, [count, .. InputShape[1..]], Input.AsSpan((int)(first * inSize), (int)(count * inSize)).ToArray(),
            [count, .. TargetShape[1..]], Target.AsSpan((int)(first * outSize), (int)(count * outSize)).ToArray());
    }
}

/// <summary>Where one patch of a batch came from: image, LR top-left corner and symmetry (0–7).</summary>
public readonly record struct PatchDraw(int Image, int LrX, int LrY, int Symmetry);

/// <summary>
/// A small counter-based generator (SplitMix64): the stream of a batch is a pure function of (seed, iteration),
/// so batches can be made in any order on any thread, and a resumed run draws exactly what an uninterrupted one
/// would. Written out here, rather than System.Random, so the sequence can never change under us.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private ulong _state = state;

    public static SplitMix64 ForBatch(int seed, long iteration)
    {
        var g = new SplitMix64(0x5EED_0000_0000_0000UL ^ (uint)seed);
        ulong mixed = g.NextULong() ^ (ulong)iteration * 0xD1B54A32D192ED03UL;
        return new SplitMix64(mixed);
    }

    public ulong NextULong()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound) (bound ≥ 1), without modulo bias.</summary>
    public int Next(int bound)
    {
        if (bound <= 1)
            return 0;
        ulong limit = ulong.MaxValue - ulong.MaxValue % (ulong)bound;
        ulong r;
        do r = NextULong(); while (r >= limit);
        return (int)(r % (ulong)bound);
    }
}

/// <summary>
/// Cuts batches of random aligned LR/HR patches with random flips and 90° rotations (the 8 symmetries of the
/// square), as EDSR's recipe does. Every batch is a pure function of (seed, iteration): the scale (MDSR), then
/// for each patch the image, the LR corner and the symmetry. <c>patch</c> is the LR side; the HR side is
/// <c>patch · scale</c> (and SRCNN's input, the upscaled LR, is that size too).
/// </summary>
public sealed class BatchSampler(TrainingData data, int batchSize, int patch, int seed)
{
    public TrainingData Data { get; } = data;
    public int BatchSize { get; } = batchSize;
    public int Patch { get; } = patch;
    public int Seed { get; } = seed;

    /// <summary>The scale and patch positions of a batch (what <see cref="Make"/> cuts).</summary>
    public (int ScaleIndex, PatchDraw[] Patches) Draw(long iteration)
    {
        var rng = SplitMix64.ForBatch(Seed, iteration);
        int scaleIndex = rng.Next(Data.Scales.Count);
        var samples = Data.Scales[scaleIndex].Samples;
        var draws = new PatchDraw[BatchSize];
        for (int b = 0; b < BatchSize; b++)
        {
            int image = rng.Next(samples.Count);
            var s = samples[image];
            draws[b] = new PatchDraw(image, rng.Next(s.LrWidth - Patch + 1), rng.Next(s.LrHeight - Patch + 1), rng.Next(8));
        }
        return (scaleIndex, draws);
    }

    public Batch Make(long iteration) => MakeRows(iteration, 0, BatchSize);

    /// <summary>
    /// Patches <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of the batch of
    /// <paramref name="iteration"/>, cut exactly as <see cref="Make"/> cuts them (a data-parallel rank's share).
    /// </summary>
    public Batch MakeRows(long iteration, int first, int count)
    {
        if (first < 0 || count < 1 || first + count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(count), $"rows {first}..{first + count - 1} of a batch of {BatchSize}");
        var (scaleIndex, draws) = Draw(iteration);
        var set = Data.Scales[scaleIndex];
        int scale = set.Scale;
        int c = Data.Convention.Channels;
        int inputFactor = Data.Convention.PreUpsampled ? scale : 1;
        int inSide = Patch * inputFactor, outSide = Patch * scale;
        var input = new float[(long)count * c * inSide * inSide];
        var target = new float[(long)count * c * outSide * outSide];
        int inSize = c * inSide * inSide, outSize = c * outSide * outSide;
        for (int b = 0; b < count; b++)
        {
            var d = draws[first + b];
            var sample = set.Samples[d.Image];
            sample.Input.CopyWindow(d.LrX * inputFactor, d.LrY * inputFactor, inSide, d.Symmetry, input.AsSpan(b * inSize, inSize));
            sample.Target.CopyWindow(d.LrX * scale, d.LrY * scale, outSide, d.Symmetry, target.AsSpan(b * outSize, outSize));
        }
        return new Batch(iteration, scale, [count, c, inSide, inSide], input, [count, c, outSide, outSide], target);
    }
}
