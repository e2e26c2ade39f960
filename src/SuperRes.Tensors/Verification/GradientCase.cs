namespace SuperRes.Tensors.Verification;

/// <summary>
/// Runs an op through autograd on a check context: uploads the inputs (those flagged as differentiable get
/// requires_grad), applies <c>forward</c>, seeds the output gradient with <c>upstream</c> and returns, in order,
/// the forward output followed by the gradient of each differentiable input.
/// </summary>
public static class GradientCase
{
    public sealed record Input(int[] Shape, float[] Data, bool Differentiable = true);

    public static float[][] Run(CheckContext ctx, IReadOnlyList<Input> inputs, Func<Tensor[], Tensor> forward, float[] upstream)
    {
        var tensors = inputs
            .Select(i => ctx.Own(Tensor.FromArray(ctx.Device, i.Shape, i.Data, requiresGrad: i.Differentiable)))
            .ToArray();
        var output = ctx.Own(forward(tensors));
        if (output.Length != upstream.Length)
            throw new ArgumentException($"upstream gradient has {upstream.Length} values for an output of shape {output.Shape}");
        var result = new List<float[]> { output.ToArray() };
        Autograd.Tape.Backward(output, Tensor.FromArray(ctx.Device, output.Shape, upstream));
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].Differentiable)
                continue;
            var grad = tensors[i].Grad ?? throw new InvalidOperationException($"input {i} ({tensors[i].Shape}) received no gradient");
            result.Add(grad.ToArray());
        }
        return result.ToArray();
    }
}
