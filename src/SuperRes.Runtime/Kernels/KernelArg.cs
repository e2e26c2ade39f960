namespace SuperRes.Runtime;

public enum KernelArgKind
{
    Buffer,
    Int32,
    Float32,
}

/// <summary>One argument of a kernel launch: a device buffer, an int or a float.</summary>
public readonly struct KernelArg
{
    private KernelArg(KernelArgKind kind, DeviceBuffer? buffer, int intValue, float floatValue)
    {
        Kind = kind;
        Buffer = buffer;
        Int = intValue;
        Float = floatValue;
    }

    public KernelArgKind Kind { get; }
    public DeviceBuffer? Buffer { get; }
    public int Int { get; }
    public float Float { get; }

    public static implicit operator KernelArg(DeviceBuffer buffer) => new(KernelArgKind.Buffer, buffer, 0, 0);
    public static implicit operator KernelArg(int value) => new(KernelArgKind.Int32, null, value, 0);
    public static implicit operator KernelArg(float value) => new(KernelArgKind.Float32, null, 0, value);

    /// <summary>Lengths and offsets are long on the host; kernels index with int, so larger values are refused.</summary>
    public static implicit operator KernelArg(long value) =>
        value is >= int.MinValue and <= int.MaxValue
            ? new(KernelArgKind.Int32, null, (int)value, 0)
            : throw new ArgumentOutOfRangeException(nameof(value), value, "kernel index arguments must fit in 32 bits");

    public override string ToString() => Kind switch
    {
        KernelArgKind.Buffer => $"buffer[{Buffer!.Length}]",
        KernelArgKind.Int32 => Int.ToString(),
        _ => Float.ToString("R"),
    };
}

/// <summary>
/// Launch geometry in OpenCL terms: total work-items per dimension and the work-group size.
/// Backends round the global size up to a multiple of the local size; kernels bounds-check.
/// </summary>
public readonly record struct LaunchGrid(long GlobalX, long GlobalY, long GlobalZ, int LocalX, int LocalY, int LocalZ)
{
    public static LaunchGrid Linear(long count, int local = 256) => new(Math.Max(count, 1), 1, 1, local, 1, 1);

    public static LaunchGrid Grid2D(long x, long y, int localX, int localY) => new(Math.Max(x, 1), Math.Max(y, 1), 1, localX, localY, 1);

    public static LaunchGrid Grid3D(long x, long y, long z, int localX, int localY, int localZ) =>
        new(Math.Max(x, 1), Math.Max(y, 1), Math.Max(z, 1), localX, localY, localZ);

    public long GroupsX => (GlobalX + LocalX - 1) / LocalX;
    public long GroupsY => (GlobalY + LocalY - 1) / LocalY;
    public long GroupsZ => (GlobalZ + LocalZ - 1) / LocalZ;
}
