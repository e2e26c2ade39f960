using System.Runtime.InteropServices;

namespace SuperRes.Runtime;

/// <summary>
/// Float32 host memory at a fixed address, so that a backend can copy to or from it asynchronously
/// while the managed heap moves things around.
/// </summary>
public sealed unsafe class HostBuffer : IDisposable
{
    private float* _pointer;

    public HostBuffer(long length)
    {
        if (length <= 0)
            throw new ArgumentOutOfRangeException(nameof(length));
        Length = length;
        _pointer = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
    }

    public long Length { get; }

    public nint Pointer => _pointer == null ? throw new ObjectDisposedException(nameof(HostBuffer)) : (nint)_pointer;

    public Span<float> AsSpan() => new((void*)Pointer, checked((int)Length));

    public void Dispose()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
        GC.SuppressFinalize(this);
    }

    ~HostBuffer() => Dispose();
}
