using System.Globalization;
using SuperRes.Models.Serialization;
using SuperRes.Models.Weights;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Models.Networks;

/// <summary>How two feature maps are compared.</summary>
public enum FeatureDistance
{
    /// <summary>Mean squared difference (the SRGAN paper's VGG loss).</summary>
    Mse,

    /// <summary>Mean absolute difference (ESRGAN's perceptual loss).</summary>
    L1,
}

/// <summary>
/// The VGG19 feature ("perceptual") loss of SRGAN: mean distance between the VGG19 features of the super-resolved and
/// the HR image, both RGB in [0, 1], ImageNet-normalised first (mean 0.485/0.456/0.406, std 0.229/0.224/0.225).
/// The network is frozen (no parameter gradients); the loss's gradient flows to the super-resolved image only: the
/// HR features are computed without a tape. Owns its network.
/// </summary>
public sealed class VggFeatureLoss : IDisposable
{
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    // (x − mean) / std as one per-channel affine map.
    private static readonly float[] NormalizeScale = ImageNetStd.Select(s => 1f / s).ToArray();
    private static readonly float[] NormalizeShift = ImageNetMean.Zip(ImageNetStd, (m, s) => -m / s).ToArray();

    /// <summary>Takes ownership of <paramref name="network"/> and freezes its parameters.</summary>
    public VggFeatureLoss(Vgg19Features network, FeatureDistance distance = FeatureDistance.Mse)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        Distance = distance;
        // Training mode records the tape (VGG has no batch norm, so the mode changes nothing else).
        network.Train();
        network.SetRequiresGrad(false);
    }

    public Vgg19Features Network { get; }

    public FeatureDistance Distance { get; }

    /// <summary>
    /// Loads torchvision VGG19 weights (<c>torch.save(torchvision.models.vgg19(weights=…).state_dict(), path)</c>, any
    /// format the engine reads) cut at <paramref name="layer"/> (<see cref="Vgg19Features.LayersFor"/>: <c>relu5_4</c> the
    /// paper's φ5,4, <c>conv5_4</c> ESRGAN's). The widths come from the file (<c>features.0.weight</c>), so a reduced test
    /// checkpoint loads too; keys past the cut and the classifier's are ignored. Nothing is downloaded.
    /// </summary>
    /// <exception cref="SuperResException">The file lacks a layer the cut needs, or its shapes are not VGG19's.</exception>
    public static VggFeatureLoss Load(Device device, string path, string layer = "relu5_4", FeatureDistance distance = FeatureDistance.Mse)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(path);
        int layers = Vgg19Features.LayersFor(layer);
        var index = WeightFiles.Open(path);
        if (!index.Shapes.TryGetValue("features.0.weight", out var first) || first.Length != 4 || first[0] < 1 || 64 % first[0] != 0 || first[1] != 3)
            throw new SuperResException($"{path}: not a torchvision vgg19 state_dict: 'features.0.weight' is " +
                                        (first is null ? "missing" : $"[{string.Join("×", first)}], not [64/k×3×3×3]"));
        var network = new Vgg19Features(device, layers, 64 / first[0]);
        try
        {
            var report = ModuleWeights.Load(network, path, strict: false);
            var unexpected = report.Unexpected.Where(k => !IgnorableKey(k, layers)).ToList();
            if (report.Missing.Count > 0 || report.ShapeMismatches.Count > 0 || unexpected.Count > 0)
                throw new SuperResException($"{path}: the weights do not fit vgg19 features[:{layers}] (layer {layer}):\n" +
                                            new Modules.StateDictReport(report.Loaded, report.Missing, unexpected, report.ShapeMismatches).Describe());
            return new VggFeatureLoss(network, distance);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    // The classifier and the layers past the cut are in every torchvision checkpoint; nothing else may be extra.
    private static bool IgnorableKey(string key, int layers)
    {
        if (key.StartsWith("classifier.", StringComparison.Ordinal))
            return true;
        var parts = key.Split('.');
        return parts.Length == 3 && parts[0] == "features" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int i) && i >= layers;
    }

    /// <summary>VGG features of RGB images in [0, 1] ([N, 3, H, W], H and W at least 2^pools).</summary>
    public Tensor Features(Tensor rgb)
    {
        if (rgb.Shape.Rank != 4 || rgb.Shape.C != 3)
            throw new SuperResException($"vgg feature loss: input {rgb.Shape} is not an RGB batch [N, 3, H, W]");
        using var normalized = Ops.ChannelAffine(rgb, NormalizeScale, NormalizeShift);
        return Network.Forward(normalized);
    }

    /// <summary>The loss as a [1] tensor, with its gradient to <paramref name="superResolved"/>.</summary>
    public Tensor Compute(Tensor superResolved, Tensor highResolution)
    {
        if (!superResolved.Shape.Equals(highResolution.Shape))
            throw new SuperResException($"vgg feature loss: SR {superResolved.Shape} and HR {highResolution.Shape} differ in shape");
        Tensor target;
        using (Tape.NoGrad())
            target = Features(highResolution);
        using (target)
        using (var features = Features(superResolved))
            return Distance == FeatureDistance.Mse ? Ops.MseLoss(features, target) : Ops.L1Loss(features, target);
    }

    public void Dispose() => Network.Dispose();
}
