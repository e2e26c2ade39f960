using System.Diagnostics.CodeAnalysis;

namespace SuperRes.Tensors.Verification;

/// <summary>Finds the op checks and benchmarks by their base class, so adding one to an op's folder is enough.</summary>
internal static class ConcreteSubclasses
{
    /// <summary>One instance of every concrete, non-generic subclass of <typeparamref name="T"/> in its assembly that has a public parameterless constructor.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = TrimmerRoot)]
    [UnconditionalSuppressMessage("Trimming", "IL2062", Justification = TrimmerRoot)]
    [UnconditionalSuppressMessage("Trimming", "IL2065", Justification = TrimmerRoot)]
    public static List<T> Instances<T>()
    {
        var instances = new List<T>();
        foreach (var type in typeof(T).Assembly.GetTypes())
            if (type.IsSubclassOf(typeof(T)) && !type.IsAbstract && !type.ContainsGenericParameters && type.GetConstructor(Type.EmptyTypes) is not null)
                instances.Add((T)Activator.CreateInstance(type)!);
        return instances;
    }

    private const string TrimmerRoot = "SuperRes.Tensors is a trimmer root of the native superres build (src/SuperRes.Cli/SuperRes.Cli.csproj): every type and constructor is kept.";
}
