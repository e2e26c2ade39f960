using SuperRes.Models.Modules;
using SuperRes.Models.Networks;
using SuperRes.Models.Weights;
using SuperRes.Runtime;

namespace SuperRes.Benchmarks;

/// <summary>
/// The forward passes timed against ONNX Runtime (<see cref="PeerBenchmarks"/>): each is a zoo network with
/// seeded random weights, saved by the engine as a PyTorch checkpoint (<c>NAME.pt</c>) that
/// benchmarks/export_onnx.py rebuilds in PyTorch and exports as <c>NAME.onnx</c>. Both files live in
/// <see cref="Folder"/>: $SUPERRES_PEERS, or superres-peers in the temporary folder.
/// </summary>
public sealed record PeerModel(string Name, string Architecture, int Scale, int[] Input)
{
    public static readonly IReadOnlyList<PeerModel> All =
    [
        new("edsr-baseline-x2", "edsr-baseline", 2, [1, 3, 128, 128]),
        new("fsrcnn-x2", "fsrcnn", 2, [1, 1, 256, 256]),
        new("fsrcnn-x3", "fsrcnn", 3, [1, 1, 256, 256]),
    ];

    public static string Folder =>
        Environment.GetEnvironmentVariable("SUPERRES_PEERS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Path.GetTempPath(), "superres-peers");

    public string WeightsPath => Path.Combine(Folder, Name + ".pt");

    public string OnnxPath => Path.Combine(Folder, Name + ".onnx");

    /// <summary>EDSR works on RGB in [0, 255], FSRCNN on Y in [0, 1].</summary>
    public float Range => Architecture == "fsrcnn" ? 1f : 255f;

    public static PeerModel Named(string name) =>
        All.SingleOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"no peer workload '{name}' (known: {string.Join(", ", All.Select(m => m.Name))})");

    /// <summary>The same input on both sides: uniform in [0, range), seed 1.</summary>
    public float[] RandomInput()
    {
        var rng = new Random(1);
        var values = new float[Input.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
            values[i] = rng.NextSingle() * Range;
        return values;
    }

    /// <summary>Writes every workload's weights (Init seed 1) into <see cref="Folder"/> for export_onnx.py.</summary>
    public static void ExportWeights()
    {
        Directory.CreateDirectory(Folder);
        using var device = Devices.Open("cpu");
        foreach (var model in All)
        {
            Init.Seed(1);
            using var network = ModelZoo.Create(device, model.Architecture, model.Scale);
            NetworkWeights.SavePyTorch(network, model.WeightsPath);
            Console.WriteLine($"{model.WeightsPath}: {model.Architecture} x{model.Scale}");
        }
    }
}
