namespace SuperRes.Models.Serialization;

/// <summary>
/// What one weight file may make a loader do, so a small hostile file cannot take a deep stack, unbounded
/// time or gigabytes of memory: nesting depth, units of work (pickle opcodes and the items they touch) and
/// bytes materialised (pickle objects and tensor data). The limits scale with the file's size, which is
/// what an honest file's needs scale with; each is far above what torch.save or safetensors write.
/// </summary>
internal sealed class LoadBudget(string path, long fileBytes)
{
    /// <summary>Nesting of containers, calls and tensor rebuilds (torch.save nests about 4 deep).</summary>
    public const int MaxDepth = 64;

    /// <summary>Work allowed regardless of size, plus per byte of the file.</summary>
    private const long BaseWork = 10_000_000, WorkPerByte = 16;

    /// <summary>Bytes allowed regardless of size, plus per byte of the file: float16 doubles to float32,
    /// and a strided view may spread; 4× is room for both, never the 1000× of an aliasing trick.</summary>
    private const long BaseBytes = 64L << 20, BytesPerFileByte = 4;

    public string Path { get; } = path;
    public long FileBytes { get; } = fileBytes;
    public long MaxWork { get; } = BaseWork + WorkPerByte * fileBytes;
    public long MaxBytes { get; } = BaseBytes + BytesPerFileByte * fileBytes;
    public long Work { get; private set; }
    public long Bytes { get; private set; }

    /// <summary>Charges <paramref name="units"/> of work (an opcode, the items of a container built or copied).</summary>
    public void Step(long units = 1)
    {
        Work += units;
        if (Work > MaxWork)
            throw new WeightFormatException(Path, $"refusing to load: the file asks for more than {MaxWork:N0} steps of work " +
                                                  "(a small file describing an enormous structure)");
    }

    /// <summary>Charges memory about to be allocated for <paramref name="what"/>; throws before it is.</summary>
    public void Allocate(long bytes, string what)
    {
        if (bytes < 0 || bytes > MaxBytes - Bytes)
            throw new WeightFormatException(Path, $"refusing to load: {what} would bring the memory this file needs past " +
                                                  $"{MaxBytes:N0} bytes ({Bytes:N0} already in use); a {FileBytes:N0}-byte file cannot hold that much data");
        Bytes += bytes;
    }

    /// <summary>Checks a nesting depth (a recursion or a chain of calls) against <see cref="MaxDepth"/>.</summary>
    public void Depth(int depth, string what)
    {
        if (depth > MaxDepth) throw new WeightFormatException(Path, $"refusing to load: {what} nests more than {MaxDepth} deep");
    }
}
