using System.Globalization;
using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;
using SuperRes.Tensors;

namespace SuperRes.Training;

/// <summary>
/// Prepares the discriminator side of an adversarial run (<see cref="TrainingOptions.Gan"/>): the discriminator
/// (fresh, seeded with the run's seed + 1, or from the checkpoint), its Adam with the run's settings, and the
/// content loss; checks that a checkpoint and the command line agree on being adversarial.
/// </summary>
internal static class GanSetup
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A checkpoint resumes only the kind of run that wrote it.</summary>
    public static void CheckCompatible(CheckpointData checkpoint, string path, TrainingOptions options, Action<string> note)
    {
        bool adversarial = checkpoint.Discriminator is not null;
        if (adversarial && options.Gan is null)
            throw new CheckpointException($"{path} is an adversarial (srgan) checkpoint: resume it with --model srgan");
        if (!adversarial && options.Gan is not null)
            throw new CheckpointException($"{path} has no discriminator: it is not an srgan run; start a new one with --init-from its weights");
        if (options.Gan is not { } g)
            return;
        var meta = checkpoint.Metadata;
        var differences = new List<string>();
        void Compare(string key, string now)
        {
            if (meta.TryGetValue(key, out var then) && then != now)
                differences.Add($"{key} {then} → {now}");
        }
        Compare("content", g.Content.ToString());
        Compare("content_weight", g.ContentWeight.ToString("R", Inv));
        Compare("adv_weight", g.AdversarialWeight.ToString("R", Inv));
        Compare("d_lr", (g.DiscriminatorLearningRate ?? options.LearningRate).ToString("R", Inv));
        string recorded = meta.GetValueOrDefault("d_options") ?? "";
        if (g.DiscriminatorOptions.Values.Count > 0 && g.DiscriminatorOptions.ToString() != ModelOptions.Parse(recorded).ToString())
            throw new CheckpointException($"{path} was trained with --d-options {(recorded.Length == 0 ? "(none)" : recorded)}, not {g.DiscriminatorOptions}");
        if (differences.Count > 0)
            note($"note: resuming with changed adversarial settings ({string.Join(", ", differences)}); the run will not match an uninterrupted one");
    }

    public static GanStep Create(Device device, TrainingOptions options, SrNetwork generator, AdamOptimizer generatorOptimizer, int seed,
        CheckpointData? checkpoint, Action<string> info)
    {
        var gan = options.Gan!;
        var discriminatorOptions = gan.DiscriminatorOptions;
        if (checkpoint is not null && discriminatorOptions.Values.Count == 0)
            discriminatorOptions = ModelOptions.Parse(checkpoint.Metadata.GetValueOrDefault("d_options"));
        Init.Seed(seed + 1);
        Module discriminator = new SrganDiscriminator(device, discriminatorOptions);
        AdamOptimizer? optimizer = null;
        IContentLoss? content = null;
        try
        {
            if (checkpoint?.Discriminator is { } state)
            {
                try
                {
                    discriminator.LoadStateDict(state.StateDict(), strict: true);
                }
                catch (StateDictMismatchException e)
                {
                    throw new CheckpointException($"the checkpoint's discriminator does not fit ({discriminatorOptions}): {e.Message}", e);
                }
            }
            discriminator.Train();
            optimizer = new AdamOptimizer(discriminator.NamedParameters(),
                new AdamSettings(options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.ClipGradNorm));
            if (checkpoint?.Discriminator is { } saved)
                optimizer.ImportState(saved.Adam);
            content = gan.Content.IsVgg
                ? VggContentLoss.Load(device, gan.Content, gan.VggWeights!)
                : new PixelContentLoss(gan.Content == ContentLoss.L1 ? LossKind.L1 : LossKind.Mse);
            info($"discriminator{(discriminatorOptions.Values.Count > 0 ? $" ({discriminatorOptions})" : "")}: {discriminator.ParameterCount():N0} parameters, " +
                 $"Adam lr {(gan.DiscriminatorLearningRate ?? options.LearningRate).ToString("G3", Inv)}; generator loss " +
                 $"{gan.ContentWeight.ToString("G3", Inv)}·{gan.Content} + {gan.AdversarialWeight.ToString("G3", Inv)}·BCE(D(SR), 1)");
            return new GanStep(device, generator, generatorOptimizer, discriminator, optimizer, gan, content);
        }
        catch
        {
            content?.Dispose();
            optimizer?.Dispose();
            discriminator.Dispose();
            throw;
        }
    }
}
