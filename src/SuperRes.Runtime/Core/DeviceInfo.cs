namespace SuperRes.Runtime;

/// <summary>What a device is, as discovered, before (or without) opening it.</summary>
/// <param name="Index">Index among the devices of the same backend (the N of <c>opencl:N</c>).</param>
/// <param name="ApiVersion">OpenCL version string, CUDA compute capability, or the .NET version for Cpu.</param>
public sealed record DeviceInfo(
    BackendKind Backend,
    int Index,
    string Name,
    long MemoryBytes,
    int ComputeUnits,
    string DriverVersion,
    string ApiVersion,
    bool IsGpu)
{
    /// <summary>The id a user types after <c>--device</c>.</summary>
    public string Id => Backend == BackendKind.Cpu ? "cpu" : $"{Backend.IdPrefix()}:{Index}";

    public override string ToString() => $"{Id} ({Name})";
}
