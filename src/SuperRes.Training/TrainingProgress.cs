using System.Globalization;
using SuperRes.Tensors;

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
    /// <summary>An adversarial run's losses and discriminator outputs over the logging interval (on log points).</summary>
    public GanMetrics? Gan { get; init; }

    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        string eta = Eta is { } e ? $"  ETA {(int)e.TotalHours:00}:{e.Minutes:00}:{e.Seconds:00}" : "";
        string psnr = LastPsnr is { } p ? $"  val {p.ToString("F2", inv)} dB" : "";
        string gan = Gan is { } g
            ? $"  (content {g.Content.ToString("G4", inv)}, adv {g.Adversarial.ToString("G4", inv)}, D loss {g.DiscriminatorLoss.ToString("G4", inv)}, D(HR) {g.DReal.ToString("F3", inv)}, D(SR) {g.DFake.ToString("F3", inv)})"
            : "";
        return $"iter {Iteration}/{Total}  loss {Loss.ToString("G5", inv)}{gan}  lr {LearningRate.ToString("0.###E+0", inv)}  " +
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
