using SuperRes.Tensors.Autograd;
using SuperRes.Tensors.Primitives;

namespace SuperRes.Tensors;

/// <summary>
/// A float32 tensor (NCHW for images) in one device's memory, with an optional gradient.
/// Lifetime: <see cref="Dispose"/> drops the caller's reference; the memory goes back to the device pool
/// once no autograd node still holds the tensor for its backward pass. Dispose is idempotent.
/// </summary>
public sealed class Tensor : IDisposable
{
    private DeviceBuffer? _buffer;
    private bool _released;
    private int _savedByNodes;

    private Tensor(Shape shape, DeviceBuffer buffer, bool requiresGrad)
    {
        Shape = shape;
        _buffer = buffer;
        RequiresGrad = requiresGrad;
    }

    public Shape Shape { get; }

    public long Length => Shape.Length;

    public Device Device => Buffer.Device;

    public DeviceBuffer Buffer =>
        _buffer ?? throw new ObjectDisposedException(nameof(Tensor), $"tensor {Shape}{(Name is null ? "" : " '" + Name + "'")} was used after it was released");

    /// <summary>Parameters and anything computed from them with autograd enabled.</summary>
    public bool RequiresGrad { get; internal set; }

    /// <summary>Accumulated gradient of the last <see cref="Backward"/> (leaves only; intermediate gradients are freed).</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The autograd node that produced this tensor, or null for a leaf.</summary>
    public GradNode? Creator { get; internal set; }

    public bool IsLeaf => Creator is null;

    /// <summary>Optional name used in error messages (parameters get their dotted name).</summary>
    public string? Name { get; set; }

    public bool IsDisposed => _buffer is null;

    /// <summary>Uninitialised memory: every element must be written before it is read.</summary>
    public static Tensor Empty(Device device, Shape shape, bool requiresGrad = false) =>
        new(shape, device.Allocate(shape.Length), requiresGrad);

    public static Tensor Zeros(Device device, Shape shape, bool requiresGrad = false) => Full(device, shape, 0f, requiresGrad);

    public static Tensor Full(Device device, Shape shape, float value, bool requiresGrad = false)
    {
        var t = Empty(device, shape, requiresGrad);
        Elementwise.Fill(t.Buffer, value, t.Length);
        return t;
    }

    public static Tensor FromArray(Device device, Shape shape, ReadOnlySpan<float> data, bool requiresGrad = false)
    {
        if (data.Length != shape.Length)
            throw new ArgumentException($"{data.Length} values cannot fill a tensor of shape {shape} ({shape.Length} elements)");
        var t = Empty(device, shape, requiresGrad);
        device.Write(t.Buffer, data);
        return t;
    }

    public static Tensor FromArray(Device device, int[] shape, ReadOnlySpan<float> data, bool requiresGrad = false) =>
        FromArray(device, new Shape(shape), data, requiresGrad);

    /// <summary>Copies the values to a new host array (waits for queued work).</summary>
    public float[] ToArray() => Device.Download(Buffer) is var all && all.Length == Length ? all : all[..(int)Length];

    /// <summary>Overwrites the values from host memory (weight loading, checkpoints).</summary>
    public void CopyFrom(ReadOnlySpan<float> data)
    {
        if (data.Length != Length)
            throw new ArgumentException($"{data.Length} values cannot fill tensor {Name ?? ""} of shape {Shape}");
        Device.Write(Buffer, data);
    }

    /// <summary>A new tensor with the same values, detached from autograd.</summary>
    public Tensor Clone()
    {
        var t = Empty(Device, Shape);
        Elementwise.Copy(Buffer, t.Buffer, Length);
        return t;
    }

    /// <summary>Runs reverse-mode autograd from this scalar (one-element) tensor.</summary>
    public void Backward() => Tape.Backward(this);

    /// <summary>
    /// PyTorch's <c>requires_grad_()</c> for a leaf: off, later ops record nothing for it (a frozen network, a
    /// discriminator held fixed during the generator's step); on, it collects gradients again. <see cref="Grad"/> is
    /// left as it is.
    /// </summary>
    public Tensor SetRequiresGrad(bool on)
    {
        if (!IsLeaf)
            throw new InvalidOperationException($"tensor {Shape}{(Name is null ? "" : " '" + Name + "'")} was computed by an op; only leaves (parameters, inputs) can change requires_grad");
        RequiresGrad = on;
        return this;
    }

    /// <summary>Drops the gradient (optimisers call this before the next step).</summary>
    public void ZeroGrad()
    {
        Grad?.Dispose();
        Grad = null;
    }

    public void Dispose()
    {
        if (_released)
            return;
        _released = true;
        FreeIfUnused();
    }

    /// <summary>
    /// A new tensor (no gradient, no creator) that owns this one's memory, leaving this one released; null when a node
    /// still keeps this one for its backward pass or it has a gradient of its own (then its memory cannot move).
    /// </summary>
    internal Tensor? TryMoveToNew()
    {
        if (_savedByNodes != 0 || Grad is not null || _buffer is null)
            return null;
        var moved = new Tensor(Shape, Buffer, requiresGrad: false);
        _buffer = null;
        _released = true;
        return moved;
    }

    internal void RetainForBackward() => _savedByNodes++;

    internal void ReleaseFromBackward()
    {
        _savedByNodes--;
        FreeIfUnused();
    }

    private void FreeIfUnused()
    {
        if (_released && _savedByNodes == 0 && _buffer is not null)
        {
            _buffer.Dispose();
            _buffer = null;
            // A non-leaf's gradient may still be on its way to the node that created it: the tape owns that one.
            if (Creator is null)
            {
                Grad?.Dispose();
                Grad = null;
            }
        }
    }

    public override string ToString() => $"Tensor{Shape} on {(_buffer is null ? "(released)" : Device.Info.Id)}";
}
