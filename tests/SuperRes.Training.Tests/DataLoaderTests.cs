using SuperRes.Imaging;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Inference;
using SuperRes.Models.Networks;

namespace SuperRes.Training.Tests;

/// <summary>The data pipeline: aligned patches, pure-function batches, the prefetcher, paired LR folders.</summary>
public sealed class DataLoaderTests
{
    private const int Patch = 12;

    /// <summary>
    /// RGB [0, 255]: with its symmetry undone, each LR patch equals MATLAB bicubic (on 8-bit levels) of its HR patch
    /// in the interior — exactly, since both are the same imresize on the same pixels; the border LR pixels see HR
    /// pixels outside the patch and are left out.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RgbPatchesAlign(int scale)
    {
        using var dir = new TempDir("align");
        var data = TrainingData.Load(TinyData.Create(dir.Sub("data"), count: 3), null, [scale], new DataConvention(ColorConvention.Rgb255, false), Patch);
        var sampler = new BatchSampler(data, 8, Patch, seed: 5);
        int margin = 3, symmetriesSeen = 0;
        for (long it = 1; it <= 3; it++)
        {
            var batch = sampler.Make(it);
            var (_, draws) = sampler.Draw(it);
            Assert.Equal([8, 3, Patch, Patch], batch.InputShape);
            Assert.Equal([8, 3, Patch * scale, Patch * scale], batch.TargetShape);
            for (int b = 0; b < 8; b++)
            {
                symmetriesSeen |= 1 << draws[b].Symmetry;
                var lr = Untransform(batch.Input, b, 3, Patch, draws[b].Symmetry);
                var hr = Untransform(batch.Target, b, 3, Patch * scale, draws[b].Symmetry);
                var expected = Evaluator.MakeLr(new Image(Patch * scale, Patch * scale, 3, hr.Data), scale);
                double worst = 0;
                for (int c = 0; c < 3; c++)
                    for (int y = margin; y < Patch - margin; y++)
                        for (int x = margin; x < Patch - margin; x++)
                            worst = Math.Max(worst, Math.Abs(lr.Data[(c * Patch + y) * Patch + x] - expected[c, y, x]));
                Assert.True(worst <= 1e-3, $"x{scale} iteration {it} patch {b} (symmetry {draws[b].Symmetry}): interior differs by {worst}");
            }
        }
        Assert.True(symmetriesSeen > 0b1111, "flips and rotations are drawn");
    }

    /// <summary>Y in [0, 1] (FSRCNN): the LR Y patch is the bicubic downscale of the HR Y patch up to the 8-bit LR rounding.</summary>
    [Fact]
    public void LumaPatchesAlign()
    {
        using var dir = new TempDir("luma");
        const int scale = 3;
        var data = TrainingData.Load(TinyData.Create(dir.Sub("data"), count: 3), null, [scale], new DataConvention(ColorConvention.Y01, false), Patch);
        var sampler = new BatchSampler(data, 8, Patch, seed: 9);
        var batch = sampler.Make(1);
        var (_, draws) = sampler.Draw(1);
        Assert.Equal([8, 1, Patch, Patch], batch.InputShape);
        for (int b = 0; b < 8; b++)
        {
            var lr = Untransform(batch.Input, b, 1, Patch, draws[b].Symmetry);
            var hr = Untransform(batch.Target, b, 1, Patch * scale, draws[b].Symmetry);
            Assert.InRange(hr.Data.Min(), 16f / 255 - 1e-4f, 235f / 255 + 1e-4f); // studio-range Y in [0, 1]
            var expected = Resize.Bicubic(new Image(Patch * scale, Patch * scale, 1, hr.Data.Select(v => v * 255).ToArray()), 1.0 / scale);
            for (int y = 3; y < Patch - 3; y++)
                for (int x = 3; x < Patch - 3; x++)
                    Assert.True(Math.Abs(lr.Data[y * Patch + x] * 255 - expected[0, y, x]) <= 1.2, $"patch {b} ({x},{y})");
        }
    }

    /// <summary>SRCNN: the input is the LR upscaled to the HR size, so input and target patches are the same size and close.</summary>
    [Fact]
    public void PreUpsampledInputMatchesTheTargetGrid()
    {
        using var dir = new TempDir("srcnn");
        var data = TrainingData.Load(TinyData.Create(dir.Sub("data"), count: 2), null, [2], new DataConvention(ColorConvention.Y01, true), Patch);
        var batch = new BatchSampler(data, 4, Patch, seed: 1).Make(1);
        Assert.Equal([4, 1, 2 * Patch, 2 * Patch], batch.InputShape);
        Assert.Equal(batch.TargetShape, batch.InputShape);
        double aligned = batch.Input.Zip(batch.Target).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(aligned < 0.03, $"mean |bicubic − HR| = {aligned}");
    }

    [Fact]
    public void BatchesArePureFunctionsOfSeedAndIteration()
    {
        using var dir = new TempDir("pure");
        var data = TrainingData.Load(TinyData.Create(dir.Sub("data"), count: 4), null, [2, 3, 4], new DataConvention(ColorConvention.Rgb255, false), 8);
        var sampler = new BatchSampler(data, 4, 8, seed: 3);
        var again = new BatchSampler(data, 4, 8, seed: 3);
        var other = new BatchSampler(data, 4, 8, seed: 4);
        var scales = new HashSet<int>();
        for (long it = 1; it <= 12; it++)
        {
            var a = sampler.Make(it);
            scales.Add(a.Scale);
            Assert.Equal(a.Input, again.Make(it).Input);
            Assert.Equal(a.Target, sampler.Make(it).Target);
            Assert.NotEqual(a.Input, other.Make(it).Input);
        }
        Assert.Equal([2, 3, 4], scales.Order());

        // The prefetcher (three threads, out of order) hands back exactly these batches, in order.
        using var prefetcher = new BatchPrefetcher(sampler.Make, 5, 12, workers: 3, depth: 4);
        for (long it = 5; it <= 12; it++)
        {
            var b = prefetcher.Take(it);
            Assert.Equal(it, b.Iteration);
            Assert.Equal(sampler.Make(it).Input, b.Input);
        }
        Assert.Throws<InvalidOperationException>(() => prefetcher.Take(5));
    }

    [Fact]
    public void PrefetcherReportsAFailedBatch()
    {
        using var prefetcher = new BatchPrefetcher(i => i == 3 ? throw new InvalidDataException("bad image") : new Batch(i, 2, [1], [0f], [1], [0f]), 1, 5, 2, 2);
        prefetcher.Take(1);
        prefetcher.Take(2);
        var e = Assert.Throws<SuperResException>(() => prefetcher.Take(3));
        Assert.Contains("iteration 3", e.Message);
        Assert.Contains("bad image", e.Message);
    }

    [Fact]
    public void PairedLrFoldersInDiv2kLayoutAreUsed()
    {
        using var dir = new TempDir("paired");
        var hrDir = TinyData.Create(dir.Sub("HR"), count: 2);
        var lrDir = Directory.CreateDirectory(Path.Combine(dir.Sub("LR"), "X2")).FullName;
        foreach (var file in Directory.GetFiles(hrDir))
        {
            // A LR that is visibly not bicubic (inverted), so the test sees which one was used.
            var lr = Evaluator.MakeLr(ImageCodec.Read(file), 2);
            for (int i = 0; i < lr.Data.Length; i++)
                lr.Data[i] = 255 - lr.Data[i];
            ImageCodec.Write(Path.Combine(lrDir, Path.GetFileNameWithoutExtension(file) + "x2.png"), lr);
        }
        var paired = TrainingData.Load(hrDir, dir.Sub("LR"), [2], new DataConvention(ColorConvention.Rgb255, false), 8);
        var made = TrainingData.Load(hrDir, null, [2], new DataConvention(ColorConvention.Rgb255, false), 8);
        var a = new BatchSampler(paired, 2, 8, 1).Make(1);
        var b = new BatchSampler(made, 2, 8, 1).Make(1);
        Assert.Equal(b.Target, a.Target);
        for (int i = 0; i < a.Input.Length; i++)
            Assert.Equal(255 - b.Input[i], a.Input[i]);
    }

    [Fact]
    public void ImagesSmallerThanAPatchAreSkipped()
    {
        using var dir = new TempDir("small");
        var data = TinyData.Create(dir.Sub("data"), count: 2, size: 48);
        TinyData.Create(dir.Sub("small"), count: 1, size: 20, seed: 99);
        File.Copy(Path.Combine(dir.Sub("small"), "img00.png"), Path.Combine(data, "tiny.png"));
        var loaded = TrainingData.Load(data, null, [2], new DataConvention(ColorConvention.Rgb255, false), 12);
        Assert.Equal(2, loaded.ImageCount);
        Assert.Single(loaded.Skipped);
        Assert.Contains("tiny", loaded.Skipped[0]);
        var e = Assert.Throws<SuperResException>(() => TrainingData.Load(data, null, [4], new DataConvention(ColorConvention.Rgb255, false), 13));
        Assert.Contains("--patch", e.Message);
    }

    private static Image Untransform(float[] batch, int index, int channels, int side, int symmetry)
    {
        int size = channels * side * side;
        return new Image(side, side, channels, batch.AsSpan(index * size, size).ToArray()).InverseTransform(symmetry);
    }
}
