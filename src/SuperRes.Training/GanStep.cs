using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Serialization;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Training;

/// <summary>
/// One SRGAN iteration on one batch, as BasicSR's SRGANModel: first the generator step — SR = G(LR),
/// <c>L_G = w_c · content(SR, HR) + w_a · BCE(D(SR), 1)</c>, Adam on G, with the discriminator frozen (its
/// parameters record no gradient; the gradient flows through it to SR) — then the discriminator step on the same
/// SR, detached: <c>L_D = BCE(D(HR), 1) + BCE(D(SR), 0)</c>, Adam on D. D stays in training mode
/// throughout (batch statistics; its running statistics move on each of its three forwards, as in PyTorch).
/// </summary>
internal sealed class GanStep : IDisposable
{
    private readonly Device _device;
    private readonly SrNetwork _generator;
    private readonly AdamOptimizer _generatorOptimizer;
    private readonly GanOptions _options;
    private readonly IContentLoss _content;
    private double _contentSum, _adversarialSum, _dLossSum, _dRealSum, _dFakeSum;
    private long _count;

    public GanStep(Device device, SrNetwork generator, AdamOptimizer generatorOptimizer, Module discriminator, AdamOptimizer discriminatorOptimizer,
        GanOptions options, IContentLoss content)
    {
        _device = device;
        _generator = generator;
        _generatorOptimizer = generatorOptimizer;
        Discriminator = discriminator;
        DiscriminatorOptimizer = discriminatorOptimizer;
        _options = options;
        _content = content;
    }

    public Module Discriminator { get; }

    public AdamOptimizer DiscriminatorOptimizer { get; }

    public GanOptions Options => _options;

    /// <summary>
    /// Both updates; returns the generator's total loss and the discriminator's loss (the caller checks them
    /// for divergence before anything else happens).
    /// </summary>
    public (float Generator, float Discriminator) Step(Batch batch, double generatorLr, double discriminatorLr)
    {
        using var x = Tensor.FromArray(_device, new Shape(batch.InputShape), batch.Input);
        using var hr = Tensor.FromArray(_device, new Shape(batch.TargetShape), batch.Target);
        float total, content, adversarial, dLoss;
        double dReal, dFake;
        try
        {
            using var sr = _generator.Forward(x);
            Discriminator.SetRequiresGrad(false);
            using (var contentLoss = _content.Loss(sr, hr))
            using (var fakeLogits = Discriminator.Forward(sr))
            using (var adversarialLoss = Ops.BceWithLogitsLoss(fakeLogits, 1f))
            using (var weightedContent = Ops.Scale(contentLoss, (float)_options.ContentWeight))
            using (var weightedAdversarial = Ops.Scale(adversarialLoss, (float)_options.AdversarialWeight))
            using (var loss = Ops.Add(weightedContent, weightedAdversarial))
            {
                loss.Backward();
                total = loss.ToArray()[0];
                content = contentLoss.ToArray()[0];
                adversarial = adversarialLoss.ToArray()[0];
            }
            Discriminator.SetRequiresGrad(true);
            if (!float.IsFinite(total))
                return (total, float.NaN);
            _generatorOptimizer.Step(generatorLr);

            using var fake = sr.Clone(); // detached: the discriminator step does not reach the generator
            using var realLogits = Discriminator.Forward(hr);
            using var realLoss = Ops.BceWithLogitsLoss(realLogits, 1f);
            using var fakeLogits2 = Discriminator.Forward(fake);
            using var fakeLoss = Ops.BceWithLogitsLoss(fakeLogits2, 0f);
            using var discriminatorLoss = Ops.Add(realLoss, fakeLoss);
            discriminatorLoss.Backward();
            dLoss = discriminatorLoss.ToArray()[0];
            dReal = MeanProbability(realLogits);
            dFake = MeanProbability(fakeLogits2);
        }
        catch
        {
            Discriminator.SetRequiresGrad(true);
            Tape.Clear();
            _generatorOptimizer.ZeroGrad();
            DiscriminatorOptimizer.ZeroGrad();
            throw;
        }
        if (!float.IsFinite(dLoss))
            return (total, dLoss);
        DiscriminatorOptimizer.Step(discriminatorLr);
        _contentSum += content;
        _adversarialSum += adversarial;
        _dLossSum += dLoss;
        _dRealSum += dReal;
        _dFakeSum += dFake;
        _count++;
        return (total, dLoss);
    }

    /// <summary>The means since the previous call (null when no step ran since), and starts a new interval.</summary>
    public GanMetrics? TakeMeans()
    {
        if (_count == 0)
            return null;
        var m = new GanMetrics(_contentSum / _count, _adversarialSum / _count, _dLossSum / _count, _dRealSum / _count, _dFakeSum / _count);
        _contentSum = _adversarialSum = _dLossSum = _dRealSum = _dFakeSum = 0;
        _count = 0;
        return m;
    }

    /// <summary>The discriminator's parameters, buffers and optimiser state, for the checkpoint.</summary>
    public NetworkState ExportState() => new(
        Discriminator.NamedParameters().ToDictionary(p => p.Name, p => HostOf(p.Value), StringComparer.Ordinal),
        Discriminator.NamedBuffers().ToDictionary(b => b.Name, b => HostOf(b.Value), StringComparer.Ordinal),
        DiscriminatorOptimizer.ExportState());

    private static HostTensor HostOf(Tensor t) => new(t.Shape.ToArray(), t.ToArray());

    private static double MeanProbability(Tensor logits) => logits.ToArray().Average(z => 1 / (1 + Math.Exp(-z)));

    public void Dispose()
    {
        DiscriminatorOptimizer.Dispose();
        Discriminator.Dispose();
        _content.Dispose();
    }
}
