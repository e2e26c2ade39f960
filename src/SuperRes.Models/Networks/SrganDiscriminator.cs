using SuperRes.Models.Modules;
using SuperRes.Tensors;

namespace SuperRes.Models.Networks;

/// <summary>
/// The SRGAN discriminator (Ledig et al. 2017, figure 4): eight 3×3 convolutions of F, F, 2F, 2F, 4F, 4F, 8F, 8F
/// channels (F = 64), stride 2 on every second one, batch norm after all but the first, LeakyReLU(0.2); then dense
/// 8F·6·6 → H (H = 1024), LeakyReLU(0.2), dense H → 1: one logit per image (real &gt; 0, fake &lt; 0; no sigmoid,
/// train it with <see cref="Ops.BceWithLogitsLoss(Tensor, Tensor)"/>). Input RGB in [0, 1], as the generator outputs.
/// <para>
/// Parameter names are those of SRGAN-PyTorch's (Lornatang) <c>Discriminator</c>, whose SRResNet keys the zoo's
/// <see cref="SrResNet"/> already uses: <c>features.{0,2,3,5,6,…,20,21}</c> (convolutions and batch norms, the
/// first convolution the only one with a bias) and <c>classifier.{0,2}</c> (the dense layers), so its checkpoints load.
/// </para>
/// <para>
/// Input size: the paper's 96×96 patches end as 6×6 maps, flattened as they are. Any other size goes through an
/// adaptive average pooling to 6×6 (PyTorch's <c>nn.AdaptiveAvgPool2d((6, 6))</c>) before the dense layers, so one
/// set of weights serves every patch size; at 96×96 that pooling is the identity and is skipped. Inputs of at least
/// 16×16 are accepted (each stride-2 layer needs a side of 2).
/// </para>
/// Options: <c>features</c> (F, 64), <c>hidden</c> (H, 1024).
/// </summary>
public sealed class SrganDiscriminator : Module
{
    /// <summary>Registry name, written to a weight file's metadata.</summary>
    public const string ArchitectureName = "srgan-discriminator";

    /// <summary>The side of the feature map the dense layers take (96 / 2⁴).</summary>
    public const int PooledSide = 6;

    /// <summary>The smallest input side accepted.</summary>
    public const int MinInputSide = 16;

    public static readonly IReadOnlyList<string> OptionNames = ["features", "hidden"];

    private readonly Sequential _features, _classifier;

    public SrganDiscriminator(Device device, ModelOptions? options = null) : base(device)
    {
        Options = options ?? ModelOptions.Empty;
        Options.RequireOnly(ArchitectureName, [.. OptionNames]);
        Features = Options.Int("features", 64);
        Hidden = Options.Int("hidden", 1024);
        int[] widths = [Features, Features, 2 * Features, 2 * Features, 4 * Features, 4 * Features, 8 * Features, 8 * Features];
        var layers = new List<Module> { new Conv2d(device, 3, widths[0], 3), new LeakyRelu(device, Slope) };
        for (int i = 1; i < widths.Length; i++)
        {
            layers.Add(new Conv2d(device, widths[i - 1], widths[i], 3, stride: i % 2 == 1 ? 2 : 1, bias: false));
            layers.Add(new BatchNorm2d(device, widths[i]));
            layers.Add(new LeakyRelu(device, Slope));
        }
        _features = Register("features", new Sequential(device, layers));
        _classifier = Register("classifier", new Sequential(device,
            new Linear(device, widths[^1] * PooledSide * PooledSide, Hidden),
            new LeakyRelu(device, Slope),
            new Linear(device, Hidden, 1)));
    }

    /// <summary>LeakyReLU's negative slope everywhere in the network.</summary>
    public const float Slope = 0.2f;

    public ModelOptions Options { get; }

    /// <summary>Channels of the first convolution (F).</summary>
    public int Features { get; }

    /// <summary>Width of the hidden dense layer (H).</summary>
    public int Hidden { get; }

    /// <summary>Metadata that identifies the network in a safetensors file (<see cref="Weights.ModuleWeights.Save"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata()
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { [Weights.NetworkWeights.ArchitectureKey] = ArchitectureName };
        foreach (var (k, v) in Options.Values)
            meta[Weights.NetworkWeights.ConfigPrefix + k] = v;
        return meta;
    }

    /// <summary>[N, 3, H, W] RGB in [0, 1] → [N, 1] logits.</summary>
    protected override Tensor ForwardCore(Tensor x)
    {
        if (x.Shape.Rank != 4 || x.Shape.C != 3 || x.Shape.H < MinInputSide || x.Shape.W < MinInputSide)
            throw new SuperResException($"{ArchitectureName}: input {x.Shape} is not an RGB batch [N, 3, H, W] of at least {MinInputSide}×{MinInputSide}");
        Tensor flat;
        using (var maps = _features.Forward(x))
        {
            if (maps.Shape.H == PooledSide && maps.Shape.W == PooledSide)
            {
                flat = Ops.Flatten(maps);
            }
            else
            {
                using var pooled = Ops.AdaptiveAvgPool2d(maps, PooledSide, PooledSide);
                flat = Ops.Flatten(pooled);
            }
        }
        using (flat)
            return _classifier.Forward(flat);
    }
}
