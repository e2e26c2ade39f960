using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors.Autograd;

/// <summary>
/// One recorded op: knows its inputs, keeps what its backward pass needs (<see cref="Save"/>), and turns the
/// gradient of its output into gradients of its inputs (<see cref="Backward"/>). Subclasses live next to their op.
/// </summary>
public abstract class GradNode
{
    private readonly List<Tensor> _saved = [];

    protected GradNode(string name, Tensor output, params Tensor[] inputs)
    {
        Name = name;
        Output = output;
        Inputs = inputs;
    }

    public string Name { get; }

    public Tensor Output { get; }

    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>Computes the input gradients from <paramref name="gradOutput"/> and hands them to <see cref="Accumulate"/>.</summary>
    protected internal abstract void Backward(Tensor gradOutput);

    /// <summary>Keeps <paramref name="tensor"/> alive until this node's backward pass has run.</summary>
    protected Tensor Save(Tensor tensor)
    {
        tensor.RetainForBackward();
        _saved.Add(tensor);
        return tensor;
    }

    /// <summary>Whether input <paramref name="index"/> wants a gradient (skip computing the others).</summary>
    protected bool NeedsGrad(int index) => Inputs[index].RequiresGrad;

    /// <summary>Adds <paramref name="grad"/> into the gradient of input <paramref name="index"/>, taking ownership of it.</summary>
    protected void Accumulate(int index, Tensor grad) => Accumulate(Inputs[index], grad);

    /// <summary>
    /// The gradient this node's <see cref="Backward"/> was given, as a tensor the node may hand on (to
    /// <see cref="Accumulate(int, Tensor)"/>): the tape owns gradOutput and frees it after Backward, so its memory
    /// moves to a new tensor and gradOutput is left released (a copy if something else still holds it). Use it at
    /// most once, after every other read of it.
    /// </summary>
    protected static Tensor TakeGradOutput(Tensor gradOutput) => gradOutput.TryMoveToNew() ?? gradOutput.Clone();

    internal static void Accumulate(Tensor target, Tensor grad)
    {
        if (!target.RequiresGrad)
        {
            grad.Dispose();
            return;
        }
        if (!grad.Shape.Equals(target.Shape))
            throw new InvalidOperationException($"gradient of shape {grad.Shape} for a tensor of shape {target.Shape}{(target.Name is null ? "" : $" ('{target.Name}')")}");
        if (target.Grad is null)
        {
            target.Grad = grad;
            return;
        }
        Elementwise.Axpy(1f, grad.Buffer, target.Grad.Buffer, grad.Length);
        grad.Dispose();
    }

    internal void ReleaseSaved()
    {
        foreach (var t in _saved)
            t.ReleaseFromBackward();
        _saved.Clear();
    }

    public override string ToString() => $"{Name} → {Output.Shape}";
}
