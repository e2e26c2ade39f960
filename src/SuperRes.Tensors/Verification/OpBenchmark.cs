namespace SuperRes.Tensors.Verification;

/// <summary>
/// One op at one shape the zoo runs it with, for the benchmark suite: <see cref="Setup"/> allocates random inputs
/// on a device once, <see cref="Run"/> enqueues the op (the suite waits for the device after it). Every subclass in
/// an op folder is found by <see cref="OpBenchmarks.All"/>, so the suite grows with the ops.
/// </summary>
public abstract class OpBenchmark : IDisposable
{
    // Owns what the case allocates, as a check's context does, and releases it with the benchmark.
    private CheckContext? _owned;
    private Random _rng = new(1);

    /// <summary>The op, its pass and its shape, e.g. <c>pixel_shuffle forward 256→64 128x128 r2</c>.</summary>
    public abstract string Name { get; }

    protected Device Device { get; private set; } = null!;

    public void Setup(Device device)
    {
        Device = device;
        _owned = new CheckContext(device);
        _rng = new Random(1);
        Allocate();
    }

    /// <summary>Allocates the inputs and outputs with <see cref="Random"/> and <see cref="Empty"/>.</summary>
    protected abstract void Allocate();

    public abstract void Run();

    /// <summary>Random values in [−1, 1) plus <paramref name="offset"/>, released with the benchmark.</summary>
    protected DeviceBuffer Random(long length, float offset = 0)
    {
        var values = new float[length];
        for (long i = 0; i < length; i++)
            values[i] = _rng.NextSingle() * 2 - 1 + offset;
        return _owned!.Input(values);
    }

    protected DeviceBuffer Empty(long length) => Own(Device.Allocate(length));

    protected T Own<T>(T item) where T : IDisposable => _owned!.Own(item);

    public void Dispose()
    {
        _owned?.Dispose();
        GC.SuppressFinalize(this);
    }

    public override string ToString() => Name;
}

/// <summary>
/// The cases of an op benchmarked at several shapes or passes (the zoo's conv2d layers, say): every subclass in an
/// op folder adds its <see cref="Cases"/> to <see cref="OpBenchmarks.All"/>.
/// </summary>
public abstract class OpBenchmarkSet
{
    public abstract IEnumerable<OpBenchmark> Cases { get; }
}

public static class OpBenchmarks
{
    /// <summary>Every benchmark case of the engine's ops, by name.</summary>
    public static IReadOnlyList<OpBenchmark> All { get; } =
        ConcreteSubclasses.Instances<OpBenchmark>()
            .Concat(ConcreteSubclasses.Instances<OpBenchmarkSet>().SelectMany(set => set.Cases))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToArray();
}
