using SuperRes.Models.Serialization;
using SuperRes.Tensors;
using SuperRes.Tensors.Autograd;

namespace SuperRes.Models.Modules;

/// <summary>
/// A network building block with named parameters (trainable tensors), named buffers (state that is saved but
/// not trained: BatchNorm running statistics, MeanShift constants) and named children. Dotted names follow
/// PyTorch's <c>state_dict</c> (<c>body.3.body.0.weight</c>), so checkpoints of the PyTorch implementations
/// load directly. Order is registration order: own parameters, own buffers, then children — as PyTorch.
/// </summary>
public abstract class Module : IDisposable
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];
    private readonly List<(string Name, Module Value)> _children = [];

    protected Module(Device device) => Device = device;

    public Device Device { get; }

    /// <summary>
    /// Training mode (BatchNorm uses batch statistics, forwards record the autograd tape); <see cref="Eval"/>
    /// switches every module to inference mode.
    /// </summary>
    public bool Training { get; private set; } = true;

    /// <summary>
    /// Runs the module. In evaluation mode (<see cref="Eval"/>) the forward records no autograd tape, as under
    /// <see cref="Tape.NoGrad"/>, so every intermediate is freed as soon as the module disposes it.
    /// </summary>
    public Tensor Forward(Tensor x) => InMode(x, ForwardCore);

    /// <summary>Runs <paramref name="forward"/> as <see cref="Forward(Tensor)"/> runs the module: without a tape in evaluation mode.</summary>
    protected Tensor InMode<TState>(TState state, Func<TState, Tensor> forward)
    {
        if (Training || !Tape.IsRecording || _recordInEvalDepth > 0)
            return forward(state);
        using var inference = Tape.NoGrad();
        return forward(state);
    }

    [ThreadStatic] private static int _recordInEvalDepth;

    /// <summary>
    /// Lets evaluation-mode forwards on this thread record the tape for the scope's lifetime: for gradients through
    /// a network with frozen BatchNorm statistics (what PyTorch's <c>model.eval()</c> then <c>backward()</c> computes).
    /// </summary>
    public static IDisposable RecordInEvalMode()
    {
        _recordInEvalDepth++;
        return new RecordInEvalScope();
    }

    private sealed class RecordInEvalScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _recordInEvalDepth--;
            }
        }
    }

    /// <summary>The computation of <see cref="Forward"/>: dispose each intermediate as soon as it is dead.</summary>
    protected abstract Tensor ForwardCore(Tensor x);

    public IReadOnlyList<(string Name, Module Value)> Children => _children;

    public Module Train(bool on = true)
    {
        Training = on;
        foreach (var (_, child) in _children)
            child.Train(on);
        return this;
    }

    public Module Eval() => Train(false);

    /// <summary>Every trainable tensor with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedParameters(string prefix = "") => Named(prefix, m => m._parameters);

    /// <summary>Every saved non-trainable tensor with its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedBuffers(string prefix = "") => Named(prefix, m => m._buffers);

    /// <summary>Parameters then buffers, module by module, in PyTorch's state_dict order.</summary>
    public IEnumerable<(string Name, Tensor Value)> NamedState(string prefix = "") =>
        Named(prefix, m => m._parameters.Concat(m._buffers));

    // This module's own tensors (as `own` selects them), then each child's under its dotted name.
    private IEnumerable<(string Name, Tensor Value)> Named(string prefix, Func<Module, IEnumerable<(string Name, Tensor Value)>> own)
    {
        foreach (var (name, t) in own(this))
            yield return (prefix + name, t);
        foreach (var (name, child) in _children)
            foreach (var item in child.Named(prefix + name + ".", own))
                yield return item;
    }

    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>
    /// Switches gradient collection for every parameter of the tree (PyTorch's <c>requires_grad_</c> on each):
    /// off freezes the module — a feature extractor used as a loss, a discriminator during the generator's step —
    /// while gradients still flow through it to its input.
    /// </summary>
    public Module SetRequiresGrad(bool on)
    {
        foreach (var p in Parameters())
            p.SetRequiresGrad(on);
        return this;
    }

    /// <summary>Number of trainable scalars (what the papers' parameter counts count).</summary>
    public long ParameterCount() => Parameters().Sum(p => p.Length);

    /// <summary>Copies every parameter and buffer to the host, keyed by dotted name.</summary>
    public IReadOnlyDictionary<string, HostTensor> StateDict()
    {
        var result = new OrderedDictionary<string, HostTensor>(StringComparer.Ordinal);
        foreach (var (name, t) in NamedState())
            result.Add(name, new HostTensor(t.Shape.ToArray(), t.ToArray()));
        return result;
    }

    /// <summary>
    /// Loads parameters and buffers by name. Strict (default): any missing key, unexpected key or shape mismatch
    /// fails the whole load, listing every problem; nothing is written. Non-strict: loads what matches and
    /// reports the rest. Keys PyTorch keeps that carry no state here (<c>num_batches_tracked</c>) are ignored.
    /// </summary>
    public StateDictReport LoadStateDict(IReadOnlyDictionary<string, HostTensor> state, bool strict = true) =>
        StateDictLoader.Load(this, state, strict);

    /// <summary>Called on every module of the tree after <see cref="LoadStateDict"/> wrote new values.</summary>
    protected internal virtual void OnStateLoaded() { }

    /// <summary>This module and all its descendants, depth first.</summary>
    public IEnumerable<Module> Modules()
    {
        yield return this;
        foreach (var (_, child) in _children)
            foreach (var m in child.Modules())
                yield return m;
    }

    protected T Register<T>(string name, T child) where T : Module
    {
        if (child.Device != Device)
            throw new ArgumentException($"module '{name}' is on {child.Device.Info.Id}, its parent on {Device.Info.Id}");
        _children.Add((name, child));
        return child;
    }

    /// <summary>
    /// Registers a trainable tensor and returns the parameter to keep. Create it with <c>requiresGrad: true</c>
    /// (<see cref="Tensor.FromArray(Device, Shape, ReadOnlySpan{float}, bool)"/>, <see cref="Init.Uniform"/>);
    /// a tensor created without it is copied into one that has it, and the original is disposed.
    /// </summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        if (!value.RequiresGrad)
        {
            var copy = Tensor.FromArray(value.Device, value.Shape, value.ToArray(), requiresGrad: true);
            copy.Name = value.Name;
            value.Dispose();
            value = copy;
        }
        value.Name ??= name;
        _parameters.Add((name, value));
        return value;
    }

    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        value.Name ??= name;
        _buffers.Add((name, value));
        return value;
    }

    public void Dispose()
    {
        foreach (var (_, p) in _parameters)
            p.Dispose();
        foreach (var (_, b) in _buffers)
            b.Dispose();
        foreach (var (_, c) in _children)
            c.Dispose();
        GC.SuppressFinalize(this);
    }
}
