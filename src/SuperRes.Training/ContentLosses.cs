using SuperRes.Models.Networks;
using SuperRes.Tensors;

namespace SuperRes.Training;

/// <summary>The content term of an adversarial run's generator loss, as a [1] tensor on the tape.</summary>
internal interface IContentLoss : IDisposable
{
    Tensor Loss(Tensor sr, Tensor hr);
}

/// <summary>MSE or L1 between SR and HR pixels (SRGAN's "MSE-based" variant, no feature extractor).</summary>
internal sealed class PixelContentLoss(LossKind kind) : IContentLoss
{
    public Tensor Loss(Tensor sr, Tensor hr) => kind == LossKind.L1 ? Ops.L1Loss(sr, hr) : Ops.MseLoss(sr, hr);

    public void Dispose() { }
}

/// <summary>MSE between VGG19 feature maps of SR and HR (<see cref="VggFeatureLoss"/>, frozen, ImageNet-normalised).</summary>
internal sealed class VggContentLoss(VggFeatureLoss vgg) : IContentLoss
{
    /// <summary>Loads torchvision's vgg19 weights cut at the layer <paramref name="content"/> names (vgg54 → relu5_4, vgg54-pre → conv5_4).</summary>
    public static VggContentLoss Load(Device device, ContentLoss content, string weights) =>
        new(VggFeatureLoss.Load(device, weights, $"{(content.BeforeActivation ? "conv" : "relu")}{content.Block}_{content.Conv}"));

    public Tensor Loss(Tensor sr, Tensor hr) => vgg.Compute(sr, hr);

    public void Dispose() => vgg.Dispose();
}
