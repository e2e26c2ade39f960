namespace SuperRes.Tensors.Verification;

/// <summary>
/// Buffers for one run of an op check on one device. Outputs start poisoned with NaN, so an element the
/// op forgets to write shows up as a failure instead of passing on leftover data.
/// </summary>
public sealed class CheckContext(Device device) : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public Device Device { get; } = device;

    public DeviceBuffer Input(float[] data)
    {
        var buffer = Device.Upload(data);
        _owned.Add(buffer);
        return buffer;
    }

    public DeviceBuffer Output(long length)
    {
        var buffer = Device.Allocate(length);
        var poison = new float[length];
        Array.Fill(poison, float.NaN);
        Device.Write(buffer, poison);
        _owned.Add(buffer);
        return buffer;
    }

    public float[] Read(DeviceBuffer buffer) => Device.Download(buffer);

    /// <summary>Disposes <paramref name="item"/> with the context (tensors, extra buffers).</summary>
    public T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        foreach (var item in _owned)
            item.Dispose();
        _owned.Clear();
    }
}
