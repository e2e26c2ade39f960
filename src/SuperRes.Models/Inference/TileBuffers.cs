using System.Collections.Concurrent;
using SuperRes.Imaging;

namespace SuperRes.Models.Inference;

/// <summary>
/// Float arrays of the sizes the tiles use, handed back after each tile and reused by the next: tiles come in a few
/// sizes (interior, right and bottom edge, corner), so a run allocates each size a few times instead of once per tile,
/// and its peak memory does not wait on the collector to free a pile of tile-sized arrays. Thread-safe (the forwards
/// rent, the conversion task returns). Arrays are not cleared: every user overwrites all of one.
/// </summary>
internal sealed class TileBuffers
{
    // Kept per size: a tile being produced, two queued, one being converted, and a crop of one.
    private const int KeptPerSize = 5;

    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _free = new();

    public float[] Rent(int length) =>
        _free.TryGetValue(length, out var bag) && bag.TryTake(out var array) ? array : GC.AllocateUninitializedArray<float>(length);

    public Image RentImage(int width, int height, int channels, int bitDepth = 8) => new(width, height, channels, Rent(width * height * channels), bitDepth);

    public void Return(Image image) => Return(image.Data);

    public void Return(float[] array)
    {
        var bag = _free.GetOrAdd(array.Length, _ => []);
        if (bag.Count < KeptPerSize)
            bag.Add(array);
    }

    /// <summary><see cref="Image.Crop"/> of the first <paramref name="channels"/> (all by default) into a rented image.</summary>
    public Image Crop(Image source, int x, int y, int width, int height, int? channels = null)
    {
        var result = RentImage(width, height, channels ?? source.Channels, source.BitDepth);
        for (int c = 0; c < result.Channels; c++)
            for (int r = 0; r < height; r++)
                Array.Copy(source.Data, (c * source.Height + y + r) * source.Width + x, result.Data, (c * height + r) * width, width);
        return result;
    }
}
