using System.Text.Json;
using SuperRes.Tensors;
using Xunit.Abstractions;

namespace SuperRes.Training.Tests;

/// <summary>
/// AdamOptimizer against torch.optim.Adam (tests/fixtures/adam/adam.json, from make_adam_fixture.py): the same
/// starting parameters and gradients give the same parameters after every step, and the same moments and step
/// counts at the end — with weight decay 0 and non-zero, one step and several, gradients skipped on some steps
/// (MDSR), and clip_grad_norm_.
/// </summary>
public sealed class AdamFixtureTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Load().RootElement.GetProperty("cases").EnumerateArray())
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTorchOnCpu(string name) =>
        TestDevices.OnNewCpu(device => Run(device, name, output));

    internal static void Run(Device device, string name, ITestOutputHelper output)
    {
        using var doc = Load();
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var settings = new AdamSettings(
            c.GetProperty("beta1").GetDouble(), c.GetProperty("beta2").GetDouble(), c.GetProperty("eps").GetDouble(),
            c.GetProperty("weight_decay").GetDouble(),
            c.GetProperty("clip").ValueKind == JsonValueKind.Null ? null : c.GetProperty("clip").GetSingle());
        double lr = c.GetProperty("lr").GetDouble();
        var parameters = new List<(string Name, Tensor Value)>();
        foreach (var p in c.GetProperty("params").EnumerateObject())
        {
            var (shape, data) = ReadTensor(p.Value);
            parameters.Add((p.Name, Tensor.FromArray(device, shape, data, requiresGrad: true)));
        }
        try
        {
            using var adam = new AdamOptimizer(parameters, settings);
            int stepIndex = 0;
            double worst = 0;
            foreach (var step in c.GetProperty("steps").EnumerateArray())
            {
                stepIndex++;
                SetGradients(device, parameters, step.GetProperty("grads"));
                adam.Step(lr);
                Assert.All(parameters, p => Assert.Null(p.Value.Grad));
                if (step.TryGetProperty("grad_norm", out var norm))
                {
                    float ours = adam.LastGradientNorm()!.Value;
                    Assert.True(Math.Abs(ours - norm.GetSingle()) <= 1e-5 * norm.GetSingle(), $"step {stepIndex}: gradient norm {ours} vs torch {norm.GetSingle()}");
                }
                foreach (var (pname, tensor) in parameters)
                {
                    var (_, expected) = ReadTensor(step.GetProperty("params_after").GetProperty(pname));
                    var actual = tensor.ToArray();
                    for (int i = 0; i < expected.Length; i++)
                    {
                        double err = Math.Abs(actual[i] - expected[i]);
                        worst = Math.Max(worst, err);
                        // Float rounding of the same operations in a different order: a few ulps of values near 1.
                        Assert.True(err <= 1e-6, $"{name} step {stepIndex} {pname}[{i}]: {actual[i]:R} vs torch {expected[i]:R}");
                    }
                }
            }
            foreach (var st in c.GetProperty("state_after").EnumerateObject())
            {
                Assert.Equal(st.Value.GetProperty("step").GetInt64(), adam.StepCount(st.Name));
                var state = adam.ExportState().Single(s => s.Name == st.Name);
                AssertClose(ReadTensor(st.Value.GetProperty("exp_avg")).Data, state.M.Data, $"{name} exp_avg {st.Name}");
                AssertClose(ReadTensor(st.Value.GetProperty("exp_avg_sq")).Data, state.V.Data, $"{name} exp_avg_sq {st.Name}");
            }
            Assert.Equal(c.GetProperty("state_after").EnumerateObject().Count(), adam.ExportState().Count);
            output.WriteLine($"{name} on {device.Info.Id}: {stepIndex} steps, largest parameter difference from torch {worst:G3}");
        }
        finally
        {
            foreach (var (_, t) in parameters)
                t.Dispose();
        }
    }

    /// <summary>Makes each parameter's gradient exactly the fixture's: backward of Σ p·g gives g (null: no gradient).</summary>
    private static void SetGradients(Device device, List<(string Name, Tensor Value)> parameters, JsonElement grads)
    {
        var terms = new List<Tensor>();
        var owned = new List<Tensor>();
        try
        {
            foreach (var (name, p) in parameters)
            {
                var g = grads.GetProperty(name);
                if (g.ValueKind == JsonValueKind.Null)
                    continue;
                var (shape, data) = ReadTensor(g);
                var gt = Tensor.FromArray(device, shape, data);
                owned.Add(gt);
                var product = Ops.Multiply(p, gt);
                owned.Add(product);
                var sum = Ops.Sum(product);
                owned.Add(sum);
                terms.Add(sum);
            }
            var total = terms[0];
            for (int i = 1; i < terms.Count; i++)
            {
                total = Ops.Add(total, terms[i]);
                owned.Add(total);
            }
            total.Backward();
        }
        finally
        {
            foreach (var t in owned)
                t.Dispose();
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs((double)v));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * scale + 1e-12, $"{what}[{i}]: {actual[i]:R} vs torch {expected[i]:R}");
    }

    private static (int[] Shape, float[] Data) ReadTensor(JsonElement e) =>
        (e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(),
         e.GetProperty("data").EnumerateArray().Select(d => d.GetSingle()).ToArray());

    internal static IEnumerable<string> Names() =>
        Load().RootElement.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();

    private static JsonDocument Load() => JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("adam", "adam.json")));
}
