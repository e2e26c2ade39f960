using System.Runtime.ExceptionServices;

namespace SuperRes.Imaging;

/// <summary>
/// An image whose rows are being decoded on a thread of their own, top to bottom (<see cref="ImageCodec.StartReadingSamples"/>):
/// a read waits until the rows it covers are in, so an upscale's first tiles run while the rest of the file decodes.
/// A decoding error is thrown from the read that waits for a row the decoder never finished, as the
/// <see cref="ImageFormatException"/> a whole-file decode gives.
/// </summary>
public sealed class DecodingImage : IImageSource
{
    private readonly PixelImage _pixels;
    private readonly object _gate = new();
    private int _rowsReady;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts <paramref name="decode"/>(samples, rowsReady) on a new thread; it reports complete rows from the top.</summary>
    internal DecodingImage(PixelImage pixels, Action<PixelImage, Action<int>> decode)
    {
        _pixels = pixels;
        // A thread of its own rather than the pool's: the pool's threads are the forward's helpers.
        new Thread(() =>
        {
            try
            {
                decode(pixels, RowsReady);
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _error = ExceptionDispatchInfo.Capture(e);
                    Monitor.PulseAll(_gate);
                }
            }
        }) { IsBackground = true, Name = "superres-decode" }.Start();
    }

    public int Width => _pixels.Width;
    public int Height => _pixels.Height;
    public int Channels => _pixels.Channels;
    public int BitDepth => _pixels.BitDepth;

    public Image ReadRegion(int x, int y, int width, int height)
    {
        WaitForRows(Math.Clamp(y + height, 0, Height));
        return _pixels.ReadRegion(x, y, width, height);
    }

    public void ReadRow(int x, int y, int channel, Span<float> destination)
    {
        WaitForRows(Math.Clamp(y + 1, 0, Height));
        _pixels.ReadRow(x, y, channel, destination);
    }

    private void RowsReady(int rows)
    {
        lock (_gate)
        {
            _rowsReady = rows;
            Monitor.PulseAll(_gate);
        }
    }

    private void WaitForRows(int rows)
    {
        if (Volatile.Read(ref _rowsReady) >= rows)
            return;
        lock (_gate)
        {
            while (_rowsReady < rows && _error is null)
                Monitor.Wait(_gate);
            if (_rowsReady < rows)
                _error!.Throw();
        }
    }
}
