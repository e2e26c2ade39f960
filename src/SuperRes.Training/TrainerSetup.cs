using System.Globalization;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;
using SuperRes.Models.Weights;
using SuperRes.Tensors;
using SuperRes.Training.Distributed;

namespace SuperRes.Training;

/// <summary>
/// Prepares a <see cref="Trainer"/>: resumes from the run folder's checkpoint or builds the network fresh (seeded)
/// or from <see cref="TrainingOptions.InitFrom"/>, loads the training and validation data, and opens the metrics.
/// </summary>
internal static class TrainerSetup
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Trainer Create(Device device, TrainingOptions options, Action<string> info, ICollective collective)
    {
        options.Validate();
        if (collective.Rank != 0)
            info = _ => { };
        int slices = options.GradientSlices ?? collective.Size;
        if (options.BatchSize % slices != 0 || slices % collective.Size != 0)
            throw new SuperResException($"--batch {options.BatchSize} must be a multiple of {slices} gradient slices, and they of the {collective.Size} ranks (--grad-slices, default: the number of ranks)");
        options = options with { GradientSlices = slices };
        if (options.Gan is not null && slices > 1)
            throw new SuperResException("adversarial training (--model srgan) runs in one process on whole batches: no --distributed or --grad-slices");
        var entry = ModelZoo.Find(options.Model);
        if (!entry.Scales.Contains(options.Scale))
            throw new SuperResException($"{entry.Name} supports scales {string.Join(", ", entry.Scales)}, not {options.Scale}");
        Directory.CreateDirectory(options.OutputDirectory);

        CheckpointData? checkpoint = null;
        var existing = Checkpoint.Find(options.OutputDirectory);
        if (options.Resume)
        {
            // The newest complete, verified checkpoint among last / .next / .prev; temporaries of a killed save removed.
            // Rank 0 puts the shared folder in order while the other ranks wait, then they only read it.
            RecoveredCheckpoint? recovered = null;
            try
            {
                if (collective.Rank == 0) recovered = CheckpointRecovery.Recover(options.OutputDirectory);
            }
            finally
            {
                collective.Barrier();
            }
            recovered ??= CheckpointRecovery.Recover(options.OutputDirectory, readOnly: true);
            foreach (string action in recovered.Actions)
                info($"resume: {action}");
            if (recovered.Data is null)
                throw new SuperResException($"--resume: no complete checkpoint ({Checkpoint.FileName}, {Checkpoint.NextFileName} or {Checkpoint.PreviousFileName}) in {options.OutputDirectory}");
            checkpoint = recovered.Data;
            existing = recovered.Path!;
            CheckCompatible(checkpoint, existing, entry, options, info);
            GanSetup.CheckCompatible(checkpoint, existing, options, info);
        }
        else if (existing is not null)
        {
            throw new SuperResException($"{options.OutputDirectory} already holds a training checkpoint ({existing}): pass --resume to continue that run, or choose another --out");
        }

        var modelOptions = options.ModelOptions;
        if (checkpoint is not null && options.ModelOptions.Values.Count == 0)
            modelOptions = ModelOptions.Parse(checkpoint.Metadata.GetValueOrDefault("options"));
        int seed = options.Seed
            ?? (checkpoint is not null && int.TryParse(checkpoint.Metadata.GetValueOrDefault("seed"), NumberStyles.Integer, Inv, out int s) ? s : 1);

        Init.Seed(seed);
        var network = checkpoint is not null
            ? FromCheckpoint(device, entry, options, modelOptions, checkpoint, existing!, info)
            : Fresh(device, entry, options, modelOptions, info);
        network.Train();

        AdamOptimizer? optimizer = null;
        GanStep? gan = null;
        try
        {
            int[] scales = entry.IsMultiScale ? [.. entry.Scales] : [options.Scale];
            var data = TrainingData.Load(options.DataDirectory, options.LrDataDirectory, scales, DataConvention.Of(network), options.Patch);
            info($"training data: {data.ImageCount} images from {options.DataDirectory}" +
                 (options.LrDataDirectory is null ? " (LR by MATLAB bicubic)" : $" with LR from {options.LrDataDirectory}") +
                 $", scales x{string.Join(", x", data.ScaleFactors)}, {data.CachedBytes / (1024.0 * 1024):F1} MiB cached" +
                 $", {ColorsText(network.Colors)}");
            if (data.Skipped.Count > 0)
                info($"  skipped {data.Skipped.Count} image(s) smaller than one patch: {string.Join(", ", data.Skipped.Take(5))}{(data.Skipped.Count > 5 ? ", …" : "")}");

            IReadOnlyList<ImagePair>? validation = null;
            if (options.ValidationHrDirectory is not null && collective.Rank == 0)
            {
                validation = DatasetPairs.Find(options.ValidationHrDirectory, options.ValidationLrDirectory, options.Scale);
                info($"validation: {validation.Count} images from {options.ValidationHrDirectory}, x{options.Scale}, Y channel, shave {options.Scale}");
            }

            optimizer = new AdamOptimizer(network.NamedParameters(),
                new AdamSettings(options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.ClipGradNorm));
            long start = 0;
            if (checkpoint is not null)
            {
                optimizer.ImportState(checkpoint.Adam);
                start = checkpoint.Iteration;
                info($"resumed from {existing} at iteration {start}");
            }
            if (options.Gan is not null)
                gan = GanSetup.Create(device, options, network, optimizer, seed, checkpoint, info);
            var metrics = collective.Rank == 0 ? new MetricsLog(options.OutputDirectory, start, LossName(options), adversarial: gan is not null) : null;
            var exchange = slices > 1 ? new GradientExchange(network, collective, slices) : null;
            var trainer = new Trainer(device, options, network, optimizer, new BatchSampler(data, options.BatchSize, options.Patch, seed), validation, metrics, start, seed, exchange, gan);
            gan = null; // the trainer owns it now
            if (checkpoint is not null)
                trainer.RestoreCheckpointState(existing!, checkpoint);
            // Every rank built or loaded the same state; taking rank 0's makes that a fact rather than an assumption.
            exchange?.BroadcastState();
            if (exchange is not null)
                info($"data-parallel: {collective.Describe()}; batch {options.BatchSize} ({collective.Size} ranks × {options.BatchSize / collective.Size} patches) " +
                     $"in {slices} gradient slices summed in a fixed tree");
            info($"{entry.Name} x{options.Scale}{(network.Options.Values.Count > 0 ? $" ({network.Options})" : "")}: {network.ParameterCount():N0} parameters on {device.Info.Id}; " +
                 $"batch {options.BatchSize} of {options.Patch}x{options.Patch} LR patches, Adam lr {options.LearningRate.ToString("G3", Inv)} ({options.Schedule}), " +
                 $"{LossName(options)} loss, seed {seed}");
            return trainer;
        }
        catch
        {
            gan?.Dispose();
            optimizer?.Dispose();
            network.Dispose();
            throw;
        }
    }

    private static SrNetwork FromCheckpoint(Device device, ZooEntry entry, TrainingOptions options, ModelOptions modelOptions,
        CheckpointData checkpoint, string path, Action<string> info)
    {
        var network = ModelZoo.Create(device, entry.Name, options.Scale, modelOptions);
        try
        {
            network.LoadStateDict(checkpoint.Generator.StateDict(), strict: true);
        }
        catch (StateDictMismatchException e)
        {
            network.Dispose();
            throw new CheckpointException($"{path}: the checkpoint does not fit {entry.Name} x{options.Scale} ({modelOptions}): {e.Message}", e);
        }
        if (options.InitFrom is not null)
            info($"--init-from {options.InitFrom} ignored: resuming from {path}");
        return network;
    }

    private static SrNetwork Fresh(Device device, ZooEntry entry, TrainingOptions options, ModelOptions modelOptions, Action<string> info)
    {
        if (options.InitFrom is null)
            return ModelZoo.Create(device, entry.Name, options.Scale, modelOptions);
        var (network, report) = NetworkWeights.Load(device, options.InitFrom, entry.Name, options.Scale, modelOptions, strict: false);
        info($"initialised from {options.InitFrom}: {report.Loaded.Count} tensors loaded");
        if (!report.IsComplete)
            info("  not loaded (kept their fresh initialisation or ignored):\n  " + report.Describe().Replace("\n", "\n  "));
        return network;
    }

    /// <summary>The checkpoint must be for this network; other differences are allowed but said.</summary>
    private static void CheckCompatible(CheckpointData checkpoint, string path, ZooEntry entry, TrainingOptions options, Action<string> info)
    {
        var meta = checkpoint.Metadata;
        string arch = meta.GetValueOrDefault("architecture") ?? "?";
        if (!string.Equals(arch, entry.Name, StringComparison.Ordinal))
            throw new CheckpointException($"{path} is a {arch} checkpoint, not {entry.Name}");
        if (meta.GetValueOrDefault("scale") != options.Scale.ToString(Inv))
            throw new CheckpointException($"{path} is for x{meta.GetValueOrDefault("scale")}, not x{options.Scale}");
        string recordedOptions = meta.GetValueOrDefault("options") ?? "";
        if (options.ModelOptions.Values.Count > 0 && options.ModelOptions.ToString() != ModelOptions.Parse(recordedOptions).ToString())
            throw new CheckpointException($"{path} was trained with --options {(recordedOptions.Length == 0 ? "(none)" : recordedOptions)}, not {options.ModelOptions}");
        var differences = new List<string>();
        void Compare(string key, string now)
        {
            if (meta.TryGetValue(key, out var then) && then != now)
                differences.Add($"{key} {then} → {now}");
        }
        if (options.Seed is { } seed)
            Compare("seed", seed.ToString(Inv));
        Compare("batch", options.BatchSize.ToString(Inv));
        Compare("patch", options.Patch.ToString(Inv));
        Compare("lr", options.LearningRate.ToString("R", Inv));
        Compare("schedule", options.Schedule.ToString());
        Compare("loss", options.Loss == LossKind.L1 ? "l1" : "mse");
        Compare("weight_decay", options.WeightDecay.ToString("R", Inv));
        Compare("clip_grad", options.ClipGradNorm is { } c ? c.ToString("R", Inv) : "none");
        Compare("grad_slices", (options.GradientSlices ?? 1).ToString(Inv));
        if (options.Schedule.Kind == "cosine")
            Compare("iterations", options.Iterations.ToString(Inv));
        if (differences.Count > 0)
            info($"note: resuming with changed settings ({string.Join(", ", differences)}); the run will not match an uninterrupted one");
    }

    private static string LossName(TrainingOptions options) =>
        options.Gan is { } g ? $"generator {g.Content}+adv" : options.Loss == LossKind.L1 ? "L1" : "MSE";

    private static string ColorsText(ColorConvention colors) => colors switch
    {
        ColorConvention.Y01 => "Y channel in [0, 1]",
        ColorConvention.Rgb01 => "RGB in [0, 1]",
        _ => "RGB in [0, 255]",
    };
}
