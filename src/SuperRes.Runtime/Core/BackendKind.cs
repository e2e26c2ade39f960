namespace SuperRes.Runtime;

/// <summary>The families of compute backends the engine can run on.</summary>
public enum BackendKind
{
    Cpu,
    OpenCL,
    Cuda,
}

public static class BackendKindNames
{
    /// <summary>The lower-case name used in device ids (<c>cpu</c>, <c>opencl:0</c>, <c>cuda:1</c>).</summary>
    public static string IdPrefix(this BackendKind kind) => kind switch
    {
        BackendKind.Cpu => "cpu",
        BackendKind.OpenCL => "opencl",
        BackendKind.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
