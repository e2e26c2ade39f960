namespace SuperRes.Runtime.Tests;

/// <summary>
/// <see cref="DeviceBuffer.WriteCount"/> and <see cref="DeviceBuffer.Derived"/> on OpenCL: every way a kernel device
/// can write a buffer counts, a derived buffer is reused until then and made again after, and it goes with its owner.
/// </summary>
public sealed class DerivedBufferTests
{
    [OpenClFact]
    public void Writes_copies_and_launches_each_count_as_a_write()
    {
        using var device = TestDevices.RequireOpenCl();
        using var buffer = device.Allocate(64);
        using var other = device.Allocate(64);
        long count = buffer.WriteCount;
        device.Write(buffer, new float[64]);
        Assert.True(buffer.WriteCount > count, "Write did not count");
        count = buffer.WriteCount;
        device.Copy(other, 0, buffer, 0, 64);
        Assert.True(buffer.WriteCount > count, "Copy into the buffer did not count");
        count = buffer.WriteCount;
        using (var host = new HostBuffer(64))
        {
            device.WriteAsync(host, 0, buffer, 0, 64);
            device.Synchronize();
        }
        Assert.True(buffer.WriteCount > count, "WriteAsync did not count");
        count = buffer.WriteCount;
        device.Launch(device.GetKernel("elementwise.cl", "fill"), LaunchGrid.Linear(64, 64), 64, 1f, buffer);
        Assert.True(buffer.WriteCount > count, "a launch that took the buffer did not count");
        count = buffer.WriteCount;
        device.Read(buffer, new float[64]);
        device.Copy(buffer, 0, other, 0, 64);
        Assert.Equal(count, buffer.WriteCount);
    }

    [OpenClFact]
    public void A_derived_buffer_is_kept_until_its_owner_is_written_and_disposed_with_it()
    {
        using var device = TestDevices.RequireOpenCl();
        var owner = device.Upload([1f, 2f, 3f]);
        int made = 0;
        DeviceBuffer Doubled(DeviceBuffer source)
        {
            made++;
            var values = device.Download(source);
            return device.Upload(values.Select(v => 2 * v).ToArray());
        }

        var first = owner.Derived("doubled", Doubled);
        Assert.Same(first, owner.Derived("doubled", Doubled));
        Assert.Equal([2f, 4f, 6f], device.Download(first));
        Assert.Equal(1, made);

        device.Write(owner, [5f, 6f, 7f]);
        var second = owner.Derived("doubled", Doubled);
        Assert.Equal(2, made);
        Assert.True(first.IsDisposed, "the stale derived buffer was not given back");
        Assert.Equal([10f, 12f, 14f], device.Download(second));

        var other = owner.Derived("other key", Doubled);
        Assert.Equal(3, made);
        owner.Dispose();
        Assert.True(second.IsDisposed && other.IsDisposed, "derived buffers outlived their owner");
    }
}
