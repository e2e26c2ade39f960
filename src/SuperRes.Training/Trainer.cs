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
using SuperRes.Training.Distributed;

namespace SuperRes.Training;

/// <summary>
/// One training run of a zoo network on our own kernels: data (<see cref="TrainingData"/>, batches from
/// <see cref="BatchSampler"/> made ahead by <see cref="BatchPrefetcher"/>), forward and backward through the
/// autograd tape, L1/MSE loss, <see cref="AdamOptimizer"/> with a schedule and optional clipping, periodic
/// validation (PSNR/SSIM on Y), checkpoints that resume bit for bit (<see cref="TrainingCheckpoints"/>), and the
/// run folder's metrics and curves. <see cref="Create"/> prepares a run (<see cref="TrainerSetup"/>); this class
/// holds the training loop. Data-parallel (<see cref="GradientExchange"/>): every rank trains on its rows of each
/// global batch and steps with the reduced gradient; rank 0 alone validates and writes the run folder.
/// Adversarial (<see cref="TrainingOptions.Gan"/>): each step is a <see cref="GanStep"/> (generator, then discriminator).
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
    private readonly MetricsLog? _metrics;
    private readonly TrainingCheckpoints _checkpoints;
    private readonly GradientExchange? _exchange;
    private readonly GanStep? _gan;
    private double? _lastPsnr;
    private long _iteration;
    private bool _stopAgreed;

    /// <param name="metrics">null on the ranks other than 0, which write nothing.</param>
    /// <param name="exchange">null for one process training on whole batches.</param>
    /// <param name="gan">the discriminator side of an adversarial run (owned by the trainer); null otherwise.</param>
    internal Trainer(Device device, TrainingOptions options, SrNetwork network, AdamOptimizer optimizer, BatchSampler sampler,
        IReadOnlyList<ImagePair>? validation, MetricsLog? metrics, long start, int seed, GradientExchange? exchange, GanStep? gan = null)
    {
        _exchange = exchange;
        _gan = gan;
        _device = device;
        _options = options;
        _network = network;
        _optimizer = optimizer;
        _sampler = sampler;
        _validation = validation;
        _metrics = metrics;
        _checkpoints = new TrainingCheckpoints(device, options, network, optimizer, sampler, seed, gan);
        StartIteration = _iteration = start;
        Seed = seed;
    }

    public SrNetwork Network => _network;

    public AdamOptimizer Optimizer => _optimizer;

    /// <summary>The discriminator of an adversarial run; null otherwise.</summary>
    public Module? Discriminator => _gan?.Discriminator;

    /// <summary>The discriminator's optimiser in an adversarial run; null otherwise.</summary>
    public AdamOptimizer? DiscriminatorOptimizer => _gan?.DiscriminatorOptimizer;

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
    /// metrics. Informational lines go to <paramref name="info"/> (rank 0's only). With a <paramref name="collective"/>
    /// of several ranks every rank calls this and <see cref="Run"/>; see docs/distributed.md.
    /// </summary>
    public static Trainer Create(Device device, TrainingOptions options, Action<string>? info = null, ICollective? collective = null) =>
        TrainerSetup.Create(device, options, info ?? (_ => { }), collective ?? SingleProcess.Instance);

    /// <summary>Whether this process writes checkpoints, weights and metrics (rank 0, or the only process).</summary>
    public bool WritesRunFolder => _metrics is not null;

    /// <summary>Takes over the checkpoint's record (best score, last checkpoint) when resuming.</summary>
    internal void RestoreCheckpointState(string path, CheckpointData checkpoint)
    {
        _checkpoints.Restore(path, checkpoint);
        _lastPsnr = _checkpoints.BestPsnr;
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

        Func<long, Batch> make = _sampler.Make;
        if (_exchange is not null)
        {
            var (first, count) = _exchange.RankRows(_options.BatchSize);
            make = it => _sampler.MakeRows(it, first, count);
        }
        using (var prefetcher = new BatchPrefetcher(make, start + 1, Math.Max(start + 1, total), _options.DataWorkers, _options.PrefetchBatches))
        {
            while (_iteration < total && !StopRequested(token))
            {
                long it = _iteration + 1;
                var stepWatch = Stopwatch.StartNew();
                var waitedBefore = prefetcher.Waited;
                var batch = prefetcher.Take(it, CancellationToken.None);
                double lr = _options.Schedule.At(_options.LearningRate, it - 1, total);
                float loss = TrainStep(batch, lr, it, token);
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
                var gan = log ? _gan?.TakeMeans() : null;
                if (log)
                {
                    _metrics?.Append(new MetricsRow(it, lossSum / lossCount, lr, val?.Psnr, val?.Ssim, rate, waitPct, gan));
                    _metrics?.WritePlot();
                }
                observer.Progress(new TrainingProgress(it, total, start, log ? lossSum / lossCount : loss, lr, log ? rate : etaRate, waitPct, _lastPsnr, wall.Elapsed, eta, log) { Gan = gan });
                if (log)
                {
                    lossSum = 0;
                    lossCount = 0;
                    intervalTrain = TimeSpan.Zero;
                    intervalWait = TimeSpan.Zero;
                }
                if (save && WritesRunFolder)
                {
                    SaveCheckpoint();
                    if (it < total)
                        observer.Info($"checkpoint: {_checkpoints.LastPath} (iteration {it})");
                }
            }
            if (StopRequested(token) && _iteration < total)
            {
                outcome = TrainingOutcome.Interrupted;
                if (WritesRunFolder && _checkpoints.LastIteration != _iteration)
                    SaveCheckpoint();
                observer.Info($"interrupted: saved {_checkpoints.LastPath} at iteration {_iteration}; continue with --resume");
            }
            var waited = prefetcher.Waited;
            string? final = null;
            if (outcome == TrainingOutcome.Completed && WritesRunFolder)
            {
                if (_checkpoints.LastIteration != _iteration)
                    SaveCheckpoint();
                final = Path.Combine(_options.OutputDirectory, FinalName);
                SelectReportedScale();
                NetworkWeights.SaveSafetensors(_network, final);
            }
            _metrics?.WritePlot();
            _exchange?.Barrier();
            long done = _iteration - start;
            double ips = trainTime.TotalSeconds > 0 ? done / trainTime.TotalSeconds : 0;
            return new TrainingSummary(outcome, start, _iteration, total, wall.Elapsed, trainTime, ips, ips * _options.BatchSize,
                trainTime.TotalSeconds > 0 ? 100 * waited.TotalSeconds / trainTime.TotalSeconds : 0, lastLoss,
                _checkpoints.BestPsnr, _checkpoints.BestSsim, _checkpoints.BestIteration, _checkpoints.LastPath ?? "", final);
        }
    }

    /// <summary>A stop (Ctrl-C) every rank agreed on through the last step's exchange; the token itself for one process.</summary>
    private bool StopRequested(CancellationToken token) => _exchange is null ? token.IsCancellationRequested : _stopAgreed;

    /// <summary>One optimiser step on one batch (this rank's rows of it when data-parallel); returns the loss of the whole batch.</summary>
    private float TrainStep(Batch batch, double lr, long iteration, CancellationToken token)
    {
        if (_gan is not null)
            return AdversarialStep(batch, lr, iteration);
        float value;
        if (_exchange is null)
            value = ForwardBackward(batch);
        else
            (value, _stopAgreed) = _exchange.Step(batch, ForwardBackward, token.IsCancellationRequested);
        if (!float.IsFinite(value))
        {
            _optimizer.ZeroGrad();
            throw _checkpoints.Diverged(iteration, $"the loss is {value.ToString(Inv)} at iteration {iteration} (lr {lr.ToString("G3", Inv)})");
        }
        _optimizer.Step(lr);
        return value;
    }

    /// <summary>The generator's and the discriminator's step (<see cref="GanStep"/>); returns the generator's total loss.</summary>
    private float AdversarialStep(Batch batch, double lr, long iteration)
    {
        double dLr = _gan!.Options.DiscriminatorLearningRate is { } d ? _options.Schedule.At(d, iteration - 1, _options.Iterations) : lr;
        var (generator, discriminator) = _gan.Step(batch, lr, dLr);
        if (!float.IsFinite(generator) || !float.IsFinite(discriminator))
        {
            _optimizer.ZeroGrad();
            _gan.DiscriminatorOptimizer.ZeroGrad();
            string which = float.IsFinite(generator) ? $"the discriminator's loss is {discriminator.ToString(Inv)}" : $"the generator's loss is {generator.ToString(Inv)}";
            throw _checkpoints.Diverged(iteration, $"{which} at iteration {iteration} (lr {lr.ToString("G3", Inv)})");
        }
        return generator;
    }

    /// <summary>Forward and backward of the mean loss over <paramref name="batch"/>, leaving the gradients in the parameters.</summary>
    private float ForwardBackward(Batch batch)
    {
        _network.SelectScale(batch.Scale); // a multi-scale network trains every scale's branch in turn
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
        return value;
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
            bool best = _checkpoints.RecordValidation(psnr, ssim, iteration);
            if (best)
                NetworkWeights.SaveSafetensors(_network, Path.Combine(_options.OutputDirectory, BestName));
            observer.Info($"validation at iteration {iteration}: PSNR {psnr.ToString("F3", Inv)} dB, SSIM {ssim.ToString("F4", Inv)}" +
                          $" (bicubic {result.MeanBicubicPsnr.ToString("F3", Inv)} dB){(best ? $", new best → {BestName}" : $", best {_checkpoints.BestPsnr!.Value.ToString("F3", Inv)} dB at {_checkpoints.BestIteration}")}" +
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
        _network.SelectScale(_options.Scale);
    }

    /// <summary>Writes last.ckpt (keeping the previous one as last.ckpt.prev).</summary>
    public string SaveCheckpoint()
    {
        SelectReportedScale();
        return _checkpoints.Save(_iteration);
    }

    public void Dispose()
    {
        _gan?.Dispose();
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
