using System.Reflection;
using SuperRes.Tensors.Backends;
using SuperRes.Tensors.Verification;

namespace SuperRes.Tensors.Tests;

/// <summary>The op × backend table and the benchmark cases of the op folders (src/SuperRes.Tensors/Ops/*/).</summary>
[Collection("devices")]
public sealed class BackendTableTests
{
    /// <summary>Every <c>Backends</c> table of the engine's buffer-level ops, by declaring type.</summary>
    public static TheoryData<string> Tables()
    {
        var data = new TheoryData<string>();
        foreach (var name in OpTables().Keys)
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void EveryOpHasAnImplementationForEveryBackend(string type)
    {
        var table = OpTables()[type];
        var backends = (IReadOnlyCollection<BackendKind>)table.GetType().GetProperty(nameof(BackendTable<object>.Backends))!.GetValue(table)!;
        Assert.Equal(Enum.GetValues<BackendKind>().Order(), backends.Order());
    }

    [Fact]
    public void TheOpFoldersDeclareTheirTables()
    {
        Assert.Superset(
            new HashSet<string>
            {
                "Activations", "AdaptiveAvgPool2d", "Adam", "Arithmetic", "BatchNorm", "BceWithLogits", "Channels", "Conv2d", "ConvTranspose2d", "Elementwise", "Losses",
                "Linear", "MaxPool2d", "PixelShuffle", "Pooling", "Reduce",
            },
            OpTables().Keys.ToHashSet());
    }

    [Fact]
    public void EveryBenchmarkCaseRunsOnTheCpuUnderItsOwnName()
    {
        Assert.Equal(OpBenchmarks.All.Count, OpBenchmarks.All.Select(b => b.Name).Distinct().Count());
        foreach (var benchmark in OpBenchmarks.All)
        {
            benchmark.Setup(TestDevices.Cpu);
            try
            {
                benchmark.Run();
            }
            finally
            {
                benchmark.Dispose();
            }
        }
    }

    private static Dictionary<string, object> OpTables() =>
        typeof(Ops).Assembly.GetTypes()
            .Select(t => (Type: t, Property: t.GetProperty("Backends", BindingFlags.Public | BindingFlags.Static)))
            .Where(p => p.Property?.PropertyType is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(BackendTable<>))
            .ToDictionary(p => p.Type.Name, p => p.Property!.GetValue(null)!);
}
