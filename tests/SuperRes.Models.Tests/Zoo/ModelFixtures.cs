using System.Text.Json;

namespace SuperRes.Models.Tests.Zoo;

/// <summary>A weight set of tests/fixtures/models: one network saved three ways.</summary>
public sealed record FixtureWeights(string Stem, string Architecture, int Scale, string Options, string Colors, string[] Files, long Parameters);

/// <summary>A forward/backward case: which weights, which scale, train or eval mode, and its io file.</summary>
public sealed record FixtureCase(string Name, FixtureWeights Weights, int Scale, bool Train, string Io);

/// <summary>
/// tests/fixtures/models/, made by tests/fixtures/make_model_fixtures.py: manifest.json plus, per case,
/// <c>&lt;case&gt;.io.safetensors</c> holding input, target, output, loss, grad.&lt;param&gt; (and running.&lt;buffer&gt;
/// for the train-mode case), all from PyTorch.
/// </summary>
public static class ModelFixtures
{
    public static readonly string Dir = TestPaths.Fixture("models");
    private static readonly Lazy<JsonDocument> Manifest = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "manifest.json"))));

    public static string PathOf(string name) => Path.Combine(Dir, name);

    public static JsonElement Root => Manifest.Value.RootElement;

    public static IReadOnlyDictionary<string, FixtureWeights> Weights =>
        Root.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => new FixtureWeights(
            p.Name,
            p.Value.GetProperty("architecture").GetString()!,
            p.Value.GetProperty("scale").GetInt32(),
            p.Value.GetProperty("options").GetString()!,
            p.Value.GetProperty("colors").GetString()!,
            p.Value.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray(),
            p.Value.GetProperty("parameters").GetInt64()));

    public static IReadOnlyList<FixtureCase> Cases
    {
        get
        {
            var weights = Weights;
            return Root.GetProperty("cases").EnumerateArray().Select(c => new FixtureCase(
                c.GetProperty("name").GetString()!,
                weights[c.GetProperty("weights").GetString()!],
                c.GetProperty("scale").GetInt32(),
                c.GetProperty("train").GetBoolean(),
                c.GetProperty("io").GetString()!)).ToList();
        }
    }

    public static FixtureCase Case(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Trainable parameter counts of the full-size PyTorch definitions, by "name xS".</summary>
    public static long FullParameterCount(string key) => Root.GetProperty("full_parameter_counts").GetProperty(key).GetInt64();

    public static IReadOnlyDictionary<string, HostTensor> Io(FixtureCase c) => Safetensors.Read(PathOf(c.Io)).Tensors;

    public static Tensor ToDevice(Device device, HostTensor t) => Tensor.FromArray(device, t.Shape, t.Data);

    /// <summary>‖actual − expected‖₂ / ‖expected‖₂ (absolute when expected is all zeros).</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length)
            throw new ArgumentException($"{actual.Length} values compared with {expected.Length}");
        double diff = 0, norm = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }
        return norm == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / norm);
    }

    /// <summary>Asserts shape and relative error, naming what was compared and the worst element.</summary>
    public static double AssertClose(Tensor actual, HostTensor expected, double tolerance, string what)
    {
        Assert.True(actual.Shape.Dims.SequenceEqual(expected.Shape),
            $"{what}: shape {actual.Shape}, PyTorch [{string.Join("×", expected.Shape)}]");
        var a = actual.ToArray();
        double rel = RelativeError(a, expected.Data);
        if (!(rel <= tolerance))
        {
            int worst = 0;
            for (int i = 1; i < a.Length; i++)
                if (Math.Abs(a[i] - expected.Data[i]) > Math.Abs(a[worst] - expected.Data[worst]))
                    worst = i;
            Assert.Fail($"{what}: relative error {rel:E3} > {tolerance:E0}; worst element {worst}: {a[worst]:R} vs PyTorch {expected.Data[worst]:R}");
        }
        return rel;
    }
}
