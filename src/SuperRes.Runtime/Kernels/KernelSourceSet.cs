using System.Collections.Immutable;

namespace SuperRes.Runtime;

/// <summary>One kernel source: a <c>.cl</c> file or a header it includes.</summary>
/// <param name="Name">The name kernels and includes use, e.g. <c>conv2d.cl</c> or <c>include/reduce.h</c>.</param>
/// <param name="Path">What <c>#line</c> directives and messages cite, e.g. <c>kernels/conv2d.cl</c>.</param>
/// <param name="Origin">Who registered it (an assembly name), for messages about clashing names.</param>
internal sealed class KernelSource(string name, string path, string origin, Func<string> read)
{
    private readonly Lazy<string> _text = new(read);

    public string Name { get; } = name;
    public string Path { get; } = path;
    public string Origin { get; } = origin;
    public string Text => _text.Value;
}

/// <summary>
/// Kernel sources by name, safe to read while another thread adds: the engine's own <c>kernels/</c> plus what
/// other assemblies register. Names are one namespace, so two origins cannot both own a name.
/// </summary>
internal sealed class KernelSourceSet
{
    private readonly Lock _gate = new();
    private ImmutableSortedDictionary<string, KernelSource> _sources = ImmutableSortedDictionary.Create<string, KernelSource>(StringComparer.Ordinal);

    public IEnumerable<KernelSource> All => _sources.Values;

    public KernelSource? Find(string name) => _sources.GetValueOrDefault(name);

    /// <summary>Adds sources; one registered again with the same path and origin is kept as it is.</summary>
    public void Add(IEnumerable<KernelSource> sources)
    {
        lock (_gate)
        {
            var builder = _sources.ToBuilder();
            foreach (var source in sources)
            {
                if (builder.TryGetValue(source.Name, out var known))
                {
                    if (known.Path == source.Path && known.Origin == source.Origin)
                        continue;
                    throw new KernelBuildException(
                        $"kernel source name '{source.Name}' is taken: {known.Path} ({known.Origin}) and {source.Path} ({source.Origin}); rename one of them");
                }
                builder[source.Name] = source;
            }
            _sources = builder.ToImmutable();
        }
    }
}
