using System.Diagnostics;
using System.Globalization;
using SuperRes.Models.Evaluation;
using SuperRes.Models.Inference;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;
using SuperRes.Models.Weights;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Training;

/// <summary>Where a run reports to: informational lines, and every step's progress.</summary>
public interface ITrainingObserver
{
    /// <summary>A line for the user: what was loaded, validation results, checkpoints.</summary>
    void Info(string message);

    /// <summary>After every step. <see cref="TrainingProgress.IsLogPoint"/> marks the steps that get a metrics row.</summary>
    void Progress(TrainingProgress progress);
}

/// <summary>The state of a run after one step. Rates cover the last logging interval (training time only).</summary>
public sealed record TrainingProgress(
    long Iteration, long Total, long StartIteration, double Loss, double LearningRate,
    double ItersPerSecond, double DataWaitPercent, double? LastPsnr, TimeSpan Elapsed, TimeSpan? Eta, bool IsLogPoint)
{
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string eta = Eta is { } e ? $"  ETA {(int)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}" : "";
        string psnr = LastPsnr is { } p ? $"  val {p.ToString("F2", inv)} dB" : "";
        return $"iter {Iteration}/{Total}  loss {Loss.ToString("G5", inv)}  lr {LearningRate.ToString("0.###E+0", inv)}  " +
               $"{ItersPerSecond.ToString("F2", inv)} it/s  data wait {DataWaitPercent.ToString("F1", inv)}%{psnr}{eta}";
    }
}

public enum TrainingOutcome
{
    Completed,
    /// <summary>Stopped on request (Ctrl-C) after a complete step; the checkpoint was saved.</summary>
    Interrupted,
}

public sealed record TrainingSummary(
    TrainingOutcome Outcome, long StartIteration, long Iteration, long Iterations, TimeSpan Wall, TimeSpan TrainTime,
    double ItersPerSecond, double ImagesPerSecond, double DataWaitPercent, double? LastLoss,
    double? BestPsnr, double? BestSsim, long? BestIteration, string CheckpointPath, string? FinalWeightsPath);

/// <summary>The loss (or the weights) stopped being finite; the message names the iteration and the last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message, long iteration) : SuperResException(message)
{
    public long Iteration { get; } = iteration;
}

/// <summary>
/// One training run of a zoo network on our own kernels: data (<see cref="TrainingData"/>, batches from
/// <see cref="BatchSampler"/> made ahead by <see cref="BatchPrefetcher"/>), forward and backward through the
/// autograd tape, L1/MSE loss, <see cref="AdamOptimizer"/> with a schedule and optional clipping, periodic
/// validation (PSNR/SSIM on Y), checkpoints that resume bit for bit, and the run folder's metrics and curves.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string BestName = "best.safetensors", FinalName = "final.safetensors";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Device _device;
    private readonly TrainingOptions _options;
    private readonly SrNetwork _network;
    private readonly AdamOptimizer _optimizer;
    private readonly BatchSampler _sampler;
    private readonly IReadOnlyList<ImagePair>? _validation;
    private readonly MetricsLog _metrics;
    private double? _bestPsnr, _bestSsim, _lastPsnr;
    private long? _bestIteration;
    private string? _lastCheckpoint;
    private long _lastCheckpointIteration = -1;
    private long _iteration;

    private Trainer(Device device, TrainingOptions options, SrNetwork network, AdamOptimizer optimizer, BatchSampler sampler,
        IReadOnlyList<ImagePair>? validation, MetricsLog metrics, long start, int seed)
    {
        _device = device;
        _options = options;
        _network = network;
        _optimizer = optimizer;
        _sampler = sampler;
        _validation = validation;
        _metrics = metrics;
        StartIteration = _iteration = start;
        Seed = seed;
    }

    public SrNetwork Network => _network;

    public AdamOptimizer Optimizer => _optimizer;

    public BatchSampler Sampler => _sampler;

    public TrainingOptions Options => _options;

    public int Seed { get; }

    /// <summary>The iteration the run starts from (0, or the checkpoint's).</summary>
    public long StartIteration { get; }

    /// <summary>Completed steps so far.</summary>
    public long Iteration => _iteration;

    public long RemainingIterations => Math.Max(0, _options.Iterations - _iteration);

    /// <summary>
    /// Prepares a run: resumes from the run folder's checkpoint (<see cref="TrainingOptions.Resume"/>) or builds
    /// the network fresh (seeded) or from <see cref="TrainingOptions.InitFrom"/>, loads the data, and opens the
    /// metrics. Informational lines go to <paramref name="info"/>.
    /// </summary>
    public static Trainer Create(Device device, TrainingOptions options, Action<string>? info = null)
    {
        info ??= _ => { };
        options.Validate();
        var entry = ModelZoo.Find(options.Model);
        if (!entry.Scales.Contains(options.Scale))
            throw new SuperResException($"{entry.Name} supports scales {string.Join(", ", entry.Scales)}, not {options.Scale}");
        Directory.CreateDirectory(options.OutputDirectory);

        CheckpointData? checkpoint = null;
        var existing = Checkpoint.Find(options.OutputDirectory);
        if (options.Resume)
        {
            if (existing is null)
                throw new SuperResException($"--resume: no checkpoint ({Checkpoint.FileName}) in {options.OutputDirectory}");
            checkpoint = Checkpoint.Load(existing);
            CheckCompatible(checkpoint, existing, entry, options, info);
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
        SrNetwork network;
        if (checkpoint is not null)
        {
            network = ModelZoo.Create(device, entry.Name, options.Scale, modelOptions);
            var state = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
            foreach (var (k, v) in checkpoint.Parameters) state.Add(k, v);
            foreach (var (k, v) in checkpoint.Buffers) state.Add(k, v);
            try
            {
                network.LoadStateDict(state, strict: true);
            }
            catch (StateDictMismatchException e)
            {
                network.Dispose();
                throw new CheckpointException($"{existing}: the checkpoint does not fit {entry.Name} x{options.Scale} ({modelOptions}): {e.Message}", e);
            }
            if (options.InitFrom is not null)
                info($"--init-from {options.InitFrom} ignored: resuming from {existing}");
        }
        else if (options.InitFrom is not null)
        {
            StateDictReport report;
            (network, report) = NetworkWeights.Load(device, options.InitFrom, entry.Name, options.Scale, modelOptions, strict: false);
            info($"initialised from {options.InitFrom}: {report.Loaded.Count} tensors loaded");
            if (!report.IsComplete)
                info("  not loaded (kept their fresh initialisation or ignored):\n  " + report.Describe().Replace("\n", "\n  "));
        }
        else
        {
            network = ModelZoo.Create(device, entry.Name, options.Scale, modelOptions);
        }
        network.Train();

        AdamOptimizer? optimizer = null;
        try
        {
            var scales = entry.IsMultiScale ? Mdsr.SupportedScales : [options.Scale];
            var data = TrainingData.Load(options.DataDirectory, options.LrDataDirectory, scales, DataConvention.Of(network), options.Patch);
            info($"training data: {data.ImageCount} images from {options.DataDirectory}" +
                 (options.LrDataDirectory is null ? " (LR by MATLAB bicubic)" : $" with LR from {options.LrDataDirectory}") +
                 $", scales x{string.Join(", x", data.ScaleFactors)}, {data.CachedBytes / (1024.0 * 1024):F1} MiB cached" +
                 $", {ColorsText(network.Colors)}");
            if (data.Skipped.Count > 0)
                info($"  skipped {data.Skipped.Count} image(s) smaller than one patch: {string.Join(", ", data.Skipped.Take(5))}{(data.Skipped.Count > 5 ? ", …" : "")}");

            IReadOnlyList<ImagePair>? validation = null;
            if (options.ValidationHrDirectory is not null)
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
            var metrics = new MetricsLog(options.OutputDirectory, start, options.Loss == LossKind.L1 ? "L1" : "MSE");
            var trainer = new Trainer(device, options, network, optimizer, new BatchSampler(data, options.BatchSize, options.Patch, seed), validation, metrics, start, seed);
            if (checkpoint is not null)
            {
                trainer._lastCheckpoint = existing;
                trainer._lastCheckpointIteration = start;
                trainer._bestPsnr = ParseDouble(checkpoint.Metadata, "best_psnr");
                trainer._bestSsim = ParseDouble(checkpoint.Metadata, "best_ssim");
                trainer._bestIteration = ParseDouble(checkpoint.Metadata, "best_iteration") is { } bi ? (long)bi : null;
                trainer._lastPsnr = trainer._bestPsnr;
            }
            info($"{entry.Name} x{options.Scale}{(network.Options.Values.Count > 0 ? $" ({network.Options})" : "")}: {network.ParameterCount():N0} parameters on {device.Info.Id}; " +
                 $"batch {options.BatchSize} of {options.Patch}x{options.Patch} LR patches, Adam lr {options.LearningRate.ToString("G3", Inv)} ({options.Schedule}), " +
                 $"{(options.Loss == LossKind.L1 ? "L1" : "MSE")} loss, seed {seed}");
            return trainer;
        }
        catch
        {
            optimizer?.Dispose();
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs up to <see cref="TrainingOptions.Iterations"/>. When <paramref name="token"/> is cancelled the current
    /// step finishes, the checkpoint is saved and the run returns <see cref="TrainingOutcome.Interrupted"/>.
    /// A NaN/Inf loss throws <see cref="TrainingDivergedException"/> and leaves the last checkpoint as it was.
    /// </summary>
    public TrainingSummary Run(CancellationToken token = default, ITrainingObserver? observer = null)
    {
        observer ??= NullObserver.Instance;
        var wall = Stopwatch.StartNew();
        long total = _options.Iterations;
        long start = _iteration;
        var trainTime = TimeSpan.Zero;
        double? lastLoss = null;
        double lossSum = 0;
        long lossCount = 0;
        var intervalTrain = TimeSpan.Zero;
        var intervalWait = TimeSpan.Zero;
        double recentRate = 0;
        var outcome = TrainingOutcome.Completed;

        using (var prefetcher = new BatchPrefetcher(_sampler.Make, start + 1, Math.Max(start + 1, total), _options.DataWorkers, _options.PrefetchBatches))
        {
            while (_iteration < total && !token.IsCancellationRequested)
            {
                long it = _iteration + 1;
                var stepWatch = Stopwatch.StartNew();
                var waitedBefore = prefetcher.Waited;
                var batch = prefetcher.Take(it, CancellationToken.None);
                double lr = _options.Schedule.At(_options.LearningRate, it - 1, total);
                float loss = TrainStep(batch, lr, it);
                _iteration = it;
                var stepTime = stepWatch.Elapsed;
                trainTime += stepTime;
                intervalTrain += stepTime;
                intervalWait += prefetcher.Waited - waitedBefore;
                lossSum += loss;
                lossCount++;
                lastLoss = loss;

                bool validate = _validation is not null && ((_options.ValidateEvery > 0 && it % _options.ValidateEvery == 0) || it == total);
                bool log = it % _options.LogEvery == 0 || it == total || validate;
                bool save = (_options.SaveEvery > 0 && it % _options.SaveEvery == 0) || it == total;
                double rate = intervalTrain.TotalSeconds > 0 ? lossCount / intervalTrain.TotalSeconds : 0;
                if (log)
                    recentRate = rate;
                double waitPct = intervalTrain.TotalSeconds > 0 ? 100 * intervalWait.TotalSeconds / intervalTrain.TotalSeconds : 0;
                double etaRate = recentRate > 0 ? recentRate : rate;
                TimeSpan? eta = etaRate > 0 ? TimeSpan.FromSeconds((total - it) / etaRate) : null;

                (double Psnr, double Ssim)? val = null;
                if (validate)
                {
                    val = Validate(it, observer);
                }
                if (log)
                {
                    _metrics.Append(new MetricsRow(it, lossSum / lossCount, lr, val?.Psnr, val?.Ssim, rate, waitPct));
                    _metrics.WritePlot();
                }
                observer.Progress(new TrainingProgress(it, total, start, log ? lossSum / lossCount : loss, lr, log ? rate : etaRate, waitPct, _lastPsnr, wall.Elapsed, eta, log));
                if (log)
                {
                    lossSum = 0;
                    lossCount = 0;
                    intervalTrain = TimeSpan.Zero;
                    intervalWait = TimeSpan.Zero;
                }
                if (save)
                {
                    SaveCheckpoint();
                    if (it < total)
                        observer.Info($"checkpoint: {_lastCheckpoint} (iteration {it})");
                }
            }
            if (token.IsCancellationRequested && _iteration < total)
            {
                outcome = TrainingOutcome.Interrupted;
                if (_lastCheckpointIteration != _iteration)
                    SaveCheckpoint();
                observer.Info($"interrupted: saved {_lastCheckpoint} at iteration {_iteration}; continue with --resume");
            }
            var waited = prefetcher.Waited;
            string? final = null;
            if (outcome == TrainingOutcome.Completed)
            {
                if (_lastCheckpointIteration != _iteration)
                    SaveCheckpoint();
                final = Path.Combine(_options.OutputDirectory, FinalName);
                SelectReportedScale();
                NetworkWeights.SaveSafetensors(_network, final);
            }
            _metrics.WritePlot();
            long done = _iteration - start;
            double ips = trainTime.TotalSeconds > 0 ? done / trainTime.TotalSeconds : 0;
            return new TrainingSummary(outcome, start, _iteration, total, wall.Elapsed, trainTime, ips, ips * _options.BatchSize,
                trainTime.TotalSeconds > 0 ? 100 * waited.TotalSeconds / trainTime.TotalSeconds : 0, lastLoss,
                _bestPsnr, _bestSsim, _bestIteration, _lastCheckpoint ?? "", final);
        }
    }

    /// <summary>One optimiser step on one batch; returns the loss.</summary>
    private float TrainStep(Batch batch, double lr, long iteration)
    {
        if (_network is Mdsr mdsr)
            mdsr.SelectScale(batch.Scale);
        using var x = Tensor.FromArray(_device, new Shape(batch.InputShape), batch.Input);
        using var y = Tensor.FromArray(_device, new Shape(batch.TargetShape), batch.Target);
        float value;
        try
        {
            using var prediction = _network.Forward(x);
            using var loss = _options.Loss == LossKind.L1 ? Ops.L1Loss(prediction, y) : Ops.MseLoss(prediction, y);
            loss.Backward();
            value = loss.ToArray()[0];
        }
        catch
        {
            Tape.Clear();
            _optimizer.ZeroGrad();
            throw;
        }
        if (!float.IsFinite(value))
        {
            _optimizer.ZeroGrad();
            throw Diverged(iteration, $"the loss is {value.ToString(Inv)} at iteration {iteration} (lr {lr.ToString("G3", Inv)})");
        }
        _optimizer.Step(lr);
        return value;
    }

    private TrainingDivergedException Diverged(long iteration, string what)
    {
        string kept = _lastCheckpoint is null
            ? "no checkpoint had been written yet"
            : $"the last good checkpoint, {_lastCheckpoint} (iteration {_lastCheckpointIteration}), is intact: continue from it with --resume and a lower --lr or --clip-grad";
        return new TrainingDivergedException($"training diverged: {what}; {kept}", iteration);
    }

    /// <summary>PSNR/SSIM of the current network on the validation set; keeps best.safetensors.</summary>
    private (double Psnr, double Ssim) Validate(long iteration, ITrainingObserver observer)
    {
        var watch = Stopwatch.StartNew();
        _network.Eval();
        using var noGrad = Tape.NoGrad();
        try
        {
            SelectReportedScale();
            // The upscaler owns the network it is given: it is not disposed here.
            var upscaler = new Upscaler(_network, new UpscaleOptions { MaxMemoryBytes = _options.MaxMemoryBytes });
            var result = Evaluator.Run(_validation!, _options.Scale, image => upscaler.Upscale(image));
            double psnr = result.MeanPsnr, ssim = result.MeanSsim;
            _lastPsnr = psnr;
            bool best = _bestPsnr is null || psnr > _bestPsnr;
            if (best)
            {
                _bestPsnr = psnr;
                _bestSsim = ssim;
                _bestIteration = iteration;
                NetworkWeights.SaveSafetensors(_network, Path.Combine(_options.OutputDirectory, BestName));
            }
            observer.Info($"validation at iteration {iteration}: PSNR {psnr.ToString("F3", Inv)} dB, SSIM {ssim.ToString("F4", Inv)}" +
                          $" (bicubic {result.MeanBicubicPsnr.ToString("F3", Inv)} dB){(best ? $", new best → {BestName}" : $", best {_bestPsnr!.Value.ToString("F3", Inv)} dB at {_bestIteration}")}" +
                          $" [{watch.Elapsed.TotalSeconds.ToString("F1", Inv)} s]");
            return (psnr, ssim);
        }
        finally
        {
            _network.Train();
        }
    }

    private void SelectReportedScale()
    {
        if (_network is Mdsr mdsr)
            mdsr.SelectScale(_options.Scale);
    }

    /// <summary>Writes last.ckpt (keeping the previous one as last.ckpt.prev).</summary>
    public string SaveCheckpoint()
    {
        var parameters = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in _network.NamedParameters())
        {
            var host = new HostTensor(t.Shape.ToArray(), t.ToArray());
            if (!host.Data.All(float.IsFinite))
                throw Diverged(_iteration, $"parameter {name} is no longer finite after iteration {_iteration}");
            parameters.Add(name, host);
        }
        var buffers = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in _network.NamedBuffers())
            buffers.Add(name, new HostTensor(t.Shape.ToArray(), t.ToArray()));
        var data = new CheckpointData(_iteration, CheckpointMetadata(), parameters, buffers, _optimizer.ExportState());
        _lastCheckpoint = Checkpoint.Save(_options.OutputDirectory, data);
        _lastCheckpointIteration = _iteration;
        return _lastCheckpoint;
    }

    private Dictionary<string, string> CheckpointMetadata()
    {
        SelectReportedScale();
        var o = _options;
        var meta = new Dictionary<string, string>(_network.Metadata(), StringComparer.Ordinal)
        {
            ["scale"] = o.Scale.ToString(Inv),
            ["options"] = _network.Options.ToString(),
            ["train_scales"] = string.Join(",", _sampler.Data.ScaleFactors),
            ["seed"] = Seed.ToString(Inv),
            ["data_order"] = "each batch is a pure function of (seed, iteration): SplitMix64 stream; no other state",
            ["optimizer"] = "adam",
            ["lr"] = o.LearningRate.ToString("R", Inv),
            ["beta1"] = o.Beta1.ToString("R", Inv),
            ["beta2"] = o.Beta2.ToString("R", Inv),
            ["eps"] = o.Epsilon.ToString("R", Inv),
            ["weight_decay"] = o.WeightDecay.ToString("R", Inv),
            ["clip_grad"] = o.ClipGradNorm is { } c ? c.ToString("R", Inv) : "none",
            ["schedule"] = o.Schedule.ToString(),
            ["loss"] = o.Loss == LossKind.L1 ? "l1" : "mse",
            ["batch"] = o.BatchSize.ToString(Inv),
            ["patch"] = o.Patch.ToString(Inv),
            ["iterations"] = o.Iterations.ToString(Inv),
            ["data"] = Path.GetFullPath(o.DataDirectory),
            ["lr_data"] = o.LrDataDirectory is null ? "bicubic" : Path.GetFullPath(o.LrDataDirectory),
            ["device"] = _device.Info.Id,
            ["saved_utc"] = DateTime.UtcNow.ToString("o", Inv),
        };
        if (_bestPsnr is { } bp)
        {
            meta["best_psnr"] = bp.ToString("R", Inv);
            meta["best_ssim"] = (_bestSsim ?? 0).ToString("R", Inv);
            meta["best_iteration"] = (_bestIteration ?? 0).ToString(Inv);
        }
        return meta;
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
        if (options.Schedule.Kind == "cosine")
            Compare("iterations", options.Iterations.ToString(Inv));
        if (differences.Count > 0)
            info($"note: resuming with changed settings ({string.Join(", ", differences)}); the run will not match an uninterrupted one");
    }

    private static double? ParseDouble(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out var v) && double.TryParse(v, NumberStyles.Float, Inv, out double d) ? d : null;

    private static string ColorsText(ColorConvention colors) => colors switch
    {
        ColorConvention.Y01 => "Y channel in [0, 1]",
        ColorConvention.Rgb01 => "RGB in [0, 1]",
        _ => "RGB in [0, 255]",
    };

    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
    }

    private sealed class NullObserver : ITrainingObserver
    {
        public static readonly NullObserver Instance = new();
        public void Info(string message) { }
        public void Progress(TrainingProgress progress) { }
    }
}
