using System.Text.Json;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>One case of tests/fixtures/ops/&lt;group&gt;.json (written by tests/fixtures/make_op_fixtures.py with PyTorch).</summary>
public sealed record FixtureTensor(int[] Shape, float[] Data);

public sealed record FixtureCase(
    string Name,
    string Op,
    JsonElement Params,
    IReadOnlyList<(string Name, FixtureTensor Value)> Inputs,
    FixtureTensor Output,
    FixtureTensor Upstream,
    IReadOnlyDictionary<string, FixtureTensor> Grads)
{
    public FixtureTensor Input(string name) => Inputs.First(i => i.Name == name).Value;

    public int Int(string name) => Params.GetProperty(name).GetInt32();

    public float Float(string name) => Params.GetProperty(name).GetSingle();

    public string String(string name) => Params.GetProperty(name).GetString()!;

    public bool Bool(string name) => Params.GetProperty(name).GetBoolean();

    public int[] Ints(string name) => Params.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();

    public float[] Floats(string name) => Params.GetProperty(name).EnumerateArray().Select(v => v.GetSingle()).ToArray();

    public bool HasInput(string name) => Inputs.Any(i => i.Name == name);

    public override string ToString() => Name;
}

public static class OpFixtures
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "SuperRes.Native.sln")))
                    return Path.Combine(dir.FullName, "tests", "fixtures", "ops");
            throw new DirectoryNotFoundException("no SuperRes.Native.sln above " + AppContext.BaseDirectory);
        }
    }

    public static IReadOnlyList<FixtureCase> Load(string group)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, group + ".json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(Parse).ToArray();
    }

    /// <summary>The fixture groups: one file each in <see cref="Directory"/>.</summary>
    public static IEnumerable<string> Groups() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    /// <summary>(group, case name) of every fixture case, for [MemberData].</summary>
    public static TheoryData<string, string> AllNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var group in Groups())
            foreach (var c in Load(group))
                data.Add(group, c.Name);
        return data;
    }

    /// <summary>
    /// Runs <paramref name="forward"/> on <paramref name="device"/> with the fixture's inputs (in file order;
    /// the ones PyTorch has gradients for require grad) and compares output and gradients with PyTorch's.
    /// </summary>
    public static void AssertMatches(FixtureCase fixture, Device device, Func<Tensor[], Tensor> forward, double tolerance = 1e-4)
    {
        var inputs = fixture.Inputs
            .Select(i => new GradientCase.Input(i.Value.Shape, i.Value.Data, fixture.Grads.ContainsKey(i.Name)))
            .ToList();
        using var ctx = new CheckContext(device);
        float[][] results;
        if (inputs.Any(i => i.Differentiable))
        {
            results = GradientCase.Run(ctx, inputs, forward, fixture.Upstream.Data);
        }
        else
        {
            using var _ = Autograd.Tape.NoGrad();
            var tensors = inputs.Select(i => ctx.Own(Tensor.FromArray(device, i.Shape, i.Data))).ToArray();
            results = [ctx.Own(forward(tensors)).ToArray()];
        }
        AssertClose($"{fixture.Name} output on {device.Info.Id}", results[0], fixture.Output.Data, tolerance);
        int k = 1;
        foreach (var (name, _) in fixture.Inputs)
            if (fixture.Grads.TryGetValue(name, out var grad))
                AssertClose($"{fixture.Name} grad {name} on {device.Info.Id}", results[k++], grad.Data, tolerance);
    }

    private static void AssertClose(string what, float[] actual, float[] expected, double tolerance)
    {
        double err = Accuracy.RelativeError(actual, expected);
        Assert.True(err <= tolerance, $"{what}: relative error {err:G3} > {tolerance:G3}");
    }

    private static FixtureCase Parse(JsonElement c)
    {
        static FixtureTensor T(JsonElement e) => new(
            e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            e.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray());
        return new FixtureCase(
            c.GetProperty("name").GetString()!,
            c.GetProperty("op").GetString()!,
            c.GetProperty("params").Clone(),
            c.GetProperty("inputs").EnumerateObject().Select(p => (p.Name, T(p.Value))).ToArray(),
            T(c.GetProperty("output")),
            T(c.GetProperty("upstream")),
            c.GetProperty("grads").EnumerateObject().ToDictionary(p => p.Name, p => T(p.Value)));
    }
}
