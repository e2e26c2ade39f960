using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SuperRes.Models.Networks;
using SuperRes.Training;
using SuperRes.Training.Distributed;

namespace SuperRes.Cli.Commands;

/// <summary>
/// <c>superres train</c>: trains a zoo network on a folder of images with our own kernels (Adam, L1/MSE,
/// checkpoints that resume bit for bit, validation, metrics.csv and curves.svg). See docs/training.md.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model", "-m") { Description = "Network to train (see `superres models`), or srgan: SRResNet trained adversarially", Required = true };
        var scale = new Option<int>("--scale", "-s") { Description = "Upscaling factor (MDSR trains x2, x3 and x4 and validates this one)", Required = true };
        var options = new Option<string?>("--options") { Description = "Network configuration overrides, e.g. blocks=8,features=32", HelpName = "k=v,..." };
        var data = new Option<string>("--data") { Description = "Folder of HR training images (PNG, BMP, JPEG)", Required = true, HelpName = "dir" };
        var lrData = new Option<string?>("--lr-data") { Description = "Folder of matching LR images (ours, or DIV2K's X2/0001x2.png) [default: made from HR by MATLAB bicubic]", HelpName = "dir" };
        var val = new Option<string?>("--val") { Description = "Validation set: HR folder, optionally ,LR folder", HelpName = "hr[,lr]" };
        var output = new Option<string>("--out", "-o") { Description = "Run folder: checkpoints, best/final weights, metrics.csv, curves.svg", Required = true, HelpName = "dir" };
        var iters = new Option<long>("--iters") { Description = "Total iterations (optimiser steps)", DefaultValueFactory = _ => 300_000 };
        var batch = new Option<int>("--batch") { Description = "Patches per batch", DefaultValueFactory = _ => 16 };
        var patch = new Option<int>("--patch") { Description = "LR patch side (the HR patch is patch·scale)", DefaultValueFactory = _ => 48 };
        var lr = new Option<double>("--lr") { Description = "Base learning rate", DefaultValueFactory = _ => 1e-4 };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: step:EVERY:FACTOR, cosine[:MIN] or constant", DefaultValueFactory = _ => "step:200000:0.5" };
        var loss = new Option<string?>("--loss") { Description = "Loss: l1 or mse [default: l1]" };
        loss.AcceptOnlyFromAmong("l1", "mse");
        var initFrom = new Option<string?>("--init-from") { Description = "Start from these weights, loaded non-strict (e.g. a x2 model for x3/x4: all but the upsampler)", HelpName = "file" };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's last complete checkpoint" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the initial weights and of every batch [default: 1, or the checkpoint's]" };
        var valEvery = new Option<long>("--val-every") { Description = "Validate every N iterations (and at the end)", DefaultValueFactory = _ => 1000 };
        var saveEvery = new Option<long>("--save-every") { Description = "Checkpoint every N iterations (and at the end and on Ctrl-C)", DefaultValueFactory = _ => 1000 };
        var logEvery = new Option<long>("--log-every") { Description = "A metrics.csv row (and a progress line when not on a terminal) every N iterations", DefaultValueFactory = _ => 100 };
        var clip = new Option<float?>("--clip-grad") { Description = "Clip the global gradient norm to this", HelpName = "norm" };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 penalty added to the gradient (as torch.optim.Adam)", DefaultValueFactory = _ => 0 };
        var workers = new Option<int?>("--workers") { Description = "Background threads preparing batches [default: half the cores, 1 to 4]" };
        var distributed = new Option<string>("--distributed") { Description = "Data-parallel over the ranks of mpirun: none, mpi (CPU processes and hosts) or nccl (one GPU per rank); see docs/distributed.md", DefaultValueFactory = _ => "none" };
        distributed.AcceptOnlyFromAmong("none", "mpi", "nccl");
        var gradSlices = new Option<int?>("--grad-slices") { Description = "Cut each batch into S slices whose gradients are summed in a fixed tree; one rank with S slices equals S ranks bit for bit [default: the number of ranks]", HelpName = "S" };
        var command = new Command("train", "Train a network on a folder of images (Adam, L1/MSE or adversarial, checkpoints, validation)")
        {
            model, scale, options, data, lrData, val, output, iters, batch, patch, lr, schedule, loss, initFrom, resume, seed,
            valEvery, saveEvery, logEvery, clip, weightDecay, workers, distributed, gradSlices,
        };
        var gan = new GanArguments();
        foreach (var option in gan.Options)
            command.Options.Add(option);
        var device = DeviceOptions.AddTo(command);
        command.SetHandler(context, parse =>
        {
            var (valHr, valLr) = SplitVal(parse.GetValue(val));
            string modelName = parse.GetValue(model)!;
            var adversarial = gan.Read(parse, modelName, parse.GetValue(loss));
            var settings = new TrainingOptions
            {
                Model = adversarial is null ? modelName : GanArguments.Generator,
                Gan = adversarial,
                Scale = parse.GetValue(scale),
                ModelOptions = ModelOptions.Parse(parse.GetValue(options)),
                DataDirectory = parse.GetValue(data)!,
                LrDataDirectory = parse.GetValue(lrData),
                ValidationHrDirectory = valHr,
                ValidationLrDirectory = valLr,
                OutputDirectory = parse.GetValue(output)!,
                Iterations = parse.GetValue(iters),
                BatchSize = parse.GetValue(batch),
                Patch = parse.GetValue(patch),
                LearningRate = parse.GetValue(lr),
                Schedule = LrSchedule.Parse(parse.GetValue(schedule)!),
                Loss = parse.GetValue(loss) == "mse" ? LossKind.Mse : LossKind.L1,
                InitFrom = parse.GetValue(initFrom),
                Resume = parse.GetValue(resume),
                Seed = parse.GetValue(seed),
                ValidateEvery = parse.GetValue(valEvery),
                SaveEvery = parse.GetValue(saveEvery),
                LogEvery = parse.GetValue(logEvery),
                ClipGradNorm = parse.GetValue(clip),
                WeightDecay = parse.GetValue(weightDecay),
                DataWorkers = parse.GetValue(workers) ?? Math.Clamp(Environment.ProcessorCount / 2, 1, 4),
                MaxMemoryBytes = parse.GetValue(device.MaxMemory),
                GradientSlices = parse.GetValue(gradSlices),
            };
            settings.Validate();
            var backend = Collectives.Parse(parse.GetValue(distributed)!);
            using var dev = DistributedTraining.OpenDevice(parse, device, context, backend);
            return DistributedTraining.Run(context, backend, dev, collective => Train(context, dev, settings, collective));
        });
        return command;
    }

    /// <summary>One rank's run; rank 0 alone prints (and, in the trainer, writes the run folder).</summary>
    private static int Train(CliContext context, Runtime.Device dev, TrainingOptions settings, ICollective collective)
    {
        bool speaks = collective.Rank == 0;
        using var trainer = Trainer.Create(dev, settings, line => { if (speaks) context.Out.WriteLine(line); }, collective);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The first Ctrl-C finishes the current step and saves; a second one ends the process at once.
            if (cancel.IsCancellationRequested)
                return;
            e.Cancel = true;
            cancel.Cancel();
            context.Err.WriteLine("stopping after this step (Ctrl-C again to abort without saving)…");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (!speaks)
            {
                trainer.Run(cancel.Token);
                return ExitCodes.Ok;
            }
            var summary = Run(context, trainer, cancel.Token);
            Print(context, trainer, summary);
            return ExitCodes.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs the trainer with a live progress bar on a terminal, periodic lines elsewhere.</summary>
    internal static TrainingSummary Run(CliContext context, Trainer trainer, CancellationToken token)
    {
        bool interactive = context.Out.Profile.Capabilities.Interactive;
        TrainingSummary summary = null!;
        int total = (int)Math.Min(int.MaxValue, Math.Max(1, trainer.RemainingIterations));
        context.Progress(total, (advance, describe) =>
        {
            describe("training");
            summary = trainer.Run(token, new Observer(context, interactive, advance, describe));
        });
        return summary;
    }

    private sealed class Observer(CliContext context, bool interactive, Action advance, Action<string> describe) : ITrainingObserver
    {
        public void Info(string message) => context.Out.WriteLine(message);

        public void Progress(TrainingProgress p)
        {
            if (interactive)
            {
                advance();
                var inv = CultureInfo.InvariantCulture;
                describe($"{p.Iteration}/{p.Total} loss {p.Loss.ToString("G4", inv)} {p.ItersPerSecond.ToString("F1", inv)} it/s" +
                         (p.LastPsnr is { } psnr ? $" val {psnr.ToString("F2", inv)} dB" : ""));
            }
            else if (p.IsLogPoint)
            {
                context.Out.WriteLine(p.Describe());
            }
        }
    }

    private static void Print(CliContext context, Trainer trainer, TrainingSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        static string Time(TimeSpan t) => $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}";
        var net = trainer.Network;
        string what = s.Outcome == TrainingOutcome.Interrupted ? "interrupted" : "done";
        string kind = trainer.Discriminator is null ? "" : " against the SRGAN discriminator";
        context.Out.WriteLine($"{what}: {net.Architecture} x{trainer.Options.Scale}{kind}, iterations {s.StartIteration} → {s.Iteration} of {s.Iterations} in {Time(s.Wall)} (training {Time(s.TrainTime)})");
        context.Out.WriteLine($"  {s.ItersPerSecond.ToString("F2", inv)} iterations/s, {s.ImagesPerSecond.ToString("F1", inv)} images/s (patches), " +
                              $"data wait {s.DataWaitPercent.ToString("F1", inv)}% of training time" +
                              (s.LastLoss is { } l ? $", last loss {l.ToString("G5", inv)}" : ""));
        if (s.BestPsnr is { } best)
            context.Out.WriteLine($"  best validation PSNR {best.ToString("F3", inv)} dB, SSIM {(s.BestSsim ?? 0).ToString("F4", inv)} at iteration {s.BestIteration} → {Path.Combine(trainer.Options.OutputDirectory, Trainer.BestName)}");
        if (s.FinalWeightsPath is not null)
            context.Out.WriteLine($"  final weights: {s.FinalWeightsPath}");
        context.Out.WriteLine($"  checkpoint: {s.CheckpointPath}; metrics: {Path.Combine(trainer.Options.OutputDirectory, MetricsLog.CsvName)}, {Path.Combine(trainer.Options.OutputDirectory, MetricsLog.PlotName)}");
    }

    private static (string? Hr, string? Lr) SplitVal(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (null, null);
        int comma = text.IndexOf(',');
        return comma < 0 ? (text, null) : (text[..comma], text[(comma + 1)..]);
    }
}
