using SuperRes.Models.Modules;

namespace SuperRes.Models.Networks;

/// <summary>One network of the zoo: its name, scales, what it expects, and how to build it.</summary>
public sealed record ZooEntry(
    string Name,
    string Description,
    int[] Scales,
    ColorConvention Colors,
    Func<Device, int, ModelOptions, SrNetwork> Build)
{
    /// <summary>True for MDSR: one set of weights serves every scale.</summary>
    public bool IsMultiScale { get; init; }
}

/// <summary>The networks selectable by name (<c>--model</c>).</summary>
public static class ModelZoo
{
    public static IReadOnlyList<ZooEntry> Entries { get; } =
    [
        new("srcnn", "SRCNN 9-5-5, 64/32 filters, Y channel, bicubic-upsampled input", [2, 3, 4], ColorConvention.Y01,
            (d, s, o) => new Srcnn(d, s, o)),
        new("fsrcnn", "FSRCNN d56 s12 m4, PReLU per channel, 9×9 deconvolution, Y channel", [2, 3, 4], ColorConvention.Y01,
            (d, s, o) => new Fsrcnn(d, s, o)),
        new("srresnet", "SRResNet, 16 residual blocks with BatchNorm and PReLU, PixelShuffle", [2, 4], ColorConvention.Rgb01,
            (d, s, o) => new SrResNet(d, s, o)),
        new("edsr-baseline", "EDSR baseline, 16 ResBlocks, 64 features", [2, 3, 4], ColorConvention.Rgb255,
            (d, s, o) => new Edsr(d, "edsr-baseline", s, o, blocks: 16, features: 64, resScale: 1f)),
        new("edsr", "EDSR, 32 ResBlocks, 256 features, res_scale 0.1", [2, 3, 4], ColorConvention.Rgb255,
            (d, s, o) => new Edsr(d, "edsr", s, o, blocks: 32, features: 256, resScale: 0.1f)),
        new("mdsr-baseline", "MDSR baseline, one model for x2/x3/x4, 16 ResBlocks", Mdsr.SupportedScales, ColorConvention.Rgb255,
            (d, s, o) => new Mdsr(d, "mdsr-baseline", s, o, blocks: 16)) { IsMultiScale = true },
        new("mdsr", "MDSR, one model for x2/x3/x4, 80 ResBlocks", Mdsr.SupportedScales, ColorConvention.Rgb255,
            (d, s, o) => new Mdsr(d, "mdsr", s, o, blocks: 80)) { IsMultiScale = true },
        new("msrn", "MSRN, 8 multi-scale residual blocks with hierarchical feature fusion", [2, 3, 4], ColorConvention.Rgb255,
            (d, s, o) => new Msrn(d, s, o)),
        new("rcan", "RCAN, 10 residual groups × 20 RCABs, channel attention (reduction 16)", [2, 3, 4], ColorConvention.Rgb255,
            (d, s, o) => new Rcan(d, s, o)),
    ];

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
