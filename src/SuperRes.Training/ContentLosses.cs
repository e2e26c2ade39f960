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
