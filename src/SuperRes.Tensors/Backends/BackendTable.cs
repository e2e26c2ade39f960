namespace SuperRes.Tensors.Backends;

/// <summary>
/// The implementations of one op, one per backend kind: a row of the op × backend table. Op code asks the
/// table for the device's implementation instead of testing device types, so a new backend is a new column
/// (one <see cref="With"/> per op), not an edit of every op.
/// </summary>
public sealed class BackendTable<TImpl> where TImpl : class
{
    private readonly Dictionary<BackendKind, TImpl> _implementations = new();

    public BackendTable(string op) => Op = op;

    /// <summary>The op's name, for messages.</summary>
    public string Op { get; }

    public IReadOnlyCollection<BackendKind> Backends => _implementations.Keys;

    /// <summary>Registers <paramref name="implementation"/> for each of <paramref name="kinds"/>.</summary>
    public BackendTable<TImpl> With(TImpl implementation, params BackendKind[] kinds)
    {
        foreach (var kind in kinds)
            if (!_implementations.TryAdd(kind, implementation))
                throw new InvalidOperationException($"{Op}: a {kind} implementation is registered twice");
        return this;
    }

    /// <summary>Registers the kernel implementation for every backend that compiles <c>kernels/</c> (CUDA, OpenCL).</summary>
    public BackendTable<TImpl> WithKernels(TImpl implementation) => With(implementation, BackendKind.Cuda, BackendKind.OpenCL);

    public TImpl For(Device device) =>
        _implementations.TryGetValue(device.Backend, out var implementation)
            ? implementation
            : throw new NotSupportedException($"{Op} has no implementation for the {device.Backend} backend ({device.Info.Id}); it has {string.Join(", ", Backends)}");
}
