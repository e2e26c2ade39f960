using System.Globalization;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;
using SuperRes.Tensors;

namespace SuperRes.Training;

/// <summary>
/// A run's checkpoints and the best validation score they carry: writes last.ckpt with everything a bit-exact
/// resume needs, restores the score from a loaded checkpoint, and words divergence errors around the last good one.
/// </summary>
internal sealed class TrainingCheckpoints(Device device, TrainingOptions options, SrNetwork network, AdamOptimizer optimizer, BatchSampler sampler, int seed, GanStep? gan)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Metadata naming the adversarial setup of a run with a discriminator.</summary>
    public const string GanKey = "gan";

    /// <summary>The last checkpoint written or resumed from; null before the first.</summary>
    public string? LastPath { get; private set; }

    public long LastIteration { get; private set; } = -1;

    public double? BestPsnr { get; private set; }

    public double? BestSsim { get; private set; }

    public long? BestIteration { get; private set; }

    /// <summary>Takes over the state of the checkpoint a run resumes from.</summary>
    public void Restore(string path, CheckpointData checkpoint)
    {
        LastPath = path;
        LastIteration = checkpoint.Iteration;
        BestPsnr = ParseDouble(checkpoint.Metadata, "best_psnr");
        BestSsim = ParseDouble(checkpoint.Metadata, "best_ssim");
        BestIteration = ParseDouble(checkpoint.Metadata, "best_iteration") is { } bi ? (long)bi : null;
    }

    /// <summary>Records a validation result; true when it is the best so far (the caller saves best.safetensors).</summary>
    public bool RecordValidation(double psnr, double ssim, long iteration)
    {
        bool best = BestPsnr is null || psnr > BestPsnr;
        if (!best)
            return false;
        BestPsnr = psnr;
        BestSsim = ssim;
        BestIteration = iteration;
        return true;
    }

    /// <summary>
    /// Writes last.ckpt (keeping the previous one as last.ckpt.prev) for the network as it is after
    /// <paramref name="iteration"/>; the network must already report the run's scale.
    /// </summary>
    public string Save(long iteration)
    {
        var parameters = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in network.NamedParameters())
        {
            var host = new HostTensor(t.Shape.ToArray(), t.ToArray());
            if (!host.Data.All(float.IsFinite))
                throw Diverged(iteration, $"parameter {name} is no longer finite after iteration {iteration}");
            parameters.Add(name, host);
        }
        var buffers = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in network.NamedBuffers())
            buffers.Add(name, new HostTensor(t.Shape.ToArray(), t.ToArray()));
        var data = new CheckpointData(iteration, Metadata(), parameters, buffers, optimizer.ExportState(), gan?.ExportState());
        LastPath = Checkpoint.Save(options.OutputDirectory, data);
        LastIteration = iteration;
        return LastPath;
    }

    public TrainingDivergedException Diverged(long iteration, string what)
    {
        string kept = LastPath is null
            ? "no checkpoint had been written yet"
            : $"the last good checkpoint, {LastPath} (iteration {LastIteration}), is intact: continue from it with --resume and a lower --lr or --clip-grad";
        return new TrainingDivergedException($"training diverged: {what}; {kept}", iteration);
    }

    private Dictionary<string, string> Metadata()
    {
        var o = options;
        var meta = new Dictionary<string, string>(network.Metadata(), StringComparer.Ordinal)
        {
            ["scale"] = o.Scale.ToString(Inv),
            ["options"] = network.Options.ToString(),
            ["train_scales"] = string.Join(",", sampler.Data.ScaleFactors),
            ["seed"] = seed.ToString(Inv),
            ["data_order"] = "each batch is a pure function of (seed, iteration): SplitMix64 stream; no other state",
            ["optimizer"] = "adam",
            ["lr"] = o.LearningRate.ToString("R", Inv),
            ["beta1"] = o.Beta1.ToString("R", Inv),
            ["beta2"] = o.Beta2.ToString("R", Inv),
            ["eps"] = o.Epsilon.ToString("R", Inv),
            ["weight_decay"] = o.WeightDecay.ToString("R", Inv),
            ["clip_grad"] = o.ClipGradNorm is { } c ? c.ToString("R", Inv) : "none",
            ["grad_slices"] = (o.GradientSlices ?? 1).ToString(Inv),
            ["schedule"] = o.Schedule.ToString(),
            ["loss"] = o.Loss == LossKind.L1 ? "l1" : "mse",
            ["batch"] = o.BatchSize.ToString(Inv),
            ["patch"] = o.Patch.ToString(Inv),
            ["iterations"] = o.Iterations.ToString(Inv),
            ["data"] = Path.GetFullPath(o.DataDirectory),
            ["lr_data"] = o.LrDataDirectory is null ? "bicubic" : Path.GetFullPath(o.LrDataDirectory),
            ["device"] = device.Info.Id,
            ["saved_utc"] = DateTime.UtcNow.ToString("o", Inv),
        };
        if (o.Gan is { } g)
        {
            meta[GanKey] = "srgan";
            meta["content"] = g.Content.ToString();
            meta["content_weight"] = g.ContentWeight.ToString("R", Inv);
            meta["adv_weight"] = g.AdversarialWeight.ToString("R", Inv);
            meta["d_lr"] = (g.DiscriminatorLearningRate ?? o.LearningRate).ToString("R", Inv);
            meta["d_options"] = g.DiscriminatorOptions.ToString();
            meta["vgg_weights"] = g.VggWeights is null ? "none" : Path.GetFullPath(g.VggWeights);
        }
        if (BestPsnr is { } bp)
        {
            meta["best_psnr"] = bp.ToString("R", Inv);
            meta["best_ssim"] = (BestSsim ?? 0).ToString("R", Inv);
            meta["best_iteration"] = (BestIteration ?? 0).ToString(Inv);
        }
        return meta;
    }

    private static double? ParseDouble(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, Inv, out double d) ? d : null;
}
