using System.Globalization;
using SuperRes.Models.Networks;

namespace SuperRes.Training;

public enum LossKind
{
    L1,
    Mse,
}

/// <summary>Everything one <c>superres train</c> run is configured with (the command line, as a value).</summary>
public sealed record TrainingOptions
{
    /// <summary>Zoo name, e.g. <c>edsr-baseline</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The upscaling factor. MDSR trains every scale it has; this one is validated and recorded.</summary>
    public required int Scale { get; init; }

    /// <summary>Network configuration overrides (<c>--options blocks=8,features=32</c>).</summary>
    public ModelOptions ModelOptions { get; init; } = ModelOptions.Empty;

    /// <summary>Folder of HR training images.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Folder of matching LR images (ours, DIV2K's <c>X2/0001x2.png</c>); null: made from HR by MATLAB bicubic.</summary>
    public string? LrDataDirectory { get; init; }

    public string? ValidationHrDirectory { get; init; }

    public string? ValidationLrDirectory { get; init; }

    /// <summary>The run folder: checkpoints, best/final weights, metrics.csv, curves.svg.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Total optimiser steps of the run (a resumed run continues up to this).</summary>
    public long Iterations { get; init; } = 300_000;

    public int BatchSize { get; init; } = 16;

    /// <summary>Side of the LR patch; the HR patch is <c>Patch · scale</c>.</summary>
    public int Patch { get; init; } = 48;

    public double LearningRate { get; init; } = 1e-4;

    public LrSchedule Schedule { get; init; } = LrSchedule.Parse("step:200000:0.5");

    public LossKind Loss { get; init; } = LossKind.L1;

    /// <summary>Adversarial training against a discriminator (SRGAN); null: the pixel loss <see cref="Loss"/> alone.</summary>
    public GanOptions? Gan { get; init; }

    /// <summary>Weights to start from, loaded non-strict (a x2 model for x3/x4: everything but the upsampler).</summary>
    public string? InitFrom { get; init; }

    /// <summary>Continue from the last complete checkpoint in <see cref="OutputDirectory"/>.</summary>
    public bool Resume { get; init; }

    /// <summary>Seeds the initial weights and every batch; null: 1, or the checkpoint's seed when resuming.</summary>
    public int? Seed { get; init; }

    /// <summary>Validate every N iterations (0: only at the end); needs <see cref="ValidationHrDirectory"/>.</summary>
    public long ValidateEvery { get; init; } = 1000;

    /// <summary>Write last.ckpt every N iterations (0: only at the end and on interruption).</summary>
    public long SaveEvery { get; init; } = 1000;

    /// <summary>A metrics.csv row and a progress line every N iterations.</summary>
    public long LogEvery { get; init; } = 100;

    /// <summary>Clip the global gradient norm to this (torch.nn.utils.clip_grad_norm_); null: no clipping.</summary>
    public float? ClipGradNorm { get; init; }

    /// <summary>L2 penalty added to the gradient (torch.optim.Adam's weight_decay).</summary>
    public double WeightDecay { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// S: every global batch is cut into S equal slices whose gradients are summed in a fixed tree (see
    /// docs/distributed.md); null: 1, or the number of ranks of a distributed run. One rank with S slices
    /// computes what S ranks (or any power-of-two number of ranks dividing S) compute, bit for bit.
    /// </summary>
    public int? GradientSlices { get; init; }

    /// <summary>Background threads that cut and augment batches.</summary>
    public int DataWorkers { get; init; } = Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    /// <summary>Ready batches kept ahead of the training loop (the bounded queue).</summary>
    public int PrefetchBatches { get; init; } = 4;

    /// <summary>Device memory bound for validation tiles (the device's own cap is set when it is opened).</summary>
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Checks what can be checked before anything is loaded.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
                throw new SuperResException(message);
        }
        Require(Iterations >= 1, $"--iters must be at least 1, not {Iterations}");
        Require(BatchSize >= 1, $"--batch must be at least 1, not {BatchSize}");
        Require(Patch >= 1, $"--patch must be at least 1, not {Patch}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"--lr must be a positive number, not {LearningRate.ToString(CultureInfo.InvariantCulture)}");
        Require(ValidateEvery >= 0 && SaveEvery >= 0 && LogEvery >= 1, "--val-every and --save-every cannot be negative");
        Require(ClipGradNorm is null || ClipGradNorm > 0, "--clip-grad must be positive");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "--weight-decay cannot be negative");
        Require(GradientSlices is null || (GradientSlices >= 1 && BatchSize % GradientSlices == 0),
            $"--grad-slices {GradientSlices} must be at least 1 and divide --batch {BatchSize}");
        Require(DataWorkers >= 1 && PrefetchBatches >= 1, "need at least one data worker and one prefetched batch");
        Require(ValidationLrDirectory is null || ValidationHrDirectory is not null, "a validation LR folder needs the HR folder too");
        Gan?.Validate();
    }
}

/// <summary>
/// The learning rate as a function of the iteration: <c>step:N:G</c> multiplies the base rate by G every N
/// iterations (EDSR: step:200000:0.5), <c>cosine</c> anneals it to 0 (or <c>cosine:MIN</c>) over the run,
/// <c>constant</c> keeps it. The rate of step i (1-based) is <c>At(i − 1)</c>: it depends on completed steps.
/// </summary>
public sealed record LrSchedule(string Kind, long StepSize, double Gamma, double Minimum)
{
    public static LrSchedule Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        var inv = CultureInfo.InvariantCulture;
        switch (parts[0])
        {
            case "constant" when parts.Length == 1:
                return new("constant", 0, 1, 0);
            case "cosine" when parts.Length <= 2:
                double min = 0;
                if (parts.Length == 2 && (!double.TryParse(parts[1], NumberStyles.Float, inv, out min) || min < 0))
                    throw new SuperResException($"schedule '{text}': cosine:MIN needs a non-negative minimum rate");
                return new("cosine", 0, 1, min);
            case "step" when parts.Length == 3:
                if (!long.TryParse(parts[1], NumberStyles.Integer, inv, out long every) || every < 1)
                    throw new SuperResException($"schedule '{text}': the step size must be a positive number of iterations");
                if (!double.TryParse(parts[2], NumberStyles.Float, inv, out double gamma) || !(gamma > 0))
                    throw new SuperResException($"schedule '{text}': the factor must be a positive number");
                return new("step", every, gamma, 0);
            default:
                throw new SuperResException($"schedule '{text}': use step:EVERY:FACTOR (e.g. step:200000:0.5), cosine, cosine:MIN or constant");
        }
    }

    /// <summary>The rate after <paramref name="completed"/> of <paramref name="total"/> steps.</summary>
    public double At(double baseRate, long completed, long total) => Kind switch
    {
        "step" => baseRate * Math.Pow(Gamma, completed / StepSize),
        "cosine" => Minimum + (baseRate - Minimum) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(completed, total) / Math.Max(total, 1))),
        _ => baseRate,
    };

    public override string ToString() => Kind switch
    {
        "step" => $"step:{StepSize.ToString(CultureInfo.InvariantCulture)}:{Gamma.ToString("R", CultureInfo.InvariantCulture)}",
        "cosine" => Minimum == 0 ? "cosine" : $"cosine:{Minimum.ToString("R", CultureInfo.InvariantCulture)}",
        _ => "constant",
    };
}
