using System.CommandLine;
using SuperRes.Models.Networks;
using SuperRes.Training;

namespace SuperRes.Cli.Commands;

/// <summary>
/// The options of <c>superres train --model srgan</c>: adversarial training of the zoo's SRResNet against the
/// SRGAN discriminator (docs/training.md, "Adversarial training"). Given for any other model they are an error.
/// </summary>
internal sealed class GanArguments
{
    /// <summary>The model name that selects adversarial training; the generator trained is <see cref="Generator"/>.</summary>
    public const string ModelName = "srgan", Generator = "srresnet";

    private readonly Option<string?> _content = new("--content") { Description = "srgan: content loss mse, l1 or vggIJ[-pre] (VGG19 features, needs --vgg-weights) [default: mse]", HelpName = "loss" };
    private readonly Option<double?> _contentWeight = new("--content-weight") { Description = "srgan: weight of the content loss [default: 1]", HelpName = "w" };
    private readonly Option<double?> _adversarialWeight = new("--adv-weight") { Description = "srgan: weight of the adversarial loss BCE(D(SR), 1) [default: 1e-3]", HelpName = "w" };
    private readonly Option<string?> _vggWeights = new("--vgg-weights") { Description = "srgan: torchvision vgg19 weights for a VGG content loss (nothing is downloaded)", HelpName = "file" };
    private readonly Option<double?> _discriminatorLr = new("--d-lr") { Description = "srgan: the discriminator's base learning rate (same schedule) [default: --lr]" };
    private readonly Option<string?> _discriminatorOptions = new("--d-options") { Description = "srgan: discriminator configuration overrides (see docs/training.md)", HelpName = "k=v,..." };

    public IEnumerable<Option> Options => [_content, _contentWeight, _adversarialWeight, _vggWeights, _discriminatorLr, _discriminatorOptions];

    /// <summary>The adversarial settings for <c>--model srgan</c>; null for any other model, where giving them is an error.</summary>
    public GanOptions? Read(ParseResult parse, string model, string? loss)
    {
        var given = Options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToArray();
        if (!string.Equals(model, ModelName, StringComparison.OrdinalIgnoreCase))
        {
            if (given.Length > 0)
                throw new SuperResException($"{string.Join(", ", given)}: only for adversarial training (--model {ModelName}), not --model {model}");
            return null;
        }
        if (loss is not null)
            throw new SuperResException($"--loss is not used by --model {ModelName}: its generator loss is --content (mse, l1, vgg54) plus --adv-weight times the adversarial loss");
        var defaults = new GanOptions();
        return new GanOptions
        {
            Content = parse.GetValue(_content) is { } c ? ContentLoss.Parse(c) : defaults.Content,
            ContentWeight = parse.GetValue(_contentWeight) ?? defaults.ContentWeight,
            AdversarialWeight = parse.GetValue(_adversarialWeight) ?? defaults.AdversarialWeight,
            VggWeights = parse.GetValue(_vggWeights),
            DiscriminatorLearningRate = parse.GetValue(_discriminatorLr),
            DiscriminatorOptions = ModelOptions.Parse(parse.GetValue(_discriminatorOptions)),
        };
    }
}
