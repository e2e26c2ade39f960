using SuperRes.Models.Modules;

namespace SuperRes.Models.Networks;

/// <summary>
/// One network of the registry: its name, what it serves (<see cref="Capabilities"/>) and how to build it.
/// <see cref="Build"/> gets the device, the scale (one of the capabilities' scales) and the configuration
/// overrides; <see cref="Options"/> names the overrides it accepts (shown by <c>superres models</c>).
/// </summary>
public sealed record ZooEntry(
    string Name,
    string Description,
    NetworkCapabilities Capabilities,
    Func<Device, int, ModelOptions, SrNetwork> Build)
{
    /// <summary>The configuration overrides (<c>--options name=value</c>) the network takes.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    public IReadOnlyList<int> Scales => Capabilities.Scales;

    public ColorConvention Colors => Capabilities.Colors;

    /// <summary>True for MDSR: one set of weights serves every scale.</summary>
    public bool IsMultiScale => Capabilities.IsMultiScale;
}

/// <summary>
/// The registry of networks selectable by name (<c>--model</c>, weight-file metadata): the built-in zoo plus
/// whatever a library user or a plugin (<see cref="ModelPlugins"/>) registers. Thread-safe.
/// </summary>
public static class ModelZoo
{
    private static readonly Lock Gate = new();

    /// <summary>The networks that ship with the library.</summary>
    public static IReadOnlyList<ZooEntry> BuiltIn { get; } =
    [
        new("srcnn", "SRCNN 9-5-5, 64/32 filters, Y channel, bicubic-upsampled input", Srcnn.Supported,
            (d, s, o) => new Srcnn(d, s, o)) { Options = Srcnn.OptionNames },
        new("fsrcnn", "FSRCNN d56 s12 m4, PReLU per channel, 9×9 deconvolution, Y channel", Fsrcnn.Supported,
            (d, s, o) => new Fsrcnn(d, s, o)) { Options = Fsrcnn.OptionNames },
        new("srresnet", "SRResNet, 16 residual blocks with BatchNorm and PReLU, PixelShuffle", SrResNet.Supported,
            (d, s, o) => new SrResNet(d, s, o)) { Options = SrResNet.OptionNames },
        new("edsr-baseline", "EDSR baseline, 16 ResBlocks, 64 features", Edsr.Supported,
            (d, s, o) => new Edsr(d, "edsr-baseline", s, o, blocks: 16, features: 64, resScale: 1f)) { Options = Edsr.OptionNames },
        new("edsr", "EDSR, 32 ResBlocks, 256 features, res_scale 0.1", Edsr.Supported,
            (d, s, o) => new Edsr(d, "edsr", s, o, blocks: 32, features: 256, resScale: 0.1f)) { Options = Edsr.OptionNames },
        new("mdsr-baseline", "MDSR baseline, one model for x2/x3/x4, 16 ResBlocks", Mdsr.Supported,
            (d, s, o) => new Mdsr(d, "mdsr-baseline", s, o, blocks: 16)) { Options = Mdsr.OptionNames },
        new("mdsr", "MDSR, one model for x2/x3/x4, 80 ResBlocks", Mdsr.Supported,
            (d, s, o) => new Mdsr(d, "mdsr", s, o, blocks: 80)) { Options = Mdsr.OptionNames },
        new("msrn", "MSRN, 8 multi-scale residual blocks with hierarchical feature fusion", Msrn.Supported,
            (d, s, o) => new Msrn(d, s, o)) { Options = Msrn.OptionNames },
        new("rcan", "RCAN, 10 residual groups × 20 RCABs, channel attention (reduction 16)", Rcan.Supported,
            (d, s, o) => new Rcan(d, s, o)) { Options = Rcan.OptionNames },
    ];

    // After BuiltIn: static initialisers run in textual order.
    private static readonly List<ZooEntry> Registered = [.. BuiltIn];

    /// <summary>Every registered network, built-in first, then in registration order.</summary>
    public static IReadOnlyList<ZooEntry> Entries
    {
        get
        {
            lock (Gate)
                return [.. Registered];
        }
    }

    /// <summary>
    /// Adds a network. Its name must be new (case-insensitively) and it must serve at least one scale; the
    /// same entry registered twice is a no-op, so a registration can run more than once.
    /// </summary>
    public static void Register(ZooEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (string.IsNullOrWhiteSpace(entry.Name) || entry.Name.Any(char.IsWhiteSpace))
            throw new SuperResException($"a network needs a name without spaces, not '{entry.Name}'");
        if (entry.Scales.Count == 0 || entry.Scales.Any(s => s < 1))
            throw new SuperResException($"network '{entry.Name}' must serve at least one scale ≥ 1, not [{string.Join(", ", entry.Scales)}]");
        lock (Gate)
        {
            var existing = Registered.FirstOrDefault(e => string.Equals(e.Name, entry.Name, StringComparison.OrdinalIgnoreCase));
            if (existing == entry)
                return;
            if (existing is not null)
                throw new SuperResException($"a network named '{existing.Name}' is already registered ({existing.Description})");
            Registered.Add(entry);
        }
    }

    public static ZooEntry Find(string name) =>
        Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new SuperResException($"no model '{name}'. Models: {string.Join(", ", Entries.Select(e => e.Name))}");

    /// <summary>Builds a network with fresh (PyTorch-default) initial weights.</summary>
    public static SrNetwork Create(Device device, string name, int scale, ModelOptions? options = null)
    {
        var entry = Find(name);
        if (!entry.Scales.Contains(scale))
            throw new SuperResException($"{entry.Name} supports scales {string.Join(", ", entry.Scales)}, not {scale}");
        options ??= ModelOptions.Empty;
        using var limit = Modules.Init.LimitParameters(ModelOptions.MaxParameters, $"{entry.Name} x{scale}" + (options.Values.Count == 0 ? "" : $" ({options})"));
        return entry.Build(device, scale, options);
    }
}
