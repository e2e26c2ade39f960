using System.Globalization;
using SuperRes.Models.Networks;

namespace SuperRes.Training;

/// <summary>
/// The content term of an adversarial run's generator loss: a pixel loss (MSE, L1) between SR and HR, or the
/// MSE between VGG19 feature maps of SR and HR (<c>vgg54</c>: φ5,4 after its ReLU, as SRGAN; <c>vgg54-pre</c>:
/// before it, as ESRGAN; likewise <c>vgg22</c>, …).
/// </summary>
public sealed record ContentLoss(string Kind, int Block, int Conv, bool BeforeActivation)
{
    public static readonly ContentLoss Mse = new("mse", 0, 0, false), L1 = new("l1", 0, 0, false);

    public bool IsVgg => Kind == "vgg";

    public static ContentLoss Parse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "mse") return Mse;
        if (t == "l1") return L1;
        bool before = t.EndsWith("-pre", StringComparison.Ordinal);
        string layer = before ? t[..^4] : t;
        if (layer.Length == 5 && layer.StartsWith("vgg", StringComparison.Ordinal) && layer[3] is >= '1' and <= '5' && layer[4] is >= '1' and <= '4'
            && (layer[3] > '2' || layer[4] <= '2'))
            return new("vgg", layer[3] - '0', layer[4] - '0', before);
        throw new SuperResException($"--content '{text}': use mse, l1 or vggIJ[-pre] (VGG19 block I, conv J: vgg54 as SRGAN, vgg54-pre as ESRGAN; blocks 1-2 have 2 convs, 3-5 have 4)");
    }

    public override string ToString() => IsVgg ? $"vgg{Block}{Conv}{(BeforeActivation ? "-pre" : "")}" : Kind;
}

/// <summary>
/// What turns a <c>superres train</c> run adversarial (<c>--model srgan</c>): the generator (the zoo network
/// being trained) minimises <c>content_weight · content + adversarial_weight · BCE(D(SR), 1)</c>, a
/// discriminator with its own Adam minimises <c>BCE(D(HR), 1) + BCE(D(SR), 0)</c>, in alternating steps.
/// </summary>
public sealed record GanOptions
{
    public ContentLoss Content { get; init; } = ContentLoss.Mse;

    public double ContentWeight { get; init; } = 1;

    /// <summary>The paper's 10⁻³.</summary>
    public double AdversarialWeight { get; init; } = 1e-3;

    /// <summary>torchvision vgg19 weights (required for a VGG content loss; nothing is downloaded).</summary>
    public string? VggWeights { get; init; }

    /// <summary>The discriminator's base learning rate; null: the generator's. It follows the same schedule.</summary>
    public double? DiscriminatorLearningRate { get; init; }

    /// <summary>Discriminator configuration overrides (e.g. a narrower one for a small budget).</summary>
    public ModelOptions DiscriminatorOptions { get; init; } = ModelOptions.Empty;

    public void Validate()
    {
        var inv = CultureInfo.InvariantCulture;
        if (!(ContentWeight >= 0 && double.IsFinite(ContentWeight)) || !(AdversarialWeight >= 0 && double.IsFinite(AdversarialWeight)) || ContentWeight + AdversarialWeight == 0)
            throw new SuperResException($"--content-weight {ContentWeight.ToString(inv)} and --adv-weight {AdversarialWeight.ToString(inv)} must be non-negative and not both 0");
        if (DiscriminatorLearningRate is { } d && !(d > 0 && double.IsFinite(d)))
            throw new SuperResException($"--d-lr must be a positive number, not {d.ToString(inv)}");
        if (Content.IsVgg && VggWeights is null)
            throw new SuperResException($"--content {Content} needs --vgg-weights FILE (torchvision's vgg19 state dict; nothing is downloaded)");
        if (!Content.IsVgg && VggWeights is not null)
            throw new SuperResException($"--vgg-weights is only used with a VGG content loss (--content vgg54, …), not {Content}");
        if (VggWeights is not null && !File.Exists(VggWeights))
            throw new SuperResException($"--vgg-weights {VggWeights}: no such file");
    }
}

/// <summary>
/// Means over the steps since the last report: the generator's content and (unweighted) adversarial losses, the
/// discriminator's loss, and its mean probabilities D(HR) and D(SR) (sigmoid of the logits).
/// </summary>
public sealed record GanMetrics(double Content, double Adversarial, double DiscriminatorLoss, double DReal, double DFake);
